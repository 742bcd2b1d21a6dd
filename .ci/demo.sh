#!/usr/bin/env bash
# `make demo`: builds Doorstep, starts the sync server on the demo district
# and opens the app with a community worker's enrollment filled in.
# Usage: .ci/demo.sh [demo-dir]
#
# Server hook: .ci/demo-server.sh <demo-dir> creates the demo district on a
# server database under <demo-dir>, starts the server in the background
# (PID in <demo-dir>/server.pid) and prints enrollment codes, the last line
# a worker's enrollment URI. Its output goes through a file, never a pipe, so
# a server that keeps a descriptor open cannot make this script wait.
# Closing the app or pressing Ctrl-C stops the server too.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-.demo}
mkdir -p "$dir" bin
dir=$(cd "$dir" && pwd)

stop_server() {
  if [ -f "$dir/server.pid" ]; then
    kill "$(cat "$dir/server.pid")" 2>/dev/null || true
    rm -f "$dir/server.pid"
    echo "demo: server stopped"
  fi
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "demo: building the app (the first build takes ~3 minutes)"
go build -ldflags "-X doorstep/sync/version.stamped=$(.ci/version.sh)" -o bin/doorstep .

enroll=""
if [ -x .ci/demo-server.sh ]; then
  echo "demo: building the server and loading the demo district (the first time takes a minute)"
  .ci/demo-server.sh "$dir" >"$dir/codes.txt"
  enroll=$(tail -n 1 "$dir/codes.txt")
  server=$(sed -n 's/.*server=\([^&]*\).*/\1/p' <<<"$enroll" | sed 's/%3A/:/g; s#%2F#/#g')
  cat <<MSG

demo: the sync server is running at ${server:-the demo address} (log: $dir/server.log).
demo: enrollment codes for other roles are in $dir/codes.txt.

  The app opens on its first screen with a community worker's server and
  enrollment code already filled in. Choose a PIN of 4 to 8 digits, type it
  twice and press Enter (or the 登记 / Enroll button): the worker's community
  syncs in a few seconds. The PIN unlocks the app from then on.

  To stop: close the app window, or press Ctrl-C here. Either stops the
  server too. \`make clean\` deletes the demo data and starts over.

MSG
else
  echo "demo: no server hook; the app offers its local demo"
fi

# The app keeps its device database under the demo folder, so `make clean`
# starts over and a real installation's data is never touched.
# Fyne cannot parse the C/POSIX locale; the app is Chinese-first, so use zh-CN then.
case "${LC_ALL:-${LANG:-C}}" in C|C.*|POSIX|"") export LANG=zh_CN.UTF-8; unset LC_ALL ;; esac
DOORSTEP_DATA_DIR="$dir/app" DOORSTEP_ENROLL="$enroll" bin/doorstep </dev/null
