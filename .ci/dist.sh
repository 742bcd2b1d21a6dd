#!/usr/bin/env bash
# `make dist`: everything an office installs, into dist/, named with the
# version from .ci/version.sh, plus SHA256SUMS over all of it:
#   doorstep-<v>-windows-amd64.zip      the app (PE32+ GUI .exe, icon and version resource)
#   doorstep-<v>-linux-amd64.tar.xz     the app as `fyne package -os linux` bundles it
#   doorstep-<v>-linux-arm64.tar.xz     the same for arm64 (Kylin, UOS), when the cross
#                                       toolchain and arm64 X11/GL libraries are installed
#   doorstep-server-<v>-<os>-<arch>     the static sync server (linux/amd64, linux/arm64, windows/amd64)
# Prerequisites come from .ci/deps.sh dist (Debian packages, installed only when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
v=$(.ci/version.sh)
fyne_tool=${FYNE_TOOL:-fyne.io/tools/cmd/fyne@v1.7.4}
out="$root/dist"
rm -rf "$out"
mkdir -p "$out" bin

# Every binary carries the version (package doorstep/sync/version). fyne
# package takes -ldflags from GOFLAGS, so the stamp goes there for the app.
stamp="-X=doorstep/sync/version.stamped=$v"
export GOFLAGS="-ldflags=$stamp"

echo "dist: version $v"
echo "dist: fyne packaging tool ($fyne_tool)"
GOFLAGS= GOBIN="$root/bin" go install "$fyne_tool"
fyne="$root/bin/fyne"

for target in linux/amd64 linux/arm64 windows/amd64; do
  os=${target%/*} arch=${target#*/}
  ext=""; [ "$os" = windows ] && ext=".exe"
  echo "dist: server $os/$arch"
  GOFLAGS= CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath -ldflags "-s -w $stamp" \
    -o "$out/doorstep-server-$v-$os-$arch$ext" ./server/cmd/doorstep-server
done

# fyne package writes its output into the current folder and raises the
# Build number in FyneApp.toml on every run; keep the committed file as it is
# (a changed file would make the version "-dirty").
scratch=$(mktemp -d)
cp FyneApp.toml "$scratch/FyneApp.toml"
trap 'cp "$scratch/FyneApp.toml" "$root/FyneApp.toml"; rm -rf "$scratch"; rm -f "$root/fyne_metadata_init.go"' EXIT
app_version=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml | head -n 1)

echo "dist: app linux/amd64 (fyne package; the first build takes ~4 minutes)"
"$fyne" package -os linux -release -src "$root" -icon "$root/assets/icon.png" >"$scratch/linux-amd64.log" 2>&1 ||
  { cat "$scratch/linux-amd64.log"; exit 1; }
cp "$scratch/FyneApp.toml" FyneApp.toml
mv "$root/Doorstep.tar.xz" "$out/doorstep-$v-linux-amd64.tar.xz"

echo "dist: app windows/amd64 (mingw-w64 cross build; the first build takes ~6 minutes)"
CC=x86_64-w64-mingw32-gcc GOOS=windows GOARCH=amd64 \
  "$fyne" package -os windows -release -src "$root" -icon "$root/assets/icon.png" >"$scratch/windows.log" 2>&1 ||
  { cat "$scratch/windows.log"; exit 1; }
cp "$scratch/FyneApp.toml" FyneApp.toml
mkdir -p "$scratch/win/Doorstep-$v"
mv "$root/Doorstep.exe" "$scratch/win/Doorstep-$v/Doorstep.exe"
cp README.md "$scratch/win/Doorstep-$v/README.md"
(cd "$scratch/win" && zip -qr "$out/doorstep-$v-windows-amd64.zip" "Doorstep-$v")

if command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 &&
  [ -e /usr/lib/aarch64-linux-gnu/libGL.so ] && [ -e /usr/lib/aarch64-linux-gnu/libXxf86vm.so ]; then
  echo "dist: app linux/arm64 (cross build against Debian's arm64 libraries)"
  CC=aarch64-linux-gnu-gcc GOOS=linux GOARCH=arm64 PKG_CONFIG_PATH=/usr/lib/aarch64-linux-gnu/pkgconfig \
    "$fyne" package -os linux -release -src "$root" -icon "$root/assets/icon.png" >"$scratch/linux-arm64.log" 2>&1 ||
    { cat "$scratch/linux-arm64.log"; exit 1; }
  mv "$root/Doorstep.tar.xz" "$out/doorstep-$v-linux-arm64.tar.xz"
else
  echo "dist: skipping the linux/arm64 app: needs gcc-aarch64-linux-gnu and the :arm64 X11/GL -dev packages (.ci/deps.sh dist installs them)"
fi

(cd "$out" && sha256sum -- * >SHA256SUMS)
echo "dist: done (app $app_version, build $v):"
ls -l "$out"
