#!/usr/bin/env bash
# Builds Doorstep, starts the sync server on the demo district (when the
# server's hook exists) and opens the app. Usage: .ci/demo.sh [demo-dir]
#
# Server hook: .ci/demo-server.sh <demo-dir>.
# It must create the demo district on a server database under <demo-dir>,
# start the server in the background, write the server's PID to
# <demo-dir>/server.pid, and print an enrollment URI
# (doorstep://enroll?server=...&code=...) as its last line of output. The
# app's first-run screen then shows that server and code filled in; the
# server is stopped when the app exits. Without the hook the app opens alone
# and offers its local demo.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-.demo}
mkdir -p "$dir" bin
echo "demo: building the app (the first build takes ~3 minutes)"
go build -o bin/doorstep .

enroll=""
if [ -x .ci/demo-server.sh ]; then
  out=$(.ci/demo-server.sh "$dir")
  enroll=$(tail -n 1 <<<"$out")
  echo "demo: server started; enrollment: $enroll"
fi
stop_server() {
  if [ -f "$dir/server.pid" ]; then
    kill "$(cat "$dir/server.pid")" 2>/dev/null || true
    rm -f "$dir/server.pid"
  fi
}
trap stop_server EXIT

# The app keeps its device database under the demo folder, so `make clean`
# starts over and a real installation's data is never touched.
# Fyne cannot parse the C/POSIX locale; the app is Chinese-first, so use zh-CN then.
case "${LC_ALL:-${LANG:-C}}" in C|C.*|POSIX) export LANG=zh_CN.UTF-8; unset LC_ALL ;; esac
DOORSTEP_DATA_DIR="$(cd "$dir" && pwd)/app" DOORSTEP_ENROLL="$enroll" \
  bin/doorstep
