package app

import (
	"doorstep/app/field"
	"doorstep/app/kit"
	"doorstep/app/supervisor"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/schema"
)

// leaveVisible tells the screen on display that it is no longer shown.
func (s *shell) leaveVisible() {
	if l, ok := s.visible().(kit.Leaver); ok {
		l.Leave()
	}
}

// destination is a top-level place in the navigation bar.
type destination struct {
	key   string // translation key of its label, also its id
	icon  fyne.Resource
	roles []schema.Role
	make  func(*App) kit.Screen
}

// destinations lists the navigation bar, in order, for every role. A
// destination appears when the signed-in role is in its roles. To add a
// top-level screen, write its file and add a line here.
func destinations() []destination {
	all := []schema.Role{schema.RoleWorker, schema.RoleVolunteer, schema.RoleSupervisor}
	staff := []schema.Role{schema.RoleWorker, schema.RoleSupervisor}
	ds := []destination{
		{"nav.today", theme.HomeIcon(), all, func(x *App) kit.Screen { return field.NewToday(x.env) }},
		{"nav.households", theme.ListIcon(), staff, func(x *App) kit.Screen { return field.NewHouseholds(x.env) }},
		{"nav.elders", theme.AccountIcon(), all, func(x *App) kit.Screen { return field.NewElders(x.env) }},
	}
	ds = append(ds, deskDestinations()...) // the supervisor desk (desk_nav.go)
	return append(ds,
		destination{"nav.sync", theme.ViewRefreshIcon(), all, func(x *App) kit.Screen { return newSyncScreen(x) }},
		destination{"nav.settings", theme.SettingsIcon(), all, func(x *App) kit.Screen { return newSettingsScreen(x) }},
	)
}

// deskDestinations are the supervisor's top-level screens (app/supervisor), shown after
// the shared ones in the navigation bar.
func deskDestinations() []destination {
	sup := []schema.Role{schema.RoleSupervisor}
	return []destination{
		{"nav.review", theme.DocumentIcon(), sup, func(x *App) kit.Screen { return supervisor.NewReview(x.env) }},
		{"nav.meeting", theme.ConfirmIcon(), sup, func(x *App) kit.Screen { return supervisor.NewMeeting(x.env) }},
		{"nav.draw", theme.SearchIcon(), sup, func(x *App) kit.Screen { return supervisor.NewDraw(x.env) }},
		{"nav.conflicts", theme.WarningIcon(), sup, func(x *App) kit.Screen { return supervisor.NewConflicts(x.env) }},
		{"nav.payroll", theme.ListIcon(), sup, func(x *App) kit.Screen { return supervisor.NewPayroll(x.env) }},
		{"nav.benefits", theme.HistoryIcon(), sup, func(x *App) kit.Screen { return supervisor.NewBenefits(x.env) }},
		{"nav.institutions", theme.HomeIcon(), sup, func(x *App) kit.Screen { return supervisor.NewInstitutions(x.env) }},
		{"nav.medical", theme.ContentAddIcon(), sup, func(x *App) kit.Screen { return supervisor.NewMedical(x.env) }},
		{"nav.reports", theme.GridIcon(), sup, func(x *App) kit.Screen { return supervisor.NewReports(x.env) }},
	}
}

// page is a screen on the navigation stack with its title.
type page struct {
	title string
	s     kit.Screen
}

// shell is the frame around every screen once signed in: a top bar (back,
// title, the sync badge, user, lock), the navigation bar (a sidebar in landscape, a bottom
// bar in portrait) and the current screen.
type shell struct {
	x     *App
	dests []destination
	// tops holds each destination's screen, built on first visit.
	tops    map[string]kit.Screen
	current string
	stack   []page // detail pages pushed over the current destination

	root    fyne.CanvasObject
	body    *fyne.Container
	title   *widget.Label
	back    *widget.Button
	navBtns map[string]*widget.Button
	// more opens the destinations that do not fit in the bar, as
	// navLayout found at its last layout.
	more      *widget.Button
	navLayout *kit.NavLayout
	badge     *syncBadge
	top       *fyne.Container // the top bar's row, laid out again when back shows or hides
}

