package app

import (
	"image/color"
	"os"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/kit"
	"doorstep/schema"
	"doorstep/sync/version"
)

// radioWith finds the radio group offering the option text.
func radioWith(t *testing.T, x *App, option string) *widget.RadioGroup {
	t.Helper()
	return find(t, x, func(r *widget.RadioGroup) bool { return slices.Contains(r.Options, option) })
}

// hasRect reports whether the window shows a rectangle filled with c.
func hasRect(x *App, c color.Color) bool {
	found := false
	walk(x.win.Content(), func(o fyne.CanvasObject) {
		if r, ok := o.(*canvas.Rectangle); ok && r.Visible() && r.FillColor == c {
			found = true
		}
	})
	return found
}

// TestSettingsThemeAndTextSize: choosing dark and extra large in Settings
// applies them at once — the Fyne theme, the top bar's colour, the size
// of a button — and they are stored: the app opens in them next time.
func TestSettingsThemeAndTextSize(t *testing.T) {
	dir := t.TempDir()
	x := newTestApp(t, dir, nil)
	startDemo(t, x, schema.RoleWorker)
	if x.Look() != (kit.Theme{}) {
		t.Fatalf("a new device's look is %+v, want the light theme at standard size", x.Look())
	}
	light := kit.Theme{}.Color(theme.ColorNameHeaderBackground, theme.VariantLight)
	if !hasRect(x, light) {
		t.Fatal("the top bar is not in the light theme's header colour")
	}
	x.Show("settings")
	radioWith(t, x, tr("settings.theme.dark")).SetSelected(tr("settings.theme.dark"))
	dark := kit.Theme{Dark: true}
	if got := fyne.CurrentApp().Settings().Theme(); got != dark {
		t.Fatalf("after choosing dark the theme is %#v", got)
	}
	if !hasRect(x, dark.Color(theme.ColorNameHeaderBackground, theme.VariantDark)) || hasRect(x, light) {
		t.Error("after choosing dark the top bar is not redrawn in the dark header colour")
	}
	before := button(t, x, "lock.button").MinSize()
	radioWith(t, x, tr("settings.text_size.xlarge")).SetSelected(tr("settings.text_size.xlarge"))
	want := kit.Theme{Dark: true, Text: kit.TextExtraLarge}
	if got := fyne.CurrentApp().Settings().Theme(); got != want {
		t.Fatalf("after choosing extra large the theme is %#v", got)
	}
	if theme.TextSize() <= 16 {
		t.Errorf("extra large body text is %v", theme.TextSize())
	}
	if after := button(t, x, "lock.button").MinSize(); after.Height <= before.Height {
		t.Errorf("the lock button did not grow: %v, then %v", before, after)
	}
	// Settings stays on display, showing the choice.
	if r := radioWith(t, x, tr("settings.text_size.xlarge")); r.Selected != tr("settings.text_size.xlarge") {
		t.Errorf("the text size shows %q", r.Selected)
	}
	x.Close()

	y := newTestApp(t, dir, nil)
	if y.Look() != want {
		t.Errorf("reopened, the look is %+v, want %+v", y.Look(), want)
	}
	if got := fyne.CurrentApp().Settings().Theme(); got != want {
		t.Errorf("reopened, the Fyne theme is %#v", got)
	}
}

// TestSettingsAboutShowsBuildVersion: About shows the build's version.
func TestSettingsAboutShowsBuildVersion(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	x.Show("settings")
	v := version.String()
	if v == "" {
		t.Fatal("version.String() is empty")
	}
	// The value beside "Version" in About, exactly.
	var shown string
	walk(x.win.Content(), func(o fyne.CanvasObject) {
		if c, ok := o.(*fyne.Container); ok {
			for i := 0; i+1 < len(c.Objects); i += 2 {
				if l, ok := c.Objects[i].(*widget.Label); ok && l.Text == tr("settings.version") {
					if val, ok := c.Objects[i+1].(*widget.Label); ok {
						shown = val.Text
					}
				}
			}
		}
	})
	if want := os.Getenv("DOORSTEP_WANT_VERSION"); want != "" && version.String() != want {
		t.Fatalf("version.String() is %q in a test binary stamped %q (make versions)", version.String(), want)
	}
	if shown != v {
		t.Errorf("Settings › About shows version %q, want %q", shown, v)
	}
}
