#!/usr/bin/env python3
"""Builds Doorstep's CJK font subsets from Noto Sans CJK SC.

Called by build.sh (see README.md there for the why). Two commands:

  subset.py fonts --regular TTC --bold TTC --fyne-font TTF --fyne-bold-font TTF
                  --list TXT --coverage full|tongyong --out DIR
      Writes DIR/NotoSansCJKsc-Regular-subset.otf and ...-Bold-subset.otf.

  subset.py list --unihan Unihan_OtherMappings.txt[.bz2] --out TXT
      Regenerates the 通用规范汉字表 list from the Unihan kTGH field.

Only fontTools (Debian: python3-fonttools) is needed.
"""

import argparse
import bz2
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

SC_FAMILY = "Noto Sans CJK SC"
OUT_NAMES = {
    "regular": "NotoSansCJKsc-Regular-subset.otf",
    "bold": "NotoSansCJKsc-Bold-subset.otf",
}

# Blocks the CJK face adds to whatever Fyne's own face lacks. Everything Fyne's
# face already maps (Latin, Latin-1, Greek, Cyrillic, ¥, •, “”, …) is removed
# again below, so those characters keep rendering in Fyne's face.
RANGES_ALWAYS = [
    (0x3000, 0x303F),  # CJK Symbols and Punctuation: 、。《》【】〇 ideographic space
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms: ，：（）！？ ￥
    (0x2160, 0x217F),  # Number Forms: Ⅰ Ⅱ Ⅲ
    (0x2190, 0x21FF),  # Arrows
    (0x2460, 0x24FF),  # Enclosed Alphanumerics: ① ⑴ ⒈
    (0x2500, 0x257F),  # Box Drawing
    (0x25A0, 0x25FF),  # Geometric Shapes: ■ □ ○ ●
    (0x2713, 0x2718),  # check and cross marks: ✓ ✔ ✗ ✘
    (0x3100, 0x312F),  # Bopomofo
    (0x3200, 0x32FF),  # Enclosed CJK Letters and Months: ㈠ ㈡
]
# Spaces the CJK face must have although Fyne's face has them too: Fyne's text
# shaper (go-text) never switches face on a space, so a space after Chinese
# text is drawn with this face ("all fonts have the ASCII space").
SPACES = [0x0020, 0x00A0, 0x2002, 0x2003, 0x3000]

RANGES_FULL = [
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
]


def sc_face_index(path):
    """Returns the index of the Simplified Chinese face in a .ttc."""
    coll = TTCollection(path, lazy=True)
    for i, font in enumerate(coll.fonts):
        if font["name"].getDebugName(1) == SC_FAMILY:
            return i
    sys.exit(f"{path}: no face named {SC_FAMILY!r}")


def read_list(path):
    """Reads the code points of tongyong-8105.txt (index, U+XXXX, char)."""
    cps = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            cp = int(fields[1][2:], 16)
            if chr(cp) != fields[2]:
                sys.exit(f"{path}: {line!r}: code point and character differ")
            cps.append(cp)
    if len(cps) != 8105 or len(set(cps)) != 8105:
        sys.exit(f"{path}: want 8105 distinct characters, got {len(set(cps))}")
    return cps


def gb2312_symbols():
    """Returns the non-ideograph characters of GB 2312 (rows 1-9)."""
    out = set()
    for hi in range(0xA1, 0xAA):
        for lo in range(0xA1, 0xFF):
            try:
                out.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return out


def wanted(list_cps, coverage, fyne_cmap):
    cps = set(list_cps) | gb2312_symbols()
    ranges = RANGES_ALWAYS + (RANGES_FULL if coverage == "full" else [])
    for lo, hi in ranges:
        cps.update(range(lo, hi + 1))
    cps = {c for c in cps if c > 0xFF and c not in fyne_cmap}
    return sorted(cps | set(SPACES))


def match_fyne(font, fyne):
    """Gives the face the vertical metrics and space width of Fyne's face.

    Fyne takes a line's height and baseline from the face that has the space
    character — this one, as it comes first — so with Noto Sans CJK's own
    metrics (1160/-288) every label would grow by 6%. Ideographs sit inside
    -120..880, well within Fyne's 1069/-293 line box.
    """
    if font["head"].unitsPerEm != fyne["head"].unitsPerEm:
        sys.exit("units per em differ from Fyne's face")
    for attr in ("ascent", "descent", "lineGap"):
        setattr(font["hhea"], attr, getattr(fyne["hhea"], attr))
    for attr in ("sTypoAscender", "sTypoDescender", "sTypoLineGap", "usWinAscent", "usWinDescent"):
        setattr(font["OS/2"], attr, getattr(fyne["OS/2"], attr))
    cmap, fcmap = font.getBestCmap(), fyne.getBestCmap()
    for cp in (0x0020, 0x00A0):
        glyph = cmap[cp]
        font["hmtx"][glyph] = (fyne["hmtx"][fcmap[cp]][0], font["hmtx"][glyph][1])


