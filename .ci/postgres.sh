#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and load runs.
#   .ci/postgres.sh start      start one (or find the one running) and print
#                              DOORSTEP_TEST_PG=postgres://... on standard output
#   .ci/postgres.sh env        print that line for the running cluster (exit 1 if none)
#   .ci/postgres.sh stop       stop it and remove its files (nothing running is fine)
#   .ci/postgres.sh run CMD…   start, run CMD with DOORSTEP_TEST_PG exported, stop
#
#   export "$(.ci/postgres.sh start)"; go test ./server/...; .ci/postgres.sh stop
#
# The cluster lives in a temporary directory, listens on 127.0.0.1 only, on
# a free port from 54330 up, trusts local connections (it holds nothing but
# test data) and holds one database, doorstep_test. Its shared_buffers is
# 1GB (DOORSTEP_PG_SHARED_BUFFERS; PostgreSQL's default, 128MB, holds the
# 1x demo district's cell index but not 10x's, so a scaling run measured
# the cache, not the pull). fsync is off unless
# DOORSTEP_PG_FSYNC=on (load runs turn it on, to compare with SQLite's
# synchronous=FULL honestly). DOORSTEP_PG_OPTS adds server options (e.g.
# "-c shared_preload_libraries=pg_stat_statements" to see which statements
# a load run spends the database's time in). PostgreSQL refuses to
# run as root: as root the server runs as the "postgres" user (created if
# missing) through runuser; otherwise as the calling user. Debian's
# postgresql package is installed when no initdb is found (on PATH or under
# /usr/lib/postgresql/<version>/bin). Each checkout gets its own cluster
# (state in $DOORSTEP_PG_STATE, by default a directory under $TMPDIR named
# after the checkout), so `start` twice finds the running one. Messages go
# to standard error; standard input is never read.
set -euo pipefail
cd "$(dirname "$0")/.."
exec </dev/null

cmd=${1:-}
dbname=doorstep_test
repo_key=$(pwd -P | cksum | cut -d' ' -f1)
state=${DOORSTEP_PG_STATE:-${TMPDIR:-/tmp}/doorstep-pg-$(id -u)-$repo_key}

say() { echo "postgres: $*" >&2; }

# find_bin sets bindir to the directory holding initdb, pg_ctl and postgres.
find_bin() {
  local d
  bindir=""
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1; then
    bindir=$(dirname "$(command -v initdb)")
    return 0
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4,4n -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
      bindir=$d
      return 0
    fi
  done
  return 1
}

install_pg() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo="sudo -n"
    else
      say "no PostgreSQL here and not root: install Debian's postgresql package and retry"
      exit 1
    fi
  fi
  say "installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2
  $sudo apt-get install -y -qq --no-install-recommends postgresql postgresql-client >&2
}

# as_owner runs a command as the cluster's owner, from / (the owner may not
# be allowed into the checkout).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u "$owner" -- "$@")
  else
    "$@"
  fi
}

# psql_bin prints a psql to use: the cluster's own, or the one on PATH.
psql_bin() {
  if [ -x "$bindir/psql" ]; then echo "$bindir/psql"; else command -v psql; fi
}

url() { echo "postgres://$owner@127.0.0.1:$(cat "$state/port")/$dbname?sslmode=disable"; }

running() {
  [ -f "$state/port" ] && [ -d "$state/data" ] && find_bin &&
    as_owner "$bindir/pg_ctl" status -D "$state/data" >/dev/null 2>&1
}

free_port() {
  local p
  for p in $(seq "${1:-54330}" 54999); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  say "no free port in 54330-54999"
  return 1
}

owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
fi

stop() {
  if [ -d "$state/data" ] && find_bin; then
    as_owner "$bindir/pg_ctl" stop -D "$state/data" -m fast -w >/dev/null 2>&1 || true
  fi
  rm -rf "$state"
}

start() {
  if running; then
    say "already running on port $(cat "$state/port") ($state)"
    echo "DOORSTEP_TEST_PG=$(url)"
    return 0
  fi
  stop # leftovers of a cluster that died
  if ! find_bin; then
    install_pg
    find_bin || { say "installed postgresql but found no initdb"; exit 1; }
  fi
  if [ "$(id -u)" -eq 0 ] && ! id "$owner" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
  fi
  mkdir -p "$state"
  chmod 700 "$state"
  if [ "$(id -u)" -eq 0 ]; then
    chown "$owner" "$state"
  fi
  say "initdb in $state/data with $bindir"
  as_owner "$bindir/initdb" -D "$state/data" -U "$owner" --auth=trust -E UTF8 --locale=C >"$state/initdb.log" 2>&1 ||
    { cat "$state/initdb.log" >&2; exit 1; }
  # Another cluster may take the port between the check and the start:
  # then try the next free one.
  local port="" from=54330 try
  for try in 1 2 3 4 5; do
    port=$(free_port "$from")
    echo "$port" >"$state/port"
    if as_owner "$bindir/pg_ctl" start -D "$state/data" -l "$state/server.log" -w -t 30 \
      -o "-p $port -k $state -c listen_addresses=127.0.0.1 -c fsync=${DOORSTEP_PG_FSYNC:-off} -c max_connections=200 -c shared_buffers=${DOORSTEP_PG_SHARED_BUFFERS:-1GB} ${DOORSTEP_PG_OPTS:-}" >"$state/pg_ctl.log" 2>&1; then
      break
    fi
    if [ "$try" -eq 5 ] || ! grep -q "could not bind\|already in use" "$state/server.log" 2>/dev/null; then
      cat "$state/pg_ctl.log" >&2
      tail -n 20 "$state/server.log" >&2 || true
      exit 1
    fi
    say "port $port was taken; trying another"
    from=$((port + 1))
  done
  as_owner "$(psql_bin)" -q -h 127.0.0.1 -p "$port" -U "$owner" -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE $dbname" >/dev/null
  say "running on 127.0.0.1:$port, database $dbname (stop: .ci/postgres.sh stop)"
  echo "DOORSTEP_TEST_PG=$(url)"
}

case "$cmd" in
  start) start ;;
  env)
    if ! running; then
      say "no cluster running for this checkout; .ci/postgres.sh start"
      exit 1
    fi
    echo "DOORSTEP_TEST_PG=$(url)"
    ;;
  stop) stop ;;
  run)
    shift
    [ $# -gt 0 ] || { say "run needs a command"; exit 2; }
    line=$(start)
    trap stop EXIT
    export "${line?}"
    "$@"
    ;;
  *)
    echo "usage: .ci/postgres.sh start|stop|env|run CMD..." >&2
    exit 2
    ;;
esac
