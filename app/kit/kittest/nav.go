package kittest

import (
	"context"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"

	"doorstep/app/kit"
)

// Show implements kit.Nav: it shows destination name, leaving the pages
// over the current one.
func (a *App) Show(name string) bool {
	ds := a.dests()
	i := slices.IndexFunc(ds, func(d Dest) bool { return d.Name == name })
	if i < 0 {
		return false
	}
	scr, ok := a.tops[name]
	if !ok {
		scr = ds[i].Make(a.Env)
		a.tops[name] = scr
	}
	a.leaveVisible()
	a.current = name
	a.stack = nil
	scr.Reload()
	a.display(lang.L("nav."+name), scr)
	return true
}

// Push implements kit.Nav.
func (a *App) Push(title string, s kit.Screen) {
	a.leaveVisible()
	a.stack = append(a.stack, page{title: title, s: s})
	s.Reload()
	a.display(title, s)
}

// Back implements kit.Nav.
func (a *App) Back() {
	if len(a.stack) == 0 {
		return
	}
	a.leaveVisible()
	a.stack = a.stack[:len(a.stack)-1]
	if n := len(a.stack); n > 0 {
		p := a.stack[n-1]
		p.s.Reload()
		a.display(p.title, p.s)
		return
	}
	scr := a.tops[a.current]
	scr.Reload()
	a.display(lang.L("nav."+a.current), scr)
}

// Visible implements kit.Nav.
func (a *App) Visible() kit.Screen {
	if n := len(a.stack); n > 0 {
		return a.stack[n-1].s
	}
	return a.tops[a.current]
}

// Depth is the number of pages over the current destination.
func (a *App) Depth() int { return len(a.stack) }

// Current is the name of the destination shown under the pages.
func (a *App) Current() string { return a.current }

func (a *App) display(title string, s kit.Screen) {
	a.title.SetText(title)
	if len(a.stack) > 0 {
		a.back.Show()
	} else {
		a.back.Hide()
	}
	a.body.Objects = []fyne.CanvasObject{s.Content()}
	a.body.Refresh()
}

func (a *App) leaveVisible() {
	if l, ok := a.Visible().(kit.Leaver); ok {
		l.Leave()
	}
}

// OpenHousehold implements kit.Nav with Options.OpenHousehold.
func (a *App) OpenHousehold(id, title string) {
	if a.opts.OpenHousehold == nil {
		a.t.Errorf("household %s opened, but the test app has no household screen", id)
		return
	}
	a.opts.OpenHousehold(a.Env, id, title)
}

// OpenElder implements kit.Nav with Options.OpenElder.
func (a *App) OpenElder(id, title string) {
	if a.opts.OpenElder == nil {
		a.t.Errorf("elder %s opened, but the test app has no elder screen", id)
		return
	}
	a.opts.OpenElder(a.Env, id, title)
}

// DeskSummary implements kit.Nav with Options.DeskSummary, or a summary
// that is always empty.
func (a *App) DeskSummary(onOverdue func()) kit.DeskSummary {
	if a.opts.DeskSummary == nil {
		return emptySummary{container.NewStack()}
	}
	return a.opts.DeskSummary(a.Env, onOverdue)
}

// emptySummary is a desk summary with nothing waiting.
type emptySummary struct{ o *fyne.Container }

func (s emptySummary) Object() fyne.CanvasObject { return s.o }
func (s emptySummary) Reload(int, string)        { s.o.Hide() }

// Touch implements kit.Nav; the test app has no idle lock.
func (a *App) Touch() {}

// WatchScroll implements kit.Nav; the test app has no idle lock.
func (a *App) WatchScroll(*container.Scroll) {}

// Go implements kit.Nav; Wait and Close wait for fn.
func (a *App) Go(fn func()) {
	a.tasks.Add(1)
	go func() {
		defer a.tasks.Done()
		fn()
	}()
}

// StopContext implements kit.Nav: the context ends when the app closes.
func (a *App) StopContext() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-a.stop:
		case <-ctx.Done():
		}
		cancel()
	}()
	return ctx
}
