#!/usr/bin/env bash
# `make load`: a real load run against real server processes.
#   .ci/load.sh [sqlite|postgres]            (default sqlite; make load STORE=postgres)
#
# sqlite:   builds the server and bin/doorstep-load, creates a demo district
#           database (doorstep-server demo), starts one server process on a
#           free loopback port, runs the load generator (1,000 devices for a
#           minute by default), prints its summary and the server's own time
#           per endpoint in the window (from its request log), stops the server.
# postgres: the same against two server processes sharing one PostgreSQL
#           database (a throwaway cluster from .ci/postgres.sh, or the one in
#           DOORSTEP_TEST_PG). A server binary without the PostgreSQL store
#           is refused (exit status 3) before any database is touched.
#
# Knobs (environment): LOAD_DEVICES (1000), LOAD_DURATION (1m), LOAD_USERS
# (32: community workers the devices are spread over, one a community),
# LOAD_PUSH_EVERY (30s), LOAD_PULL_EVERY (2m: the app syncs every 2 minutes), LOAD_BATCH_ROWS (10),
# LOAD_SEED (1), LOAD_DIR (.load: database, logs, summary.json), LOAD_ARGS
# (more doorstep-load flags), LOAD_SERVER_ARGS (more `serve` flags),
# LOAD_PROFILE (seconds: a CPU profile of each server process, taken from its
# --debug-addr listener LOAD_PROFILE_AFTER (15) seconds into the run, into
# $LOAD_DIR/cpu-<n>.pprof; off when empty).
# No standard input is read; every process it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"
store=${1:-${STORE:-sqlite}}
dir=${LOAD_DIR:-$PWD/.load}
devices=${LOAD_DEVICES:-1000}
duration=${LOAD_DURATION:-1m}
users=${LOAD_USERS:-32}

case "$store" in
  sqlite) nproc_=1 ;;
  postgres|pg) store=postgres; nproc_=2 ;;
  *) echo "load: unknown store \"$store\" (sqlite or postgres)" >&2; exit 2 ;;
esac

version=$(.ci/version.sh)
mkdir -p "$dir" bin
CGO_ENABLED=0 go build -ldflags "-X doorstep/sync/version.stamped=$version" -o bin/doorstep-server ./server/cmd/doorstep-server
CGO_ENABLED=0 go build -ldflags "-X doorstep/sync/version.stamped=$version" -o bin/doorstep-load ./server/cmd/doorstep-load

pids=()
pgstarted=""
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "$pgstarted" ]; then
    .ci/postgres.sh stop >/dev/null || true
  fi
}
trap cleanup EXIT

# free_port prints a loopback TCP port nothing listens on, from 18443 up.
free_port() {
  local p
  for p in $(seq "${1:-18443}" 18999); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return 0
    fi
  done
  echo "load: no free port in 18443-18999" >&2
  return 1
}

# wait_healthy waits up to 20 s for the server at $1 (process $2, log $3).
wait_healthy() {
  local _
  for _ in $(seq 200); do
    if curl -fsS -m 2 "http://$1/v1/health" >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$2" 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  echo "load: the server did not answer on $1; its log ($3) ends:" >&2
  tail -n 20 "$3" >&2 || true
  return 1
}

if [ "$store" = postgres ]; then
  # The PostgreSQL store is a later phase: look for it in the server's own
  # usage text before touching any database, and give no numbers without it.
  if ! bin/doorstep-server help 2>&1 | grep -qi 'postgres://'; then
    cat >&2 <<MSG
load: this doorstep-server ($version) has no PostgreSQL store yet: its --db takes a
SQLite file only, so "make load STORE=postgres" has nothing to measure. Nothing was run.
When the PostgreSQL backend lands (issue 13), this mode starts a throwaway cluster
(.ci/postgres.sh), loads the demo district with "doorstep-server demo --db postgres://...",
runs two server processes on that one database and spreads the devices over both.
MSG
    exit 3
  fi
  if [ -z "${DOORSTEP_TEST_PG:-}" ]; then
    export "$(DOORSTEP_PG_FSYNC=on .ci/postgres.sh start)"
    pgstarted=1
  fi
  # A fresh database for the run, beside the one DOORSTEP_TEST_PG names.
  pgbase=${DOORSTEP_TEST_PG%%\?*}
  db="${pgbase%/*}/doorstep_load${DOORSTEP_TEST_PG#"$pgbase"}"
  PGOPTIONS='--client-min-messages=warning' psql "$DOORSTEP_TEST_PG" -q -v ON_ERROR_STOP=1 -c 'DROP DATABASE IF EXISTS doorstep_load WITH (FORCE)' \
    -c 'CREATE DATABASE doorstep_load' </dev/null
