package app

import (
	"fmt"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/records"
)

// pinWipeChoices are the wrong-PIN wipe counts Settings offers; zero is
// "never".
var pinWipeChoices = []int{5, records.DefaultPINWipeAfter, 20, 0}

// pinWipeSetting is the Settings control of the wrong-PIN wipe
// (records.SettingPINWipeAfter): its label and select, and reload to show
// the stored choice.
type pinWipeSetting struct {
	x       *App
	loading bool
	sel     *widget.Select
	root    fyne.CanvasObject
}

func newPINWipeSetting(x *App) *pinWipeSetting {
	p := &pinWipeSetting{x: x}
	names := make([]string, len(pinWipeChoices))
	for i, n := range pinWipeChoices {
		names[i] = fmt.Sprint(n)
		if n == 0 {
			names[i] = lang.L("settings.pin_wipe_never")
		}
	}
	p.sel = widget.NewSelect(names, func(name string) {
		if p.loading {
			return
		}
		x.touch()
		n := pinWipeChoices[slices.Index(names, name)]
		if err := x.store.SetSetting(x.ctx(), records.SettingPINWipeAfter, strconv.Itoa(n)); err != nil {
			x.showError("error.save", err)
		}
	})
	p.root = container.NewVBox(widget.NewLabel(lang.L("settings.pin_wipe")), p.sel)
	return p
}

// reload shows the stored count (the default when none is stored).
func (p *pinWipeSetting) reload() {
	p.loading = true
	defer func() { p.loading = false }()
	w, err := p.x.store.PINWipeState(p.x.ctx())
	if err != nil {
		p.x.showError("error.read", err)
		return
	}
	if i := slices.Index(pinWipeChoices, w.Limit); i >= 0 {
		p.sel.SetSelectedIndex(i)
	} else {
		p.sel.ClearSelected()
	}
}
