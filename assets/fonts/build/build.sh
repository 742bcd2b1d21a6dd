#!/usr/bin/env bash
# Regenerates the bundled CJK fonts in assets/fonts/ from Noto Sans CJK SC.
#
#   assets/fonts/build/build.sh                  # full coverage (default)
#   COVERAGE=tongyong assets/fonts/build/build.sh  # only the 8,105 characters + symbols
#   assets/fonts/build/build.sh --check          # rebuild in a temp dir, compare with assets/fonts
#   assets/fonts/build/build.sh --refresh-list   # regenerate tongyong-8105.txt from Unihan
#
# Needs (Debian 12): fonts-noto-cjk python3-fonttools; --refresh-list also unicode-data.
# Output is byte-for-byte reproducible for the same fonts-noto-cjk (1:20220127,
# Noto Sans CJK 2.004), fontTools (4.38) and Fyne version. See README.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
noto_dir="${NOTO_DIR:-/usr/share/fonts/opentype/noto}"
coverage="${COVERAGE:-full}"
list="$here/tongyong-8105.txt"
out="$root/assets/fonts"

# A python that has fontTools: the Debian one first (pyenv shims may lack it).
py=""
for cand in "${PYTHON:-}" /usr/bin/python3 python3; do
	if [ -n "$cand" ] && "$cand" -c 'import fontTools' 2>/dev/null; then
		py="$cand"
		break
	fi
done
[ -n "$py" ] || { echo "need fontTools: apt-get install python3-fonttools" >&2; exit 1; }

if [ "${1:-}" = "--refresh-list" ]; then
	exec "$py" "$here/subset.py" list \
		--unihan "${UNIHAN:-/usr/share/unicode/Unihan_OtherMappings.txt.bz2}" --out "$list"
fi

for f in NotoSansCJK-Regular.ttc NotoSansCJK-Bold.ttc; do
	[ -f "$noto_dir/$f" ] || { echo "missing $noto_dir/$f: apt-get install fonts-noto-cjk" >&2; exit 1; }
done

# Fyne's own faces: characters they have stay out of the subset (spaces
# excepted), and the subsets take their line metrics and space width.
fyne_dir="$(cd "$root" && go list -m -f '{{.Dir}}' fyne.io/fyne/v2)"
fyne_font="$fyne_dir/theme/font/NotoSans-Regular.ttf"
fyne_bold_font="$fyne_dir/theme/font/NotoSans-Bold.ttf"
for f in "$fyne_font" "$fyne_bold_font"; do
	[ -f "$f" ] || { echo "missing $f (go mod download fyne.io/fyne/v2)" >&2; exit 1; }
done

check=0
if [ "${1:-}" = "--check" ]; then
	check=1
	out="$(mktemp -d)"
	trap 'rm -rf "$out"' EXIT
fi

"$py" "$here/subset.py" fonts \
	--regular "$noto_dir/NotoSansCJK-Regular.ttc" \
	--bold "$noto_dir/NotoSansCJK-Bold.ttc" \
	--fyne-font "$fyne_font" --fyne-bold-font "$fyne_bold_font" --list "$list" --coverage "$coverage" --out "$out"

if [ "$check" = 1 ]; then
	for f in "$out"/*.otf; do
		cmp "$f" "$root/assets/fonts/$(basename "$f")" || { echo "differs: $(basename "$f")" >&2; exit 1; }
	done
	echo "assets/fonts is up to date"
else
	(cd "$out" && sha256sum ./*.otf)
fi
