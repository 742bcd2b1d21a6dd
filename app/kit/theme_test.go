package kit

import (
	"bufio"
	"bytes"
	"image"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"doorstep/assets"
)

// rareNameChars are characters common in names but missing from GB 2312
// (plus everyday ones): the reason the fonts follow 通用规范汉字表.
const rareNameChars = "堃昊喆婷琪璐蕾瑾䶮彧淼犇鑫玥珺昱翀赟燚垚李张王"

// cjkPunct is CJK punctuation and fullwidth forms the faces must cover.
const cjkPunct = "，。、；：？！（）《》【】「」〇￥①→√○●★"

// fyneOnly are characters Fyne's own face has: the CJK faces must not, so
// they render in Fyne's face.
const fyneOnly = "AZaz09.,:;-+/()¥•…—·“”‘’"

func parseFont(t *testing.T, r fyne.Resource) *sfnt.Font {
	t.Helper()
	f, err := sfnt.Parse(r.Content())
	if err != nil {
		t.Fatalf("%s: %v", r.Name(), err)
	}
	return f
}

func hasGlyph(t *testing.T, f *sfnt.Font, r rune) bool {
	t.Helper()
	var buf sfnt.Buffer
	i, err := f.GlyphIndex(&buf, r)
	if err != nil {
		t.Fatalf("GlyphIndex(%q): %v", r, err)
	}
	return i != 0
}

// tongyong reads the 8,105 characters of assets/fonts/build/tongyong-8105.txt.
func tongyong(t *testing.T) []rune {
	t.Helper()
	data, err := os.ReadFile("../../assets/fonts/build/tongyong-8105.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []rune
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		cp, err := strconv.ParseUint(strings.TrimPrefix(fields[1], "U+"), 16, 32)
		if err != nil || len(fields) != 3 || string(rune(cp)) != fields[2] {
			t.Fatalf("tongyong-8105.txt: bad line %q", line)
		}
		out = append(out, rune(cp))
	}
	if len(out) != 8105 {
		t.Fatalf("tongyong-8105.txt: %d characters, want 8105", len(out))
	}
	return out
}

func TestThemeFontsAreSingleOpenTypeFaces(t *testing.T) {
	for _, r := range []fyne.Resource{assets.FontRegular(), assets.FontBold()} {
		data := r.Content()
		if len(data) < 4 {
			t.Fatalf("%s: %d bytes", r.Name(), len(data))
		}
		switch magic := string(data[:4]); magic {
		case "ttcf":
			t.Errorf("%s is a font collection (.ttc): Fyne crashes on those", r.Name())
		case "OTTO", "\x00\x01\x00\x00":
		default:
			t.Errorf("%s: magic %q is not an OpenType/TrueType font", r.Name(), magic)
		}
		parseFont(t, r)
	}
	if bytes.Equal(assets.FontRegular().Content(), assets.FontBold().Content()) {
		t.Error("regular and bold faces are the same file")
	}
}

func TestThemeFontCoverage(t *testing.T) {
	all := tongyong(t)
	fyneFace := parseFont(t, theme.DefaultTextFont())
	for _, r := range []fyne.Resource{assets.FontRegular(), assets.FontBold()} {
		f := parseFont(t, r)
		missing := 0
		for _, c := range append(all, []rune(rareNameChars+cjkPunct)...) {
			if !hasGlyph(t, f, c) {
				if missing++; missing <= 10 {
					t.Errorf("%s has no glyph for %q (U+%04X)", r.Name(), c, c)
				}
			}
		}
		for _, c := range fyneOnly {
			if hasGlyph(t, f, c) {
				t.Errorf("%s has a glyph for %q: it would replace Fyne's", r.Name(), c)
			}
			if !hasGlyph(t, fyneFace, c) {
				t.Errorf("Fyne's face has no glyph for %q: remove it from fyneOnly", c)
			}
		}
	}
}

// TestThemeFontSpacesAndMetrics: Fyne's shaper draws a space after Chinese
// text with the CJK face, so the face needs one; and Fyne takes line height
// from that face, so its metrics must be those of Fyne's face.
func TestThemeFontSpacesAndMetrics(t *testing.T) {
	var buf sfnt.Buffer
	for _, pair := range [][2]fyne.Resource{
		{assets.FontRegular(), theme.DefaultTextFont()},
		{assets.FontBold(), theme.DefaultTextBoldFont()},
	} {
		cjk, fy := parseFont(t, pair[0]), parseFont(t, pair[1])
		for _, r := range " \u00a0\u3000" {
			if !hasGlyph(t, cjk, r) {
				t.Errorf("%s has no glyph for U+%04X", pair[0].Name(), r)
			}
		}
		m1, err1 := cjk.Metrics(&buf, fixed.I(1000), font.HintingNone)
		m2, err2 := fy.Metrics(&buf, fixed.I(1000), font.HintingNone)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if m1.Ascent != m2.Ascent || m1.Descent != m2.Descent || m1.Height != m2.Height {
			t.Errorf("%s metrics %+v, Fyne's %+v", pair[0].Name(), m1, m2)
		}
	}
}

func TestThemeFontStyles(t *testing.T) {
	th := Theme{}
	for _, tc := range []struct {
		style fyne.TextStyle
		want  fyne.Resource
	}{
		{fyne.TextStyle{}, assets.FontRegular()},
		{fyne.TextStyle{Italic: true}, assets.FontRegular()},
		{fyne.TextStyle{Monospace: true}, assets.FontRegular()},
		{fyne.TextStyle{Bold: true}, assets.FontBold()},
		{fyne.TextStyle{Bold: true, Italic: true}, assets.FontBold()},
		{fyne.TextStyle{Symbol: true}, theme.DefaultSymbolFont()},
	} {
		if got := th.Font(tc.style); got != tc.want {
			t.Errorf("Font(%+v) = %s, want %s", tc.style, got.Name(), tc.want.Name())
		}
	}
	if got := th.Size(theme.SizeNameText); got < 16 {
		t.Errorf("body text at the standard size is %v, want at least 16", got)
	}
	prev := float32(0)
	for _, s := range TextSizes() {
		got := Theme{Text: s}.Size(theme.SizeNameText)
		if got <= prev {
			t.Errorf("text size %s: body text %v, not larger than the size before (%v)", s.Name(), got, prev)
		}
		prev = got
	}
}

// TestThemeRendersChinese draws text with the theme on the test driver: a
// Chinese character must come out differently from a code point no font has
// (drawn as the missing-glyph box), in both weights.
func TestThemeRendersChinese(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(Theme{})
	render := func(s string, style fyne.TextStyle) image.Image {
		txt := canvas.NewText(s, theme.Color(theme.ColorNameForeground))
		txt.TextStyle = style
		txt.TextSize = 32
		w := test.NewTempWindow(t, container.NewWithoutLayout(txt))
		w.Resize(fyne.NewSize(200, 60))
		txt.Resize(fyne.NewSize(200, 60))
		return w.Canvas().Capture()
	}
	for _, style := range []fyne.TextStyle{{}, {Bold: true}} {
		han, missing := render("堃", style), render("\U000F0000", style)
		if sameImage(han, missing) {
			t.Errorf("style %+v: 堃 renders like a missing glyph", style)
		}
		if sameImage(han, render("", style)) {
			t.Errorf("style %+v: 堃 renders as nothing", style)
		}
	}
}

func sameImage(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				return false
			}
		}
	}
	return true
}
