#!/usr/bin/env bash
# Windowed smoke test of the path a new user takes: `make demo` under Xvfb.
#
# 1. `make demo` builds everything, the server hook starts the sync server on
#    the demo district, and the app opens with a worker's enrollment filled in.
# 2. The test checks the server's /v1/health, types a PIN twice into the
#    window and presses Enter (which enrolls), waits for the device's first
#    sync to reach the server's newest change, and checks the window again.
#    What the window shows is read with tesseract (chi_sim+eng): the first-run
#    screen must show its enrollment texts with the demo server filled in, the
#    synced app the Today screen, its tabs and households of the demo district.
# 3. Closing the app must stop the server and end `make demo`.
# 4. A second `make demo` (enrolled now) is stopped with Ctrl-C (SIGINT to
#    its process group, as a terminal does) the moment its window appears:
#    the app and the server must stop.
# Every wait is bounded; a hang fails the test. Screenshots: bin/smoke-*.png,
# and what OCR read of them: bin/smoke-*.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bin

# Without OCR the test cannot tell a synced app from a blank window: fail, and
# say so, rather than pass without looking.
langs=$(tesseract --list-langs 2>/dev/null || true)
if ! grep -qx chi_sim <<<"$langs" || ! grep -qx eng <<<"$langs"; then
  echo "smoke: FAIL: tesseract with Chinese and English data is not installed, so the test cannot read the window."
  echo "smoke: install it: apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng (.ci/deps.sh test does)"
  exit 1
fi
root=$(pwd)
limit=${SMOKE_BUILD_SECONDS:-900} # a cold cgo build of the app takes ~4 minutes on 2 cores

