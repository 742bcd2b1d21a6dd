package app

import (
	"doorstep/app/field"
	"doorstep/app/kit"
	"doorstep/app/supervisor"
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
	field.OpenHousehold(x.env, id, title)
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
	field.OpenElder(x.env, id, title)
}

// Lock shows the lock screen (when a PIN is set).
func (x *App) Lock() { x.lock() }

// UseLanguage makes code (LangZhCN or LangEn) the app's language, stores
// the choice and rebuilds the window in it.
func (x *App) UseLanguage(code string) error {
	code, ok := kit.NormalizeLanguage(code)
	if !ok {
		return fmt.Errorf("use language: unsupported %q", code)
	}
	if err := x.store.SetSetting(x.ctx(), records.SettingLanguage, code); err != nil {
		return err
	}
	x.switchLanguage(code)
	return nil
}

// OpenForm opens a new record of form kind ("means_visit", "spot_check",
// "elder_screening", "volunteer_visit") about subject — a household or
// elder id; "" starts a new household (means-test visit) or a new elder
// (screening). An unfinished draft of the same form about the same subject
// is resumed instead. It is for the screenshot tool and tests.
func (x *App) OpenForm(kind, subject string) error {
	if x.shell == nil {
		return fmt.Errorf("open form %s: nobody is signed in", kind)
	}
	return field.OpenForm(x.env, kind, subject)
}

// OpenToday opens the first item of kind (records.TodayReturned,
// records.TodaySpotCheck, …) of the Today list as tapping it does, and
// reports whether there was one. It is for the screenshot tool and tests.
func (x *App) OpenToday(kind string) bool {
	return x.shell != nil && field.OpenToday(x.env, kind)
}

// OpenDeskPage opens a supervisor desk page on one record
// (supervisor.PageBenefits, PageInstitution, PageAssessment), as tapping it
// does. It is for the screenshot tool and tests.
func (x *App) OpenDeskPage(page, id string) error {
	if x.shell == nil {
		return fmt.Errorf("open %s %s: nobody is signed in", page, id)
	}
	return supervisor.OpenPage(x.env, page, id)
}

// OpenReview opens the review of record id of table ("means_visits",
// "elder_screenings", "spot_checks" or "volunteer_visits") over the
// current screen, as tapping it in the review queue does. It is for
// supervisors; the screenshot tool and tests use it.
func (x *App) OpenReview(table, id string) error {
	if x.shell == nil {
		return fmt.Errorf("open review of %s %s: nobody is signed in", table, id)
	}
	return supervisor.OpenReview(x.env, table, id)
}

// SyncOnce runs one sync round now and waits for it to end, as the Sync
// screen's button asks the background loop to; the top bar's badge and
// the Sync screen show its outcome. It is for the screenshot tool and
// tests, which run without the loop (Options.NoBackground).
func (x *App) SyncOnce() { x.sync.runOnce(x.stopContext()) }

// OpenMore opens the navigation's More menu (the destinations the bar has
// no room for), as tapping More does, and reports whether there was one.
// It is for the screenshot tool.
func (x *App) OpenMore() bool {
	if x.shell == nil || !x.shell.more.Visible() {
		return false
	}
	x.shell.showMore()
	return true
}
