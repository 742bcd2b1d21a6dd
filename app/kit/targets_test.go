package kit

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TestControlsAreTargetSized: Fyne's own controls, as the theme sizes them,
// are at least MinTarget in both dimensions at every text size.
func TestControlsAreTargetSized(t *testing.T) {
	a := test.NewTempApp(t)
	for _, dark := range []bool{false, true} {
		for _, size := range TextSizes() {
			a.Settings().SetTheme(Theme{Dark: dark, Text: size})
			radio := widget.NewRadioGroup([]string{"是", "否"}, nil)
			objs := map[string]fyne.CanvasObject{
				"button":      widget.NewButton("OK", nil),
				"icon button": widget.NewButtonWithIcon("", theme.NavigateBackIcon(), nil),
				"entry":       widget.NewEntry(),
				"select":      widget.NewSelect([]string{"一"}, nil),
				"check":       widget.NewCheck("", nil),
				"radio":       radio,
				"check label": widget.NewCheck("有", nil),
			}
			for name, o := range objs {
				w := test.NewTempWindow(t, o)
				w.Resize(fyne.NewSize(400, 300))
				m := o.MinSize()
				if m.Height < MinTarget || m.Width < MinTarget {
					t.Errorf("dark=%v %s: %s min size %v, want ≥ %d", dark, size.Name(), name, m, MinTarget)
				}
			}
			w := test.NewTempWindow(t, radio)
			w.Resize(fyne.NewSize(400, 300))
			if h := radio.MinSize().Height; h < 2*MinTarget {
				t.Errorf("%s: two radio rows are %v tall, want ≥ %d", size.Name(), h, 2*MinTarget)
			}
			t.Logf("%s: text %v button %v entry %v check %v radio %v", size.Name(), theme.TextSize(),
				objs["button"].MinSize(), objs["entry"].MinSize(), objs["check"].MinSize(), radio.MinSize())
		}
	}
}
