package app

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	"doorstep/app/records"
)

// wipeIfRevoked wipes the device when err says the server revoked it: the
// device was reported lost, or its user left. It runs on the sync
// goroutine and returns once the app shows first run again; it reports
// whether it wiped.
func (x *App) wipeIfRevoked(err error) bool {
	if !records.Revoked(err) {
		return false
	}
	fyne.DoAndWait(func() { x.wipeDevice("wipe.revoked") })
	return true
}

// afterWrongPIN applies the wrong-PIN wipe after a wrong PIN: it wipes the
// device when the configured count is reached (and reports so), and near
// it returns the warning to show, naming the changes waiting to be pushed
// that a wipe would lose ("" when there is nothing to warn of).
func (x *App) afterWrongPIN() (wiped bool, warning string) {
	w, err := x.store.AfterWrongPIN(x.ctx())
	if err != nil {
		fyne.LogError("wrong-PIN wipe state", err)
		return false, ""
	}
	if w.Due() {
		x.wipeDevice("wipe.pin")
		return true, ""
	}
	if !w.Warn() {
		return false, ""
	}
	return false, wipeWarning(w)
}

// wipeWarning is the lock screen's warning before the last tries.
func wipeWarning(w records.WrongPIN) string {
	if len(w.Pending) == 0 {
		return lang.L("wipe.warn_nothing_pending", map[string]any{"Tries": w.TriesLeft()})
	}
	parts := make([]string, len(w.Pending))
	for i, p := range w.Pending {
		parts[i] = lang.L("wipe.pending_table", map[string]any{"Table": lang.L("desk.table." + p.Table), "Rows": p.Rows})
	}
	return lang.L("wipe.warn_pending", map[string]any{"Tries": w.TriesLeft(), "Changes": strings.Join(parts, lang.L("wipe.list_sep"))})
}

// wipeDevice removes every local record of the device — the database and
// the attachments (records.Wipe), keeping nothing — and starts over at
// first run on a new, empty database, saying why (reasonKey). Only the UI
// language is kept. Runs on the main goroutine.
func (x *App) wipeDevice(reasonKey string) {
	code, _, _ := x.store.Setting(context.Background(), records.SettingLanguage)
	x.shell = nil
	x.locked = false
	if x.dev != nil {
		if err := x.dev.Close(); err != nil {
			fyne.LogError("close device database before the wipe", err)
		}
	}
	if _, err := records.Wipe(x.opts.DataDir); err != nil {
		fyne.LogError("wipe device", err)
	}
	x.setMe(records.Identity{})
	if err := x.open(x.opts.DataDir); err != nil {
		x.showFatal(err)
		return
	}
	if code != "" {
		if err := x.store.SetSetting(context.Background(), records.SettingLanguage, code); err != nil {
			fyne.LogError("keep language after the wipe", err)
		}
		setLanguage(code)
	}
	x.env.Store = x.store
	x.sync.signedIn(x.me)
	newFirstRun(x).show()
	dialog.ShowInformation(lang.L("wipe.title"), lang.L(reasonKey), x.win)
}
