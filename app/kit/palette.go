package kit

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// rgb is an opaque colour from its hex value 0xRRGGBB.
func rgb(hex uint32) color.NRGBA {
	return color.NRGBA{R: uint8(hex >> 16), G: uint8(hex >> 8), B: uint8(hex), A: 0xff}
}

// rgba is a translucent colour from 0xRRGGBB and its alpha.
func rgba(hex uint32, a uint8) color.NRGBA {
	c := rgb(hex)
	c.A = a
	return c
}

// lightPalette is the light theme, for daylight: near-black text on white,
// secondary text (Fyne's "disabled", which low-importance labels use) and
// placeholders dark grey, control outlines mid grey, status colours dark
// enough to read as text on every background (contrast_test.go checks each
// pair: text 4.5:1, outlines 3:1).
var lightPalette = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameBackground:          rgb(0xffffff),
	theme.ColorNameForeground:          rgb(0x111418),
	theme.ColorNameDisabled:            rgb(0x545b64),
	theme.ColorNamePlaceHolder:         rgb(0x545b64),
	theme.ColorNameButton:              rgb(0xdfe4ea),
	theme.ColorNameDisabledButton:      rgb(0xebeef2),
	theme.ColorNameInputBackground:     rgb(0xf8f9fb),
	theme.ColorNameInputBorder:         rgb(0x6b7380),
	theme.ColorNameHeaderBackground:    rgb(0xedf1f5),
	theme.ColorNameMenuBackground:      rgb(0xffffff),
	theme.ColorNameOverlayBackground:   rgb(0xffffff),
	theme.ColorNamePrimary:             rgb(0x0b57d0),
	theme.ColorNameHyperlink:           rgb(0x0b57d0),
	theme.ColorNameForegroundOnPrimary: rgb(0xffffff),
	theme.ColorNameError:               rgb(0xb3261e),
	theme.ColorNameForegroundOnError:   rgb(0xffffff),
	theme.ColorNameSuccess:             rgb(0x13652b),
	theme.ColorNameForegroundOnSuccess: rgb(0xffffff),
	theme.ColorNameWarning:             rgb(0x8a4b00),
	theme.ColorNameForegroundOnWarning: rgb(0xffffff),
	theme.ColorNameFocus:               rgba(0x0b57d0, 0x22),
	theme.ColorNameHover:               rgba(0x000000, 0x14),
	theme.ColorNamePressed:             rgba(0x000000, 0x26),
	theme.ColorNameSelection:           rgba(0x0b57d0, 0x30),
	theme.ColorNameSeparator:           rgb(0xc3c9d1),
	theme.ColorNameScrollBar:           rgba(0x3c424a, 0xb0),
	theme.ColorNameScrollBarBackground: rgba(0x000000, 0x10),
	theme.ColorNameShadow:              rgba(0x000000, 0x40),
}

// darkPalette is the dark theme, for evenings and dim rooms: light text on
// near-black, light status colours with dark text on their fills.
var darkPalette = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameBackground:          rgb(0x121417),
	theme.ColorNameForeground:          rgb(0xf1f3f5),
	theme.ColorNameDisabled:            rgb(0xa9b0b9),
	theme.ColorNamePlaceHolder:         rgb(0xa9b0b9),
	theme.ColorNameButton:              rgb(0x30363e),
	theme.ColorNameDisabledButton:      rgb(0x23272d),
	theme.ColorNameInputBackground:     rgb(0x1c1f24),
	theme.ColorNameInputBorder:         rgb(0x8c949f),
	theme.ColorNameHeaderBackground:    rgb(0x1e2227),
	theme.ColorNameMenuBackground:      rgb(0x1e2227),
	theme.ColorNameOverlayBackground:   rgb(0x1c1f24),
	theme.ColorNamePrimary:             rgb(0x8ab4f8),
	theme.ColorNameHyperlink:           rgb(0x8ab4f8),
	theme.ColorNameForegroundOnPrimary: rgb(0x0a1a33),
	theme.ColorNameError:               rgb(0xf2a19b),
	theme.ColorNameForegroundOnError:   rgb(0x3b0906),
	theme.ColorNameSuccess:             rgb(0x7fd48f),
	theme.ColorNameForegroundOnSuccess: rgb(0x05290d),
	theme.ColorNameWarning:             rgb(0xf3c069),
	theme.ColorNameForegroundOnWarning: rgb(0x352200),
	theme.ColorNameFocus:               rgba(0x8ab4f8, 0x2c),
	theme.ColorNameHover:               rgba(0xffffff, 0x14),
	theme.ColorNamePressed:             rgba(0xffffff, 0x26),
	theme.ColorNameSelection:           rgba(0x8ab4f8, 0x30),
	theme.ColorNameSeparator:           rgb(0x3d444d),
	theme.ColorNameScrollBar:           rgba(0xc7ccd3, 0xb0),
	theme.ColorNameScrollBarBackground: rgba(0xffffff, 0x10),
	theme.ColorNameShadow:              rgba(0x000000, 0x80),
}

// palette is the theme's colour table.
func (t Theme) palette() map[fyne.ThemeColorName]color.Color {
	if t.Dark {
		return darkPalette
	}
	return lightPalette
}

// chartLight and chartDark are the colours of chart bars, each at least
// 3:1 against its theme's background (graphics, WCAG 1.4.11), distinct
// from one another: blue, green, orange, purple.
var (
	chartLight = []color.Color{rgb(0x0b57d0), rgb(0x13753a), rgb(0xb35900), rgb(0x7b3fb5)}
	chartDark  = []color.Color{rgb(0x8ab4f8), rgb(0x6fcf8a), rgb(0xf0a050), rgb(0xc59af0)}
)

// ChartColor is the colour of the i-th series of a chart in the current
// theme (cycling through four).
func ChartColor(i int) color.Color {
	cs := chartLight
	if t, ok := fyne.CurrentApp().Settings().Theme().(Theme); ok && t.Dark {
		cs = chartDark
	}
	return cs[i%len(cs)]
}
