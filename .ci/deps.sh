#!/usr/bin/env bash
# Installs what building and testing Doorstep needs on Debian/Ubuntu, and
# only what is missing. Usage: .ci/deps.sh [build|test|demo]
#   build: Go and the C libraries Fyne's cgo driver links against
#   test:  build + Xvfb for the windowed smoke test + fonttools-free checks
#   demo:  build + a CJK font for the desktop + Xvfb-less desktop tools
#   dist:  build + mingw-w64 (the Windows app), the arm64 cross compiler and
#          Debian's arm64 X11/GL libraries (the Linux arm64 app), zip
set -euo pipefail
mode=${1:-build}

pkgs=(gcc pkg-config libgl1-mesa-dev libx11-dev libxext-dev libxcursor-dev libxrandr-dev
      libxinerama-dev libxi-dev libxxf86vm-dev ca-certificates git make curl)
case "$mode" in
  test) pkgs+=(xvfb xauth xdotool x11-apps imagemagick) ;;
  demo) pkgs+=(fonts-noto-cjk xdg-utils) ;;
  shots) pkgs+=(xvfb xauth xdotool x11-apps imagemagick) ;;
  dist) pkgs+=(gcc-mingw-w64-x86-64 gcc-aarch64-linux-gnu libc6-dev-arm64-cross zip xz-utils file
               libgl1-mesa-dev:arm64 libx11-dev:arm64 libxext-dev:arm64 libxcursor-dev:arm64
               libxrandr-dev:arm64 libxinerama-dev:arm64 libxi-dev:arm64 libxxf86vm-dev:arm64) ;;
esac
if ! command -v go >/dev/null 2>&1 && [ ! -x /usr/local/go/bin/go ]; then
  pkgs+=(golang-go)
fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "deps: missing ${missing[*]} and not root; install them with apt-get and retry" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
if [[ " ${missing[*]}" == *":arm64"* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $sudo dpkg --add-architecture arm64
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
