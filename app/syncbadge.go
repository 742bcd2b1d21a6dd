package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/records"
)

// syncBadge is the top bar's sync state, on every screen: how many changes
// wait to be sent, when the device last synced, and whether it is offline,
// syncing or failing, in colour (warning, primary, error; success when
// nothing waits). Tapping it opens the Sync screen.
type syncBadge struct {
	x   *App
	btn *widget.Button
	// pending is the count of changes waiting, re-read on every change of
	// the device's data, navigation and sync status.
	pending int
	status  syncStatus
	// relayout lays the top bar and the shell out again when the badge's
	// text changes width (nil until the shell sets it).
	relayout func()
}

func newSyncBadge(x *App, open func()) *syncBadge {
	b := &syncBadge{x: x}
	b.btn = widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), func() { x.touch(); open() })
	return b
}

// recount re-reads the number of changes waiting and redraws the badge.
func (b *syncBadge) recount() {
	if b.x.me.Mode == records.ModeServer {
		n, err := b.x.dev.pending(b.x.ctx())
		if err != nil {
			fyne.LogError("sync badge", err)
		}
		b.pending = n
	}
	b.render()
}

// show takes a new sync status (on the main goroutine).
func (b *syncBadge) show(st syncStatus) {
	b.status = st
	b.recount()
}

// text is what the badge says, e.g. "离线 · 待同步 3 · 上次 09:30".
func (b *syncBadge) text() string {
	st := b.status
	if b.x.me.Mode != records.ModeServer {
		return lang.L("sync.badge.demo")
	}
	var parts []string
	switch st.State {
	case syncRunning, syncOffline, syncFailed:
		parts = append(parts, lang.L("sync.status."+st.State))
	}
	if b.pending > 0 {
		parts = append(parts, lang.L("sync.badge.waiting", map[string]any{"Count": b.pending}))
	} else if st.State != syncRunning {
		parts = append(parts, lang.L("sync.badge.up_to_date"))
	}
	if st.LastSync.IsZero() {
		parts = append(parts, lang.L("sync.badge.never"))
	} else {
		parts = append(parts, lang.L("sync.badge.last", map[string]any{"Time": shortTime(st.LastSync, b.x.opts.Now())}))
	}
	return strings.Join(parts, " · ")
}

// render sets the badge's text, icon and colour.
func (b *syncBadge) render() {
	st := b.status
	imp, icon := widget.MediumImportance, theme.ViewRefreshIcon()
	switch {
	case b.x.me.Mode != records.ModeServer:
		imp = widget.LowImportance
	case st.State == syncRunning:
		imp = widget.HighImportance
	case st.State == syncFailed:
		imp, icon = widget.DangerImportance, theme.ErrorIcon()
	case st.State == syncOffline:
		imp, icon = widget.WarningImportance, theme.WarningIcon()
	case b.pending == 0 && !st.LastSync.IsZero():
		imp, icon = widget.SuccessImportance, theme.ConfirmIcon()
	}
	text := b.text()
	wider := text != b.btn.Text
	b.btn.Text, b.btn.Icon, b.btn.Importance = text, icon, imp
	b.btn.Refresh()
	if wider && b.relayout != nil {
		b.relayout()
	}
}

// shortTime is t as the badge shows it: the time today, else the date too.
func shortTime(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04")
	}
	return t.Format("01-02 15:04")
}