func newShell(x *App) *shell {
	s := &shell{x: x, tops: map[string]kit.Screen{}, navBtns: map[string]*widget.Button{}}
	for _, d := range destinations() {
		if slices.Contains(d.roles, x.me.Role) {
			s.dests = append(s.dests, d)
		}
	}
	nl := &kit.NavLayout{}
	nav := container.New(nl)
	for _, d := range s.dests {
		b := widget.NewButtonWithIcon(lang.L(d.key), d.icon, nil)
		b.Alignment = widget.ButtonAlignLeading
		b.OnTapped = func() { x.touch(); s.show(d.key) }
		s.navBtns[d.key] = b
		nav.Add(b)
	}
	// What does not fit in the bar is under More (nav_more.go).
	s.more = widget.NewButtonWithIcon(lang.L("nav.more"), theme.MoreHorizontalIcon(), func() { x.touch(); s.showMore() })
	s.more.Alignment = widget.ButtonAlignLeading
	s.more.Importance = widget.LowImportance
	nl.More = s.more
	nl.OnOverflow = s.markMore
	s.navLayout = nl
	nav.Add(s.more)
	s.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.title.SizeName = theme.SizeNameSubHeadingText
	s.title.Truncation = fyne.TextTruncateEllipsis
	s.back = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { x.touch(); s.pop() })
	s.badge = newSyncBadge(x, func() { s.show("nav.sync") })
	x.sync.onChange("top bar", s.badge.show)
	x.env.OnDataChanged = s.badge.recount
	lockBtn := widget.NewButtonWithIcon(lang.L("lock.button"), theme.VisibilityOffIcon(), func() { x.lock() })
	user := widget.NewLabel(x.me.UserName + " · " + kit.RoleName(x.me.Role))
	s.top = container.NewBorder(nil, nil, s.back, nil, s.title)
	// The badge, user and lock go under the title when beside it the
	// title would have less than 8 characters' room (portrait, large text).
	top := container.New(&kit.TrailingLayout{MainEms: 8}, s.top, container.NewHBox(s.badge.btn, user, lockBtn))
	bar := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	s.body = container.NewStack()
	navBg := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	frame := container.New(kit.ShellLayout{},
		container.NewStack(bar, container.NewPadded(top)),
		container.NewStack(navBg, container.NewPadded(nav)),
		s.body)
	s.root = newActivityArea(x, frame)
	// A longer badge text widens it, and may move it under the title.
	s.badge.relayout = func() {
		top.Layout.Layout(top.Objects, top.Size())
		frame.Layout.Layout(frame.Objects, frame.Size())
	}
	return s
}

// show switches to a top-level destination, leaving any detail pages.
func (s *shell) show(key string) {
	i := slices.IndexFunc(s.dests, func(d destination) bool { return d.key == key })
	if i < 0 {
		return
	}
	scr, ok := s.tops[key]
	if !ok {
		scr = s.dests[i].make(s.x)
		s.tops[key] = scr
	}
	s.leaveVisible() // pages under it left when they were covered
	s.current = key
	s.stack = nil
	for k, b := range s.navBtns {
		if k == key {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.LowImportance
		}
		b.Refresh()
	}
	s.markMore()
	scr.Reload()
	s.display(lang.L(key), scr)
}

// push shows a detail page over the current one; back returns.
func (s *shell) push(title string, scr kit.Screen) {
	s.leaveVisible()
	s.stack = append(s.stack, page{title: title, s: scr})
	scr.Reload()
	s.display(title, scr)
}

// pop returns to the page under the current detail page, reloading it.
func (s *shell) pop() {
	if len(s.stack) == 0 {
		return
	}
	s.leaveVisible()
	s.stack = s.stack[:len(s.stack)-1]
	if n := len(s.stack); n > 0 {
		p := s.stack[n-1]
		p.s.Reload()
		s.display(p.title, p.s)
		return
	}
	scr := s.tops[s.current]
	scr.Reload()
	s.display(lang.L(s.current), scr)
}

func (s *shell) display(title string, scr kit.Screen) {
	s.title.SetText(title)
	if back := len(s.stack) > 0; back != s.back.Visible() {
		if back {
			s.back.Show()
		} else {
			s.back.Hide()
		}
		s.top.Refresh() // a border layout places only what is visible
	}
	s.x.watchScrolls(scr.Content())
	s.badge.recount()
	s.body.Objects = []fyne.CanvasObject{scr.Content()}
	s.body.Refresh()
}

// visible returns the screen on display.
func (s *shell) visible() kit.Screen {
	if n := len(s.stack); n > 0 {
		return s.stack[n-1].s
	}
	return s.tops[s.current]
}

// reloadVisible re-reads the screen on display (after a sync). Other
// screens reload when they are shown again.
func (s *shell) reloadVisible() {
	if scr := s.visible(); scr != nil {
		scr.Reload()
	}
}
