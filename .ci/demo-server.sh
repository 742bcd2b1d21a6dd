#!/usr/bin/env bash
# The sync server side of `make demo`: .ci/demo-server.sh <demo-dir>.
# Loads the demo district into <demo-dir>/server.db (first run only), starts
# the server in the background (PID in <demo-dir>/server.pid, log in
# <demo-dir>/server.log) and prints enrollment codes; the last line is a
# community worker's enrollment URI.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$1
addr=${DOORSTEP_DEMO_ADDR:-127.0.0.1:8443}
mkdir -p "$dir" bin
CGO_ENABLED=0 go build -o bin/doorstep-server ./server/cmd/doorstep-server
codes=$(bin/doorstep-server demo --db "$dir/server.db" --server "http://$addr")
bin/doorstep-server serve --db "$dir/server.db" --addr "$addr" 2>>"$dir/server.log" &
echo $! > "$dir/server.pid"
for _ in $(seq 50); do
  curl -fsS "http://$addr/v1/health" >/dev/null 2>&1 && break
  sleep 0.1
done
echo "$codes"
