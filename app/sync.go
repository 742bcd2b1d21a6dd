package app

import (
	"doorstep/app/kit"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/records"
)

// syncScreen shows the last sync, the changes waiting, a progress bar while
// syncing, why the last sync failed, in the user's words, and the records
// the server refused, kept on the device until the user tries again.
type syncScreen struct {
	x        *App
	state    *widget.Label
	last     *widget.Label
	pending  *widget.Label
	server   *widget.Label
	message  *widget.Label
	progress *widget.ProgressBar
	now      *widget.Button
	held     *heldList
	cols     *fyne.Container // the sync card and the held rows' card
	root     fyne.CanvasObject
}

func newSyncScreen(x *App) *syncScreen {
	s := &syncScreen{x: x}
	s.state = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.state.SizeName = theme.SizeNameSubHeadingText
	s.last, s.pending, s.server = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	s.message.Importance = widget.DangerImportance
	s.progress = widget.NewProgressBar()
	s.now = widget.NewButtonWithIcon(lang.L("sync.now"), theme.ViewRefreshIcon(), func() {
		x.touch()
		x.sync.request()
	})
	s.now.Importance = widget.HighImportance
	auto := widget.NewLabel(lang.L("sync.auto"))
	auto.Wrapping = fyne.TextWrapWord
	auto.Importance = widget.LowImportance
	card := kit.Section("nav.sync", container.NewVBox(s.state, s.progress, s.message,
		s.last, s.pending, s.server, container.NewHBox(s.now), auto))
	s.held = newHeldList(x)
	s.cols = container.New(&kit.ColumnsLayout{MinColumn: 420}, card, s.held.card)
	s.root = container.NewVScroll(container.NewPadded(s.cols))
	x.sync.onChange("sync screen", s.show)
	return s
}

func (s *syncScreen) Content() fyne.CanvasObject { return s.root }

// reload refreshes the count of waiting changes.
func (s *syncScreen) Reload() {
	s.show(s.x.sync.current())
}

// show renders a status; it runs on the main goroutine.
func (s *syncScreen) show(st syncStatus) {
	x := s.x
	s.state.SetText(lang.L("sync.status." + st.State))
	s.state.Importance = map[string]widget.Importance{syncOK: widget.SuccessImportance,
		syncFailed: widget.DangerImportance, syncOffline: widget.WarningImportance}[st.State]
	s.state.Refresh()
	s.progress.SetValue(st.Progress)
	if st.State == syncRunning {
		s.progress.Show()
		s.now.Disable()
	} else {
		s.progress.Hide()
		s.now.Enable()
	}
	if st.Message != "" {
		s.message.SetText(st.Message)
		s.message.Show()
	} else {
		s.message.Hide()
	}
	if st.LastSync.IsZero() {
		s.last.SetText(lang.L("sync.never"))
	} else {
		s.last.SetText(lang.L("sync.last", map[string]any{"Time": st.LastSync.Local().Format("2006-01-02 15:04")}))
	}
	if x.me.Mode == records.ModeDemo {
		// A demo device has no server: nothing waits for one.
		s.server.SetText(lang.L("settings.server_demo"))
		s.now.Hide()
		s.pending.Hide()
		s.last.Hide()
		if s.held.show(nil) {
			s.cols.Refresh()
		}
		return
	}
	n, err := x.dev.pending(x.ctx())
	if err != nil {
		fyne.LogError("count pending changes", err)
	}
	held, err := x.dev.rep.Held(x.ctx())
	if err != nil {
		fyne.LogError("list held rows", err)
	}
	if len(held) == 0 {
		s.pending.SetText(lang.L("sync.pending", map[string]any{"Count": n}))
	} else {
		s.pending.SetText(lang.L("sync.pending_held", map[string]any{"Count": n, "Held": len(held)}))
	}
	if s.held.show(held) {
		s.cols.Refresh()
	}
	s.server.SetText(lang.L("settings.server_url", map[string]any{"URL": x.me.ServerURL}))
}
