package kit

import (
	"fmt"
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// fyneColorNames are every colour name Fyne v2.7 asks a theme for.
var fyneColorNames = []fyne.ThemeColorName{
	theme.ColorNameBackground, theme.ColorNameButton, theme.ColorNameDisabledButton,
	theme.ColorNameDisabled, theme.ColorNameError, theme.ColorNameFocus, theme.ColorNameForeground,
	theme.ColorNameForegroundOnError, theme.ColorNameForegroundOnPrimary,
	theme.ColorNameForegroundOnSuccess, theme.ColorNameForegroundOnWarning,
	theme.ColorNameHeaderBackground, theme.ColorNameHover, theme.ColorNameHyperlink,
	theme.ColorNameInputBackground, theme.ColorNameInputBorder, theme.ColorNameMenuBackground,
	theme.ColorNameOverlayBackground, theme.ColorNamePlaceHolder, theme.ColorNamePressed,
	theme.ColorNamePrimary, theme.ColorNameScrollBar, theme.ColorNameScrollBarBackground,
	theme.ColorNameSelection, theme.ColorNameSeparator, theme.ColorNameShadow,
	theme.ColorNameSuccess, theme.ColorNameWarning,
}

// luminance is the WCAG 2 relative luminance of an opaque colour.
func luminance(c color.Color) float64 {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(n.R) + 0.7152*lin(n.G) + 0.0722*lin(n.B)
}

// contrast is the WCAG 2 contrast ratio of two opaque colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// over composites a translucent colour over an opaque one, as the painter
// draws a hover or selection over a row.
func over(top, under color.Color) color.Color {
	t := color.NRGBAModel.Convert(top).(color.NRGBA)
	u := color.NRGBAModel.Convert(under).(color.NRGBA)
	a := float64(t.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{R: mix(t.R, u.R), G: mix(t.G, u.G), B: mix(t.B, u.B), A: 0xff}
}

// pair is a colour drawn on a surface, and the contrast it needs.
type pair struct {
	fg, bg string
	min    float64
}

// themePairs lists every foreground/background pair the theme's colours
// are drawn in by Fyne's widgets and the app's screens: each text colour
// (body, secondary/disabled/low importance, placeholder, links and high
// importance, and the status colours: error for overdue, risk alerts and
// validation messages, warning for returned records, success for active
// households and synced) on each surface text sits on (window, top bar and
// navigation, entries and selects, dialogs, menus, a hovered or selected
// row, a focused select); text on buttons and on status fills; and control
// outlines (entry borders, unticked check boxes and unselected radios,
// ticked ones in the primary colour) on the surfaces controls sit on.
func themePairs(t Theme) ([]pair, map[string]color.Color) {
	c := func(n fyne.ThemeColorName) color.Color { return t.Color(n, t.Variant()) }
	surfaces := map[string]color.Color{
		"background":        c(theme.ColorNameBackground),
		"headerBackground":  c(theme.ColorNameHeaderBackground),
		"inputBackground":   c(theme.ColorNameInputBackground),
		"overlayBackground": c(theme.ColorNameOverlayBackground),
		"menuBackground":    c(theme.ColorNameMenuBackground),
		"hover/background":  over(c(theme.ColorNameHover), c(theme.ColorNameBackground)),
		"hover/header":      over(c(theme.ColorNameHover), c(theme.ColorNameHeaderBackground)),
		"selection/bg":      over(c(theme.ColorNameSelection), c(theme.ColorNameBackground)),
		"focus/input":       over(c(theme.ColorNameFocus), c(theme.ColorNameInputBackground)),
		"hover/overlay":     over(c(theme.ColorNameHover), c(theme.ColorNameOverlayBackground)),
		"hover/menu":        over(c(theme.ColorNameHover), c(theme.ColorNameMenuBackground)),
	}
	colors := map[string]color.Color{}
	for k, v := range surfaces {
		colors[k] = v
	}
	for _, n := range fyneColorNames {
		colors[string(n)] = c(n)
	}
	colors["hover/button"] = over(c(theme.ColorNameHover), c(theme.ColorNameButton))
	colors["focus/button"] = over(c(theme.ColorNameFocus), c(theme.ColorNameButton))
	var ps []pair
	texts := []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNameDisabled,
		theme.ColorNamePlaceHolder, theme.ColorNamePrimary, theme.ColorNameHyperlink,
		theme.ColorNameError, theme.ColorNameWarning, theme.ColorNameSuccess}
	for _, fg := range texts {
		for bg := range surfaces {
			ps = append(ps, pair{string(fg), bg, 4.5})
		}
	}
	for _, bg := range []string{"button", "hover/button", "focus/button"} {
		ps = append(ps, pair{"foreground", bg, 4.5})
	}
	ps = append(ps, pair{"disabled", "disabledButton", 4.5},
		pair{"foregroundOnPrimary", "primary", 4.5},
		pair{"foregroundOnError", "error", 4.5},
		pair{"foregroundOnSuccess", "success", 4.5},
		pair{"foregroundOnWarning", "warning", 4.5})
	for _, outline := range []fyne.ThemeColorName{theme.ColorNameInputBorder, theme.ColorNamePrimary} {
		for _, bg := range []string{"background", "inputBackground", "headerBackground",
			"overlayBackground", "menuBackground"} {
			ps = append(ps, pair{string(outline), bg, 3})
		}
	}
	return ps, colors
}

// TestThemeContrast: every pair of both themes, at every text size (the
// colours must not depend on it), meets WCAG 2 AA.
func TestThemeContrast(t *testing.T) {
	for _, dark := range []bool{false, true} {
		for _, size := range TextSizes() {
			th := Theme{Dark: dark, Text: size}
			ps, colors := themePairs(th)
			for _, p := range ps {
				fg, bg := colors[p.fg], colors[p.bg]
				if fg == nil || bg == nil {
					t.Fatalf("no colour for %s or %s", p.fg, p.bg)
				}
				if r := contrast(fg, bg); r < p.min {
					t.Errorf("dark=%v size=%s: %s %v on %s %v: contrast %.2f, want ≥ %.1f",
						dark, size.Name(), p.fg, hex(fg), p.bg, hex(bg), r, p.min)
				}
			}
		}
	}
}

// TestChartColoursStandOut: chart bars are at least 3:1 against the
// background of their theme (graphics, WCAG 1.4.11).
func TestChartColoursStandOut(t *testing.T) {
	for dark, cs := range map[bool][]color.Color{false: chartLight, true: chartDark} {
		bg := Theme{Dark: dark}.Color(theme.ColorNameBackground, theme.VariantLight)
		for i, c := range cs {
			if r := contrast(c, bg); r < 3 {
				t.Errorf("dark=%v: chart colour %d %s on %s: %.2f, want ≥ 3", dark, i, hex(c), hex(bg), r)
			}
		}
	}
}

// TestThemeSetsEveryColour: the palettes give every colour Fyne asks for,
// so none falls back to the default theme's low-contrast greys.
func TestThemeSetsEveryColour(t *testing.T) {
	for _, dark := range []bool{false, true} {
		p := Theme{Dark: dark}.palette()
		for _, n := range fyneColorNames {
			if _, ok := p[n]; !ok {
				t.Errorf("dark=%v: the palette has no %s", dark, n)
			}
		}
	}
}

func TestContrastFormula(t *testing.T) {
	black, white := color.Black, color.White
	if r := contrast(black, white); math.Abs(r-21) > 0.01 {
		t.Errorf("black on white %.2f, want 21", r)
	}
	// The measurement of the old secondary text: #39393a on #171718.
	if r := contrast(rgb(0x39393a), rgb(0x171718)); math.Abs(r-1.55) > 0.02 {
		t.Errorf("#39393a on #171718 %.2f, want 1.55", r)
	}
}

func hex(c color.Color) string {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	return fmt.Sprintf("#%02x%02x%02x", n.R, n.G, n.B)
}
