package kit

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"doorstep/assets"
)

// Theme is Doorstep's Fyne theme: Fyne's default theme, except that its
// fonts draw Chinese with the bundled Noto Sans CJK SC subsets, so names
// render on any device, with or without CJK system fonts. Use it with
// a.Settings().SetTheme(app.Theme{}); the zero value is ready to use.
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
type Theme struct{}

var _ fyne.Theme = Theme{}

// Color returns the default theme's colour.
func (Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return theme.DefaultTheme().Color(n, v)
}

// Icon returns the default theme's icon.
func (Theme) Icon(n fyne.ThemeIconName) fyne.Resource {
	return theme.DefaultTheme().Icon(n)
}

// Size returns the default theme's size.
func (Theme) Size(n fyne.ThemeSizeName) float32 {
	return theme.DefaultTheme().Size(n)
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
