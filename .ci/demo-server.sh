#!/usr/bin/env bash
# The sync server side of `make demo`: .ci/demo-server.sh <demo-dir>.
# Loads the demo district into <demo-dir>/server.db (first run only), starts
# the server in the background (PID in <demo-dir>/server.pid, its output in
# <demo-dir>/server.log) and prints enrollment codes; the last line is a
# community worker's enrollment URI.
#
# The server's standard output and error go to the log file, never to this
# script's standard output: a caller reading this script's output through a
# pipe ($(...)) would otherwise wait for the server to exit.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1
addr=${DOORSTEP_DEMO_ADDR:-127.0.0.1:8443}
mkdir -p "$dir" bin
CGO_ENABLED=0 go build -ldflags "-X doorstep/sync/version.stamped=$(.ci/version.sh)" -o bin/doorstep-server ./server/cmd/doorstep-server

# A server left running by an earlier demo holds the port and the database.
if [ -f "$dir/server.pid" ]; then
  kill "$(cat "$dir/server.pid")" 2>/dev/null || true
  rm -f "$dir/server.pid"
  sleep 0.5
fi
if curl -fsS -m 2 "http://$addr/v1/health" >/dev/null 2>&1; then
  echo "demo: something already answers on $addr; stop it or set DOORSTEP_DEMO_ADDR=host:port" >&2
  exit 1
fi

codes=$(bin/doorstep-server demo --db "$dir/server.db" --server "http://$addr")
bin/doorstep-server serve --db "$dir/server.db" --addr "$addr" </dev/null >>"$dir/server.log" 2>&1 &
echo $! >"$dir/server.pid"
for _ in $(seq 100); do
  if curl -fsS -m 2 "http://$addr/v1/health" >/dev/null 2>&1; then
    echo "$codes"
    exit 0
  fi
  if ! kill -0 "$(cat "$dir/server.pid")" 2>/dev/null; then
    break
  fi
  sleep 0.1
done
echo "demo: the server did not answer on $addr within 10 s; its log ($dir/server.log) ends:" >&2
tail -n 20 "$dir/server.log" >&2 || true
kill "$(cat "$dir/server.pid")" 2>/dev/null || true
rm -f "$dir/server.pid"
exit 1