def build_face(ttc, cps, fyne_font, out):
    opts = subset.Options()
    opts.font_number = sc_face_index(ttc)
    opts.hinting = False  # Fyne's rasteriser ignores hints
    opts.layout_features = []  # no GSUB/GPOS closure: halves the glyph count
    opts.drop_tables += ["GSUB", "GPOS", "BASE", "VORG", "vhea", "vmtx"]
    opts.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 13, 14]  # keep the licence fields
    # Fyne draws a character no face has with glyph 0 of its first face, which
    # is this one: keep the box outline, or missing characters turn invisible.
    opts.notdef_outline = True
    opts.recalc_timestamp = False  # reproducible output
    font = subset.load_font(ttc, opts, dontLoadGlyphNames=True)
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=cps)
    sub.subset(font)
    match_fyne(font, TTFont(fyne_font))
    subset.save_font(font, out, opts)
    font.close()
    return opts.font_number


def verify(path, list_cps):
    with open(path, "rb") as f:
        if f.read(4) == b"ttcf":
            sys.exit(f"{path}: is a font collection")
    cmap = TTFont(path).getBestCmap()
    missing = [c for c in list_cps if c not in cmap]
    if missing:
        sys.exit(f"{path}: misses {len(missing)} listed characters")
    latin = [c for c in cmap if c <= 0xFF and c not in SPACES]
    if latin:
        sys.exit(f"{path}: maps Latin-1 characters {latin[:5]}")
    return len(cmap)


def cmd_fonts(a):
    list_cps = read_list(a.list)
    fyne_cmap = set(TTFont(a.fyne_font).getBestCmap())
    cps = wanted(list_cps, a.coverage, fyne_cmap)
    os.makedirs(a.out, exist_ok=True)
    for style, ttc, fyne_font in (("regular", a.regular, a.fyne_font),
                                  ("bold", a.bold, a.fyne_bold_font)):
        out = os.path.join(a.out, OUT_NAMES[style])
        idx = build_face(ttc, cps, fyne_font, out)
        n = verify(out, list_cps)
        print(f"{out}: face {idx} of {os.path.basename(ttc)}, "
              f"{n} characters, {os.path.getsize(out)} bytes")


def cmd_list(a):
    opener = bz2.open if a.unihan.endswith(".bz2") else open
    rows = []
    with opener(a.unihan, "rt", encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if len(fields) == 3 and fields[1] == "kTGH":
                for v in fields[2].split():
                    year, idx = v.split(":")
                    if year == "2013":
                        rows.append((int(idx), int(fields[0][2:], 16)))
    rows.sort()
    if [r[0] for r in rows] != list(range(1, 8106)):
        sys.exit(f"{a.unihan}: kTGH indexes are not exactly 1..8105")
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(HEADER)
        for idx, cp in rows:
            f.write(f"{idx}\tU+{cp:04X}\t{chr(cp)}\n")
    print(f"{a.out}: {len(rows)} characters")


HEADER = """\
# 通用规范汉字表 (Table of General Standard Chinese Characters, State Council of
# the PRC, 2013): 8,105 characters; 1-3500 level 1, 3501-6500 level 2,
# 6501-8105 level 3 (names and place names draw on all three).
#
# Source: Unicode Character Database, Unihan 15.0.0, Unihan_OtherMappings.txt,
# field kTGH ("2013:<index>"), as shipped by Debian 12's package unicode-data
# (/usr/share/unicode/Unihan_OtherMappings.txt.bz2). Unicode data is under the
# Unicode License (https://www.unicode.org/license.txt).
# Cross-checked against the list in github.com/kitty-panics/cn-tables
# (通用规范汉字表.txt): same characters in the same order (sampled).
#
# Regenerate with: assets/fonts/build/build.sh --refresh-list
# Columns (tab-separated): index, code point, character.
"""


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sp = p.add_subparsers(dest="cmd", required=True)
    f = sp.add_parser("fonts")
    f.add_argument("--regular", required=True)
    f.add_argument("--bold", required=True)
    f.add_argument("--fyne-font", required=True)
    f.add_argument("--fyne-bold-font", required=True)
    f.add_argument("--list", required=True)
    f.add_argument("--coverage", choices=["full", "tongyong"], default="full")
    f.add_argument("--out", required=True)
    f.set_defaults(run=cmd_fonts)
    l = sp.add_parser("list")
    l.add_argument("--unihan", required=True)
    l.add_argument("--out", required=True)
    l.set_defaults(run=cmd_list)
    a = p.parse_args()
    a.run(a)


if __name__ == "__main__":
    main()
