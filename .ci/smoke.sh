#!/usr/bin/env bash
# Windowed smoke test: builds the real app (cgo, GL), starts it under Xvfb
# against a fresh data directory, waits for its window and saves a
# screenshot to bin/smoke.png. Fails if no window appears.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bin
go build -o bin/doorstep .
display=":$((90 + RANDOM % 9))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
home=$(mktemp -d)
cleanup() {
  kill "${app:-}" 2>/dev/null || true
  wait "${app:-}" 2>/dev/null || true
  kill "$xvfb" 2>/dev/null || true
  rm -rf "$home" 2>/dev/null || true
}
trap cleanup EXIT
sleep 1
HOME="$home" LANG=zh_CN.UTF-8 DISPLAY="$display" bin/doorstep >"$home/app.log" 2>&1 &
app=$!
for _ in $(seq 1 60); do
  if DISPLAY="$display" xdotool search --name 'Doorstep|入户通' >/dev/null 2>&1; then
    sleep 1
    DISPLAY="$display" import -window root bin/smoke.png
    echo "smoke: window up, screenshot in bin/smoke.png"
    exit 0
  fi
  if ! kill -0 "$app" 2>/dev/null; then
    echo "smoke: app exited early:"; cat "$home/app.log"; exit 1
  fi
  sleep 0.5
done
echo "smoke: no window after 30 s"; cat "$home/app.log"; exit 1
