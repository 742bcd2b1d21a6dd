package kit

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"doorstep/assets"
)

// TextSize is the user's choice of text size (Settings): the theme scales
// every text, icon and padding size by it, so the whole app grows.
type TextSize int

// The text sizes Settings offers; the zero value is the standard size.
const (
	TextStandard   TextSize = iota // body text 16
	TextLarge                      // body text 19
	TextExtraLarge                 // body text 23
)

// TextSizes lists the text sizes in the order Settings offers them.
func TextSizes() []TextSize { return []TextSize{TextStandard, TextLarge, TextExtraLarge} }

// Name is the text size's stored name ("standard", "large", "xlarge"),
// also the last part of its translation key "settings.text_size.<name>".
func (s TextSize) Name() string {
	switch s {
	case TextLarge:
		return "large"
	case TextExtraLarge:
		return "xlarge"
	}
	return "standard"
}

// ParseTextSize reads a stored text size name; anything else is standard.
func ParseTextSize(name string) TextSize {
	for _, s := range TextSizes() {
		if s.Name() == name {
			return s
		}
	}
	return TextStandard
}

// scale is the factor the size applies to the theme's sizes.
func (s TextSize) scale() float32 {
	switch s {
	case TextLarge:
		return 1.2
	case TextExtraLarge:
		return 1.45
	}
	return 1
}

// Theme is Doorstep's Fyne theme: high-contrast light (the default) or dark
// colours (palette.go), sizes for a tablet used at arm's length — body text
// 16, every control at least MinTarget tall — scaled by the user's text
// size, and fonts that draw Chinese with the bundled Noto Sans CJK SC
// subsets, so names render on any device, with or without CJK system
// fonts. Use it with a.Settings().SetTheme(kit.Theme{...}); the zero value
// is the light theme at standard size. The theme ignores the system's
// variant: the user chooses light or dark in Settings.
//
// How the fonts combine (Fyne v2.7.1, internal/painter/font.go): for a text
// style Fyne builds a list of faces — the theme's Font(style) first, then
// Fyne's built-in face for that style, the emoji face, then a system font
// for the locale — and draws each character with the first face in the
// list that has a glyph for it. Font returns the CJK subset first; the
// subset has no glyphs for what Fyne's own face covers (Latin, digits, ¥,
// •, “”, Greek, Cyrillic, …), so that text falls through to Fyne's face and
// looks as with the default theme, while Chinese, CJK punctuation and
// fullwidth forms come from the subset. The subset does have spaces (the
// shaper keeps the current face across a space) with Fyne's width, and
// Fyne's line metrics (Fyne measures lines with the face holding the space),
// so line heights match the default theme too. See assets/fonts/build/README.md.
type Theme struct {
	// Dark selects the dark palette; false is the light one.
	Dark bool
	// Text is the text size; zero is standard.
	Text TextSize
}

var _ fyne.Theme = Theme{}

// MinTarget is the smallest side of anything tappable, in Fyne units
// (density-independent pixels), as Android asks: 48 dp.
const MinTarget = 48

// Color returns the palette's colour for n (palette.go); names the palette
// does not know come from the default theme in the palette's variant.
func (t Theme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	if c, ok := t.palette()[n]; ok {
		return c
	}
	return theme.DefaultTheme().Color(n, t.Variant())
}

// Variant is the Fyne variant the theme's palette stands for.
func (t Theme) Variant() fyne.ThemeVariant {
	if t.Dark {
		return theme.VariantDark
	}
	return theme.VariantLight
}

// Icon returns the default theme's icon.
func (Theme) Icon(n fyne.ThemeIconName) fyne.Resource {
	return theme.DefaultTheme().Icon(n)
}

// standardSizes are the sizes at the standard text size. The inner padding
// makes a one-line entry 22 + 2×15.5 = 53 tall (a 16-unit line is about 22
// tall), so the button inside it (calendar, show PIN), inset by the input
// border, is 49; a button 24 + 31 = 55 tall and an icon-only one as wide;
// check boxes and radio rows as tall as a button.
var standardSizes = map[fyne.ThemeSizeName]float32{
	theme.SizeNameText:               16,
	theme.SizeNameCaptionText:        14,
	theme.SizeNameSubHeadingText:     20,
	theme.SizeNameHeadingText:        26,
	theme.SizeNameInlineIcon:         24,
	theme.SizeNamePadding:            5,
	theme.SizeNameInnerPadding:       15.5,
	theme.SizeNameLineSpacing:        5,
	theme.SizeNameScrollBar:          14,
	theme.SizeNameScrollBarSmall:     5,
	theme.SizeNameSeparatorThickness: 1,
	theme.SizeNameInputBorder:        2,
	theme.SizeNameInputRadius:        6,
	theme.SizeNameSelectionRadius:    4,
}

// Size returns the theme's size for n at the chosen text size; sizes it
// does not set come from the default theme, unscaled.
func (t Theme) Size(n fyne.ThemeSizeName) float32 {
	s, ok := standardSizes[n]
	if !ok {
		return theme.DefaultTheme().Size(n)
	}
	switch n {
	case theme.SizeNameSeparatorThickness, theme.SizeNameInputBorder, theme.SizeNameScrollBarSmall:
		return s // lines stay thin
	}
	return s * t.Text.scale()
}

// Font returns the bundled bold CJK face for bold styles, Fyne's symbol
// face for the plain symbol style, and the regular CJK face otherwise
// (italic and monospace included: CJK has neither, and their Latin text
// still uses Fyne's italic or monospace face, which comes next in the list).
func (Theme) Font(style fyne.TextStyle) fyne.Resource {
	switch {
	case style.Bold:
		return assets.FontBold()
	case style.Symbol && !style.Italic && !style.Monospace:
		return theme.DefaultTheme().Font(style)
	default:
		return assets.FontRegular()
	}
}
