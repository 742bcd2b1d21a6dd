package app

import (
	"context"
	"doorstep/app/field"
	"doorstep/app/kit"
	"doorstep/app/supervisor"

	"fyne.io/fyne/v2/container"

	"doorstep/app/records"
)

// appNav is the shell's side of Nav: what the screens of every face may
// ask of the app.
type appNav struct{ x *App }

// Show implements Nav.
func (n appNav) Show(name string) bool { return n.x.Show(name) }

// Push implements Nav.
func (n appNav) Push(title string, s kit.Screen) {
	if n.x.shell != nil {
		n.x.shell.push(title, s)
	}
}

// Back implements Nav.
func (n appNav) Back() {
	if n.x.shell != nil {
		n.x.shell.pop()
	}
}

// Visible implements Nav.
func (n appNav) Visible() kit.Screen {
	if n.x.shell == nil {
		return nil
	}
	return n.x.shell.visible()
}

// OpenHousehold implements Nav.
func (n appNav) OpenHousehold(id, title string) { field.OpenHousehold(n.x.env, id, title) }

// OpenElder implements Nav.
func (n appNav) OpenElder(id, title string) { field.OpenElder(n.x.env, id, title) }

// DeskSummary implements Nav.
func (n appNav) DeskSummary(onOverdue func()) kit.DeskSummary {
	return supervisor.NewDeskSummary(n.x.env, onOverdue)
}

// Touch implements Nav.
func (n appNav) Touch() { n.x.touch() }

// WatchScroll implements Nav.
func (n appNav) WatchScroll(sc *container.Scroll) { n.x.watchScroll(sc) }

// Go implements Nav.
func (n appNav) Go(fn func()) { n.x.goTask(fn) }

// StopContext implements Nav.
func (n appNav) StopContext() context.Context { return n.x.stopContext() }

// setMe makes me the signed-in identity of the app and its screens.
func (x *App) setMe(me records.Identity) {
	x.me = me
	x.env.Me = me
}