else
  rm -f "$dir/server.db" "$dir/server.db-wal" "$dir/server.db-shm"
  rm -rf "$dir/server.db-blobs"
  db="$dir/server.db"
fi

echo "load: demo district into $db"
bin/doorstep-server demo --db "$db" </dev/null >"$dir/demo.txt"
head -n 1 "$dir/demo.txt"

urls=()
pidlist=()
port=18443
# The generator reads the servers' /metrics after the window (evidence lag).
metrics_token=load-$$
for i in $(seq "$nproc_"); do
  port=$(free_port "$port")
  log="$dir/server-$i.log"
  : >"$log"
  # TZ=UTC: the request log's times compare with the window the generator reports.
  # Processes on one PostgreSQL database share one blob directory (--blobs).
  blobs=()
  [ "$store" = postgres ] && blobs=(--blobs "$dir/blobs")
  debug=()
  if [ -n "${LOAD_PROFILE:-}" ]; then
    dport=$(free_port $((port + 1)))
    debug=(--debug-addr "127.0.0.1:$dport")
  fi
  TZ=UTC bin/doorstep-server serve --db "$db" --addr "127.0.0.1:$port" "${blobs[@]}" "${debug[@]}" --metrics-token "$metrics_token" ${LOAD_SERVER_ARGS:-} </dev/null >>"$log" 2>&1 &
  pids+=("$!")
  pidlist+=("$!")
  wait_healthy "127.0.0.1:$port" "$!" "$log"
  urls+=("http://127.0.0.1:$port")
  echo "load: server $i (pid $!) on 127.0.0.1:$port, log $log"
  if [ -n "${LOAD_PROFILE:-}" ]; then
    (sleep "${LOAD_PROFILE_AFTER:-15}"
     curl -fsS -m $((LOAD_PROFILE + 30)) -o "$dir/cpu-$i.pprof" "http://127.0.0.1:$dport/debug/pprof/profile?seconds=$LOAD_PROFILE" &&
       echo "load: CPU profile of server $i: go tool pprof -top bin/doorstep-server $dir/cpu-$i.pprof") </dev/null &
    pids+=("$!")
    port=$dport
  fi
  port=$((port + 1))
done

url_list=$(IFS=,; echo "${urls[*]}")
pid_list=$(IFS=,; echo "${pidlist[*]}")
# shellcheck disable=SC2086 # LOAD_ARGS is a list of flags
bin/doorstep-load --url "$url_list" --server-pid "$pid_list" --server-bin bin/doorstep-server --db "$db" \
  --devices "$devices" --users "$users" --duration "$duration" \
  --push-every "${LOAD_PUSH_EVERY:-30s}" --pull-every "${LOAD_PULL_EVERY:-2m}" \
  --batch-rows "${LOAD_BATCH_ROWS:-10}" --seed "${LOAD_SEED:-1}" \
  --json-out "$dir/summary.json" --metrics-token "$metrics_token" ${LOAD_ARGS:-} </dev/null

# The server's own time per endpoint in the measured window: the "ms" of its
# request log (handler time, from the request read to the answer written).
from=$(sed -n 's/.*"window_start": *"\([^"]*\)".*/\1/p' "$dir/summary.json")
to=$(sed -n 's/.*"window_end": *"\([^"]*\)".*/\1/p' "$dir/summary.json")
echo "server time per request in the window (its request log, ms):"
for i in $(seq "$nproc_"); do
  sed -n 's/^{"time":"\([^"]*\)".*"endpoint":"\([a-z_]*\)".*"status":\([0-9]*\).*"ms":\([0-9.]*\).*/\1 \2 \3 \4/p' "$dir/server-$i.log"
done | awk -v from="$from" -v to="$to" '
    # UTC RFC 3339 times as "date seconds-of-day", comparable as strings.
    function key(t,   d, hms) { d = substr(t, 1, 10); split(substr(t, 12), hms, ":"); sub(/Z$/, "", hms[3]); return d " " sprintf("%012.6f", hms[1]*3600 + hms[2]*60 + hms[3]) }
    BEGIN { lo = key(from); hi = key(to) }
    { k = key($1) } k >= lo && k <= hi { print $2 "/" $3, $4 }' | sort -k1,1 -k2,2g |
  awk '
    function report(k,   n) { n = cnt[k]; printf "  %-14s %7d requests   p50 %8.1f   p95 %8.1f   p99 %8.1f   max %8.1f\n", k, n, v[k, int(n*0.50+0.999999)], v[k, int(n*0.95+0.999999)], v[k, int(n*0.99+0.999999)], v[k, n] }
    { cnt[$1]++; v[$1, cnt[$1]] = $2; if (!($1 in seen)) { seen[$1] = 1; keys[++nk] = $1 } }
    END { for (i = 1; i <= nk; i++) report(keys[i]) }'
