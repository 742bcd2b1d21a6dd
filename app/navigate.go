package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2/lang"

	"doorstep/app/records"
)

// Show switches to a top-level screen by name: "today", "households",
// "elders", "sync" or "settings". It reports false when the signed-in role
// has no such screen (or nobody is signed in).
func (x *App) Show(name string) bool {
	if x.shell == nil {
		return false
	}
	key := "nav." + name
	for _, d := range x.shell.dests {
		if d.key == key {
			x.shell.show(key)
			return true
		}
	}
	return false
}

// Screens returns the names of the top-level screens the signed-in role
// has, in navigation order (the names Show takes).
func (x *App) Screens() []string {
	if x.shell == nil {
		return nil
	}
	out := make([]string, len(x.shell.dests))
	for i, d := range x.shell.dests {
		out[i] = strings.TrimPrefix(d.key, "nav.")
	}
	return out
}

// OpenHousehold opens household id over the current screen.
func (x *App) OpenHousehold(id string) {
	if x.shell == nil {
		return
	}
	title := lang.L("nav.households")
	if h, err := x.store.Household(x.ctx(), x.me, id); err == nil {
		title = h.HeadName
	}
	x.openHousehold(id, title)
}

// OpenElder opens elder id over the current screen.
func (x *App) OpenElder(id string) {
	if x.shell == nil {
		return
	}
	title := lang.L("nav.elders")
	if e, err := x.store.Elder(x.ctx(), x.me, id); err == nil {
		title = e.Name
	}
	x.openElder(id, title)
}

// Lock shows the lock screen (when a PIN is set).
func (x *App) Lock() { x.lock() }

// UseLanguage makes code (LangZhCN or LangEn) the app's language, stores
// the choice and rebuilds the window in it.
func (x *App) UseLanguage(code string) error {
	code, ok := NormalizeLanguage(code)
	if !ok {
		return fmt.Errorf("use language: unsupported %q", code)
	}
	if err := x.store.SetSetting(x.ctx(), records.SettingLanguage, code); err != nil {
		return err
	}
	x.switchLanguage(code)
	return nil
}
