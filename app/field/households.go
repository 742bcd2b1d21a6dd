package field

import (
	"doorstep/app/kit"
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
	x      *kit.Env
	index  *records.Index
	gen    int // data generation the index was built from
	hits   []records.HouseholdSummary
	search *widget.Entry
	count  *widget.Label
	list   *kit.ActivityList
	root   fyne.CanvasObject
}

// NewHouseholds returns the Households screen: the households of the
// user's communities, searchable by name, initials or ID number.
func NewHouseholds(x *kit.Env) kit.Screen {
	s := &householdsScreen{x: x, gen: -1}
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.L("households.search"))
	s.search.ActionItem = widget.NewIcon(theme.SearchIcon())
	s.search.OnChanged = func(string) { x.Touch(); s.run() }
	s.count = widget.NewLabel("")
	s.count.Importance = widget.LowImportance
	s.list = kit.NewActivityList(x,
		func() int { return len(s.hits) },
		newHouseholdRow,
		func(id widget.ListItemID, o fyne.CanvasObject) { setHouseholdRow(o.(*kit.ListRow), s.hits[id]) },
	)
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.Unselect(id)
		x.Touch()
		h := s.hits[id]
		OpenHousehold(x, h.ID, h.HeadName)
	}
	right := container.NewHBox(s.count)
	if canUseForm(x, model.FormMeansVisit) {
		// A means-test visit about no household yet records a new applicant.
		add := widget.NewButtonWithIcon(lang.L("households.new_applicant"), theme.ContentAddIcon(), func() {
			x.Touch()
			x.ShowError("forms.open_failed_title", OpenForm(x, model.FormMeansVisit, ""))
		})
		add.Importance = widget.HighImportance
		right.Add(add)
	}
	top := container.NewBorder(nil, nil, nil, right, s.search)
	s.root = container.NewBorder(container.NewPadded(top), nil, nil, nil, s.list)
	return s
}

func (s *householdsScreen) Content() fyne.CanvasObject { return s.root }

// reload rebuilds the search index when the data changed since it was built.
func (s *householdsScreen) Reload() {
	if s.index != nil && s.gen == s.x.DataGen() {
		return
	}
	ix, err := s.x.Store.HouseholdIndex(s.x.Ctx(), s.x.Me)
	if err != nil {
		s.x.ShowError("error.read", err)
		return
	}
	s.index, s.gen = ix, s.x.DataGen()
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
	r := kit.NewListRow()
	r.Date.Importance = widget.LowImportance
	return r
}

// setHouseholdRow shows a household's head, status and class, address and
// community, and next re-check date in r.
func setHouseholdRow(r *kit.ListRow, h records.HouseholdSummary) {
	r.Name.SetText(h.HeadName + "  " + lang.L("households.members", map[string]any{"Count": h.Members}))
	where := h.Address + " · " + h.Community
	if h.CaseNo != "" {
		where += " · " + h.CaseNo
	}
	r.Where.SetText(where)
	st := kit.Code("status", h.Status)
	if h.Class != "" {
		st += " · " + lang.L("households.class", map[string]any{"Class": h.Class})
	}
	r.Tag.SetText(st)
	r.Tag.Importance = statusImportance(h.Status)
	r.Tag.Refresh()
	if h.RecheckDue != "" {
		r.Date.SetText(lang.L("households.recheck", map[string]any{"Date": h.RecheckDue}))
	} else {
		r.Date.SetText("")
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
