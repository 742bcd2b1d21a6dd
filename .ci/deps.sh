#!/usr/bin/env bash
# Installs what building and testing Doorstep needs on Debian/Ubuntu, and
# only what is missing. Usage: .ci/deps.sh [build|test|demo]
#   build: Go and the C libraries Fyne's cgo driver links against
#   test:  build + Xvfb for the windowed smoke test + fonttools-free checks,
#          and (if the package archive has them) tesseract with its Chinese
#          and English data, with which the smoke test reads the window
#   demo:  build + a CJK font for the desktop + Xvfb-less desktop tools
#   dist:  build + mingw-w64 (the Windows app), the arm64 cross compiler and
#          Debian's arm64 X11/GL libraries (the Linux arm64 app), zip
set -euo pipefail
mode=${1:-build}

pkgs=(gcc pkg-config libgl1-mesa-dev libx11-dev libxext-dev libxcursor-dev libxrandr-dev
      libxinerama-dev libxi-dev libxxf86vm-dev ca-certificates git make curl)
# Optional packages: a failure to install them is reported, not fatal; the
# smoke test then fails with a message naming them.
optional=()
case "$mode" in
  test) pkgs+=(xvfb xauth xdotool x11-apps imagemagick)
        optional+=(tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng) ;;
  demo) pkgs+=(fonts-noto-cjk xdg-utils) ;;
  shots) pkgs+=(xvfb xauth xdotool x11-apps imagemagick) ;;
  dist) pkgs+=(gcc-mingw-w64-x86-64 gcc-aarch64-linux-gnu libc6-dev-arm64-cross zip xz-utils file
               libgl1-mesa-dev:arm64 libx11-dev:arm64 libxext-dev:arm64 libxcursor-dev:arm64
               libxrandr-dev:arm64 libxinerama-dev:arm64 libxi-dev:arm64 libxxf86vm-dev:arm64) ;;
esac
if ! command -v go >/dev/null 2>&1 && [ ! -x /usr/local/go/bin/go ]; then
  pkgs+=(golang-go)
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
for p in "${pkgs[@]}"; do
  installed "$p" || missing+=("$p")
done
missing_optional=()
for p in "${optional[@]}"; do
  installed "$p" || missing_optional+=("$p")
done
if [ ${#missing[@]} -eq 0 ] && [ ${#missing_optional[@]} -eq 0 ]; then
  exit 0
fi

if [ ${#missing[@]} -eq 0 ] && ! command -v apt-get >/dev/null 2>&1; then
  echo "deps: warning: no apt-get to install ${missing_optional[*]}; the smoke test cannot read the window without them" >&2
  exit 0
fi
all=("${missing[@]}" "${missing_optional[@]}")
echo "deps: installing ${all[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    if [ ${#missing[@]} -eq 0 ]; then
      echo "deps: warning: ${missing_optional[*]} missing and not root; the smoke test cannot read the window without them" >&2
      exit 0
    fi
    echo "deps: missing ${missing[*]} and not root; install them with apt-get and retry" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
if [[ " ${missing[*]}" == *":arm64"* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $sudo dpkg --add-architecture arm64
fi
$sudo apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi
if [ ${#missing_optional[@]} -gt 0 ]; then
  $sudo apt-get install -y -qq --no-install-recommends "${missing_optional[@]}" </dev/null ||
    echo "deps: warning: could not install ${missing_optional[*]}; the smoke test cannot read the window without them" >&2
fi