# A private HOME keeps the user's Fyne settings out of it; Go keeps its caches.
export GOCACHE GOMODCACHE GOPATH
GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE) GOPATH=$(go env GOPATH)
work=$(mktemp -d)
mkdir -p "$work/home"
port=$((20000 + RANDOM % 20000))
addr="127.0.0.1:$port"
display=":$((90 + RANDOM % 9))"
# -noreset: by default Xvfb resets when its last client disconnects, and a
# client connecting during the reset fails ("Failed to open display"); the
# window polls below connect and disconnect while the app starts. Measured:
# 20 failed connections of 2,400 from four concurrent loops without it,
# none with it; a CI run once failed the second make demo so.
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp -noreset >"$work/xvfb.log" 2>&1 &
xvfb=$!
demo_pid=""
cleanup() {
  if [ -n "$demo_pid" ] && kill -0 "$demo_pid" 2>/dev/null; then
    kill -TERM -- "-$demo_pid" 2>/dev/null || true
    sleep 1
    kill -KILL -- "-$demo_pid" 2>/dev/null || true
  fi
  if [ -f "$work/demo/server.pid" ]; then kill "$(cat "$work/demo/server.pid")" 2>/dev/null || true; fi
  kill "$xvfb" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { # the reason is printed first and again last: CI keeps only the tail of long output
  echo "smoke: FAIL: $*"
  echo "--- make demo output"; cat "$work/demo.log" 2>/dev/null || true
  echo "--- server log (tail)"; tail -n 20 "$work/demo/server.log" 2>/dev/null || true
  DISPLAY="$display" import -window root bin/smoke-fail.png 2>/dev/null && echo "smoke: screen in bin/smoke-fail.png"
  echo "smoke: FAIL: $*"
  exit 1
}
x() { DISPLAY="$display" "$@"; }

start_demo() { # starts `make demo` in its own process group, as a terminal would
  setsid env HOME="$work/home" DISPLAY="$display" LANG=zh_CN.UTF-8 DOORSTEP_DEMO_ADDR="$addr" \
    make -s demo DEMO_DIR="$work/demo" </dev/null >"$work/demo.log" 2>&1 &
  demo_pid=$!
}
wait_window() { # $1: seconds
  local end=$((SECONDS + $1))
  while [ $SECONDS -lt $end ]; do
    if wid=$(x xdotool search --name '^(Doorstep|入户通)$' 2>/dev/null | head -n 1) && [ -n "$wid" ]; then
      return 0
    fi
    kill -0 "$demo_pid" 2>/dev/null || fail "make demo exited before the app's window appeared"
    sleep 1
  done
  fail "no app window within $1 s (make demo hung?)"
}
wait_gone() { # $1: seconds for make demo to end (generous: a loaded 2-core CI machine once took over 20 s to quit the app mid-sync; a hang still fails)
  local end=$((SECONDS + $1))
  while kill -0 "$demo_pid" 2>/dev/null; do
    [ $SECONDS -lt $end ] || fail "make demo still running $1 s after the app was told to stop"
    sleep 0.5
  done
  wait "$demo_pid" 2>/dev/null || true
  if curl -fsS -m 2 "http://$addr/v1/health" >/dev/null 2>&1; then
    fail "the sync server still answers after make demo ended"
  fi
  [ ! -f "$work/demo/server.pid" ] || fail "server.pid left behind"
}
ocr() { # $1: name; screenshot of the app's window to bin/smoke-$1.png, its text (no spaces) to bin/smoke-$1.txt
  x import -window "$wid" "bin/smoke-$1.png" || fail "cannot capture the app's window"
  # Tesseract reads Fyne's 14-16 px text far better at 3x. Its layout analysis
  # drops lines of a whole window (an entry's text), so read each half as a
  # page, and the whole sparsely for lone words (tabs, buttons). Read from
  # the whole window it sometimes misses the header's white-on-green sync
  # badge, so the header strip is also read alone, in grey; and, as even that
  # missed it once (2026-12-07), the badge alone: the box of the theme's
  # success green (app/kit/palette.go, #13652b), in grey, negated to dark
  # text on light, read as one line. With no green on screen the box is
  # empty and reads as nothing.
  convert "bin/smoke-$1.png" -resize 300% "$work/ocr.png"
  convert "$work/ocr.png" -crop 2x1@ +repage "$work/ocr-half-%d.png"
  convert "$work/ocr.png" -crop 100%x12%+0+0 +repage -colorspace Gray "$work/ocr-top.png"
  local badge
  badge=$(convert "$work/ocr.png" -fuzz 10% -fill white +opaque '#13652b' -fill black -opaque '#13652b' -format '%@' info: 2>/dev/null || true)
  convert "$work/ocr.png" -crop "${badge:-1x1+0+0}" +repage -colorspace Gray -negate "$work/ocr-badge.png" 2>/dev/null || true
  { timeout 60 tesseract "$work/ocr.png" - -l chi_sim+eng --psm 11 2>/dev/null || true
    timeout 60 tesseract "$work/ocr-top.png" - -l chi_sim+eng --psm 11 2>/dev/null || true
    timeout 60 tesseract "$work/ocr-badge.png" - -l chi_sim+eng --psm 7 2>/dev/null || true
    for half in "$work"/ocr-half-*.png; do
      timeout 60 tesseract "$half" - -l chi_sim+eng --psm 3 2>/dev/null || true
    done
  } | tr -d ' \t' | grep -v '^$' >"bin/smoke-$1.txt" || true
}
expect_text() { # $1: name, $2: seconds to wait, $3: what the window should be, rest: strings OCR must find (a|b: either)
  local name=$1 wait=$2 what=$3 tries=0 missing w alt alts found end
  shift 3
  end=$((SECONDS + wait))
  while :; do
    ocr "$name"
    missing=()
    for w in "$@"; do
      found=""
      IFS='|' read -r -a alts <<<"$w"
      for alt in "${alts[@]}"; do
        if grep -qF -- "$alt" "bin/smoke-$name.txt"; then found=1; fi
      done
      [ -n "$found" ] || missing+=("$w")
    done
    [ ${#missing[@]} -gt 0 ] || break
    tries=$((tries + 1))
    # At least 5 reads, and until the deadline: a loaded 2-core machine may
    # still be storing the first sync's pages after the server has sent them.
    if [ $tries -ge 5 ] && [ $SECONDS -ge $end ]; then
      echo "--- OCR of the window (bin/smoke-$name.txt)"; cat "bin/smoke-$name.txt"
      fail "the window does not show $what: OCR did not find ${missing[*]} in $tries tries over ${wait}+ s (bin/smoke-$name.png)"
    fi
    sleep 2
  done
  echo "smoke: the window shows $what (OCR found $*)"
}
health() {
  local h
  h=$(curl -fsS -m 5 "http://$addr/v1/health") || fail "/v1/health does not answer"
  grep -q '"ok"' <<<"$h" || grep -q 'status' <<<"$h" || fail "/v1/health answered $h"
  echo "smoke: /v1/health: $h"
}

sleep 1
echo "smoke: make demo under Xvfb (server on $addr)"
start_demo
wait_window "$limit"
echo "smoke: window up"
health
grep -q 'Ctrl-C' "$work/demo.log" || fail "make demo did not tell the user how to stop it"
sleep 2
# The first-run screen, in Chinese, with the demo server's address filled in.
expect_text firstrun 30 "the first-run screen with the demo enrollment filled in" \
  欢迎使用入户通 设置PIN码 登记本设备 服务器地址 "127.0.0.1:$port"
# The first-run screen focuses the PIN field; Enter in the second PIN field
# enrolls with the server and code that make demo filled in.
x xdotool type --delay 60 2580
x xdotool key Tab
x xdotool type --delay 60 2580
x xdotool key Return
echo "smoke: PIN typed, enrolling"

end=$((SECONDS + 120))
cursor=""
while [ $SECONDS -lt $end ]; do
  cursor=$(bin/doorstep-server devices list --db "$work/demo/server.db" --json 2>/dev/null |
    sed -n 's/.*"last_cursor": *"\([^"]*\)".*/\1/p; s/.*"LastCursor": *"\([^"]*\)".*/\1/p' | head -n 1)
  # A cursor ends in <served seq>.<server's newest seq> once the first sync has caught up.
  if [ -n "$cursor" ] && [ "${cursor##*.}" = "$(cut -d. -f4 <<<"$cursor")" ]; then
    break
  fi
  sleep 1
done
[ -n "$cursor" ] || fail "the device never completed a pull (enrollment through the window failed?)"
[ "${cursor##*.}" = "$(cut -d. -f4 <<<"$cursor")" ] || fail "the first sync did not catch up within 120 s (cursor $cursor)"
echo "smoke: first sync done (cursor $cursor)"
sleep 2
wait_window 5
# The server has sent the last page; the app may still be storing it, so the
# check waits up to 180 s. The synced worker's Today screen: its title and tabs (OCR reads 住户 beside
# its icon poorly, so either tab name will do), the sync badge saying all is
# synced, and households of the demo district (their addresses), which only
# the first sync brings.
expect_text synced 180 "the synced Today screen with the demo district's households" \
  今日 "老年人|住户" 设置 已全部同步 焦作市解放区
health

pid=$(x xdotool getwindowpid "$wid" 2>/dev/null || pgrep -f "^$root/bin/doorstep\$|^bin/doorstep\$" | head -n 1)
[ -n "$pid" ] || fail "cannot find the app's process"
kill -TERM "$pid"
wait_gone 90
echo "smoke: closing the app stopped the server and ended make demo"

# Ctrl-C the moment the window appears: the app must hear it even before its
# event loop runs (started as a background job, it starts with SIGINT
# ignored; Fyne alone listens only once the loop runs, and a Ctrl-C in between
# was lost: the app kept running, 9 times in 10 at this moment).
echo "smoke: second make demo, stopped with Ctrl-C as soon as its window appears"
start_demo
end=$((SECONDS + 300))
until x xdotool search --name '^(Doorstep|入户通)$' >/dev/null 2>&1; do
  [ $SECONDS -lt $end ] || fail "no app window within 300 s (make demo hung?)"
  kill -0 "$demo_pid" 2>/dev/null || fail "make demo exited before the app's window appeared"
done
[ -f "$work/demo/server.pid" ] || fail "the server was not running when the app's window appeared"
kill -INT -- "-$demo_pid"
wait_gone 90
echo "smoke: Ctrl-C stopped the app and the server"
echo "smoke: PASS"
