package app

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/schema"
)

// screen is one page of the app. Each screen is a struct in its own file
// holding its widgets and what it needs from the App.
type screen interface {
	// content returns the screen's object. It is built once and reused.
	content() fyne.CanvasObject
	// reload re-reads the screen's data; it is called each time the screen
	// is shown and after a sync brought new data.
	reload()
}

// leaver is implemented by screens that must act when they stop being
// shown (a form flushes its draft): called when the user navigates away,
// when the app locks, and when it closes.
type leaver interface {
	leave()
}

// leaveVisible tells the screen on display that it is no longer shown.
func (s *shell) leaveVisible() {
	if l, ok := s.visible().(leaver); ok {
		l.leave()
	}
}

// destination is a top-level place in the navigation bar.
type destination struct {
	key   string // translation key of its label, also its id
	icon  fyne.Resource
	roles []schema.Role
	make  func(*App) screen
}

// destinations lists the navigation bar, in order, for every role. A
// destination appears when the signed-in role is in its roles. To add a
// top-level screen, write its file and add a line here.
func destinations() []destination {
	all := []schema.Role{schema.RoleWorker, schema.RoleVolunteer, schema.RoleSupervisor}
	staff := []schema.Role{schema.RoleWorker, schema.RoleSupervisor}
	ds := []destination{
		{"nav.today", theme.HomeIcon(), all, func(x *App) screen { return newTodayScreen(x) }},
		{"nav.households", theme.ListIcon(), staff, func(x *App) screen { return newHouseholdsScreen(x) }},
		{"nav.elders", theme.AccountIcon(), all, func(x *App) screen { return newEldersScreen(x) }},
	}
	ds = append(ds, deskDestinations()...) // the supervisor desk (desk_nav.go)
	return append(ds,
		destination{"nav.sync", theme.ViewRefreshIcon(), all, func(x *App) screen { return newSyncScreen(x) }},
		destination{"nav.settings", theme.SettingsIcon(), all, func(x *App) screen { return newSettingsScreen(x) }},
	)
}

// page is a screen on the navigation stack with its title.
type page struct {
	title string
	s     screen
}

// shell is the frame around every screen once signed in: a top bar (back,
// title, user, lock), the navigation bar (a sidebar in landscape, a bottom
// bar in portrait) and the current screen.
type shell struct {
	x     *App
	dests []destination
	// tops holds each destination's screen, built on first visit.
	tops    map[string]screen
	current string
	stack   []page // detail pages pushed over the current destination

	root    fyne.CanvasObject
	body    *fyne.Container
	title   *widget.Label
	back    *widget.Button
	navBtns map[string]*widget.Button
	status  *widget.Label
}

func newShell(x *App) *shell {
	s := &shell{x: x, tops: map[string]screen{}, navBtns: map[string]*widget.Button{}}
	for _, d := range destinations() {
		if slices.Contains(d.roles, x.me.Role) {
			s.dests = append(s.dests, d)
		}
	}
	nl := &navLayout{}
	nav := container.New(nl)
	for _, d := range s.dests {
		b := widget.NewButtonWithIcon(lang.L(d.key), d.icon, nil)
		b.Alignment = widget.ButtonAlignLeading
		b.OnTapped = func() { x.touch(); s.show(d.key) }
		s.navBtns[d.key] = b
		nav.Add(b)
	}
	s.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.title.SizeName = theme.SizeNameSubHeadingText
	s.title.Truncation = fyne.TextTruncateEllipsis
	s.back = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { x.touch(); s.pop() })
	s.status = widget.NewLabel("")
	s.status.Importance = widget.LowImportance
	x.sync.onChange("top bar", func(st syncStatus) {
		if st.State == syncIdle || st.State == syncDemo {
			s.status.SetText("")
			return
		}
		s.status.SetText(lang.L("sync.status." + st.State))
	})
	lockBtn := widget.NewButtonWithIcon(lang.L("lock.button"), theme.VisibilityOffIcon(), func() { x.lock() })
	user := widget.NewLabel(x.me.UserName + " · " + roleName(x.me.Role))
	top := container.NewBorder(nil, nil, s.back, container.NewHBox(s.status, user, lockBtn), s.title)
	bar := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	s.body = container.NewStack()
	navBg := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	s.root = newActivityArea(x, container.New(&shellLayout{nav: nl, navObj: nav},
		container.NewStack(bar, container.NewPadded(top)),
		container.NewStack(navBg, container.NewPadded(nav)),
		s.body))
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
	scr.reload()
	s.display(lang.L(key), scr)
}

// push shows a detail page over the current one; back returns.
func (s *shell) push(title string, scr screen) {
	s.leaveVisible()
	s.stack = append(s.stack, page{title: title, s: scr})
	scr.reload()
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
		p.s.reload()
		s.display(p.title, p.s)
		return
	}
	scr := s.tops[s.current]
	scr.reload()
	s.display(lang.L(s.current), scr)
}

func (s *shell) display(title string, scr screen) {
	s.title.SetText(title)
	if len(s.stack) > 0 {
		s.back.Show()
	} else {
		s.back.Hide()
	}
	s.x.watchScrolls(scr.content())
	s.body.Objects = []fyne.CanvasObject{scr.content()}
	s.body.Refresh()
}

// visible returns the screen on display.
func (s *shell) visible() screen {
	if n := len(s.stack); n > 0 {
		return s.stack[n-1].s
	}
	return s.tops[s.current]
}

// reloadVisible re-reads the screen on display (after a sync). Other
// screens reload when they are shown again.
func (s *shell) reloadVisible() {
	if scr := s.visible(); scr != nil {
		scr.reload()
	}
}
