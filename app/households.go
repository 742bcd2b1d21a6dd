package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
	"doorstep/app/records"
)

// householdsScreen searches the households the user may see, by name (also
// pinyin and initials), ID number, address, community or reference code.
type householdsScreen struct {
	x      *App
	index  *records.Index
	gen    int // data generation the index was built from
	hits   []records.HouseholdSummary
	search *widget.Entry
	count  *widget.Label
	list   *activityList
	root   fyne.CanvasObject
}

func newHouseholdsScreen(x *App) *householdsScreen {
	s := &householdsScreen{x: x, gen: -1}
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.L("households.search"))
	s.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	s.search.OnChanged = func(string) { x.touch(); s.run() }
	s.count = widget.NewLabel("")
	s.count.Importance = widget.LowImportance
	s.list = newActivityList(x,
		func() int { return len(s.hits) },
		newHouseholdRow,
		func(id widget.ListItemID, o fyne.CanvasObject) { setHouseholdRow(o.(*listRow), s.hits[id]) },
	)
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.Unselect(id)
		x.touch()
		h := s.hits[id]
		x.openHousehold(h.ID, h.HeadName)
	}
	right := container.NewHBox(s.count)
	if x.canUseForm(model.FormMeansVisit) {
		// A means-test visit about no household yet records a new applicant.
		add := widget.NewButtonWithIcon(lang.L("households.new_applicant"), theme.ContentAddIcon(), func() {
			x.touch()
			x.showError("forms.open_failed_title", x.OpenForm(model.FormMeansVisit, ""))
		})
		add.Importance = widget.HighImportance
		right.Add(add)
	}
	top := container.NewBorder(nil, nil, nil, right, s.search)
	s.root = container.NewBorder(container.NewPadded(top), nil, nil, nil, s.list)
	return s
}

func (s *householdsScreen) content() fyne.CanvasObject { return s.root }

// reload rebuilds the search index when the data changed since it was built.
func (s *householdsScreen) reload() {
	if s.index != nil && s.gen == s.x.dataGen {
		return
	}
	ix, err := s.x.store.HouseholdIndex(s.x.ctx(), s.x.me)
	if err != nil {
		s.x.showError("error.read", err)
		return
	}
	s.index, s.gen = ix, s.x.dataGen
	s.run()
}

// run searches with the current query.
func (s *householdsScreen) run() {
	if s.index == nil {
		return
	}
	s.hits = s.index.Search(s.search.Text)
	s.count.SetText(lang.L("households.count", map[string]any{"Count": len(s.hits), "Total": s.index.Len()}))
	s.list.Refresh()
	s.list.ScrollToTop()
}

// newHouseholdRow is a list row of a household.
func newHouseholdRow() fyne.CanvasObject {
	r := newListRow()
	r.date.Importance = widget.LowImportance
	return r
}

// setHouseholdRow shows a household's head, status and class, address and
// community, and next re-check date in r.
func setHouseholdRow(r *listRow, h records.HouseholdSummary) {
	r.name.SetText(h.HeadName + "  " + lang.L("households.members", map[string]any{"Count": h.Members}))
	r.where.SetText(h.Address + " · " + h.Community + " · " + h.RefCode)
	st := code("status", h.Status)
	if h.Class != "" {
		st += " · " + lang.L("households.class", map[string]any{"Class": h.Class})
	}
	r.tag.SetText(st)
	r.tag.Importance = statusImportance(h.Status)
	r.tag.Refresh()
	if h.RecheckDue != "" {
		r.date.SetText(lang.L("households.recheck", map[string]any{"Date": h.RecheckDue}))
	} else {
		r.date.SetText("")
	}
}

// statusImportance colours a household status.
func statusImportance(status string) widget.Importance {
	switch status {
	case records.StatusActive:
		return widget.SuccessImportance
	case records.StatusApplicant:
		return widget.HighImportance
	case records.StatusSuspended:
		return widget.WarningImportance
	}
	return widget.LowImportance
}
