#!/usr/bin/env bash
# Checks what `make dist` produced: every expected file is there, the
# Windows app is a PE32+ GUI executable, the Linux bundles
# hold the binary, .desktop file and icon, the server binaries for this
# machine run `version` and report the stamped version, and SHA256SUMS
# verifies. Usage: .ci/dist-check.sh [dist-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
d=${1:-dist}
v=$(.ci/version.sh)
fail() { echo "dist-check: FAIL: $*"; exit 1; }

for f in "doorstep-$v-windows-amd64.zip" "doorstep-$v-linux-amd64.tar.xz" \
  "doorstep-server-$v-linux-amd64" "doorstep-server-$v-linux-arm64" "doorstep-server-$v-windows-amd64.exe" SHA256SUMS; do
  [ -s "$d/$f" ] || fail "missing $d/$f"
done

(cd "$d" && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS does not verify"
n=$(wc -l <"$d/SHA256SUMS")
[ "$n" -eq $(($(ls "$d" | wc -l) - 1)) ] || fail "SHA256SUMS covers $n files, dist/ holds more"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unzip -q "$d/doorstep-$v-windows-amd64.zip" -d "$tmp/win"
exe=$(find "$tmp/win" -name 'Doorstep.exe' | head -n 1)
[ -n "$exe" ] || fail "no Doorstep.exe in the Windows zip"
kind=$(file -b "$exe")
grep -q 'PE32+ executable (GUI) x86-64' <<<"$kind" || fail "Doorstep.exe is '$kind', want a PE32+ GUI x86-64 executable"
echo "dist-check: Doorstep.exe: $kind"

for arch in amd64 arm64; do
  [ -f "$d/doorstep-$v-linux-$arch.tar.xz" ] || continue
  list=$(tar -tJf "$d/doorstep-$v-linux-$arch.tar.xz")
  grep -q 'usr/local/bin/doorstep$' <<<"$list" || fail "linux-$arch bundle has no usr/local/bin/doorstep"
  grep -q '\.desktop$' <<<"$list" || fail "linux-$arch bundle has no .desktop file"
  grep -Eq '(pixmaps|icons)/.*\.png$' <<<"$list" || fail "linux-$arch bundle has no icon"
  mkdir -p "$tmp/$arch" && tar -xJf "$d/doorstep-$v-linux-$arch.tar.xz" -C "$tmp/$arch"
  want="x86-64"
  [ "$arch" = arm64 ] && want="ARM aarch64"
  bin=$(find "$tmp/$arch" -path '*usr/local/bin/doorstep' -type f | head -n 1)
  file -b "$bin" | grep -q "$want" || fail "linux-$arch app is not $want"
  echo "dist-check: linux-$arch bundle: binary, .desktop file and icon"
done

host=$(go env GOARCH)
out=$("$d/doorstep-server-$v-linux-$host" version)
grep -qF "$v" <<<"$out" || fail "doorstep-server version printed '$out', want $v"
file -b "$d/doorstep-server-$v-linux-$host" | grep -q 'statically linked' || fail "the server is not a static binary"
file -b "$d/doorstep-server-$v-windows-amd64.exe" | grep -q 'PE32+ executable (console) x86-64' || fail "the Windows server is not a PE32+ console executable"
file -b "$d/doorstep-server-$v-linux-arm64" | grep -q 'ARM aarch64' || fail "the arm64 server is not an aarch64 binary"
echo "dist-check: doorstep-server version: $out"
echo "dist-check: PASS"
