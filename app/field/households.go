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

	// filter narrows and orders the hits; filters is its bar, shown by
	// the filter button.
	filter  records.HouseholdFilter
	filters *fyne.Container
	status  *widget.Select
	class   *widget.Select
	comm    *widget.Select
	recheck *widget.Check
	sort    *widget.Select
	commIDs []string
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
	s.filters = s.filterBar()
	s.filters.Hide()
	filterBtn := widget.NewButtonWithIcon(lang.L("households.filter"), theme.ListIcon(), func() {
		x.Touch()
		if s.filters.Visible() {
			s.filters.Hide()
		} else {
			s.filters.Show()
		}
	})
	right := container.NewHBox(s.count, filterBtn)
	if canUseForm(x, model.FormMeansVisit) {
		// A means-test visit about no household yet records a new applicant.
		add := widget.NewButtonWithIcon(lang.L("households.new_applicant"), theme.ContentAddIcon(), func() {
			x.Touch()
			x.ShowError("forms.open_failed_title", OpenForm(x, model.FormMeansVisit, ""))
		})
		add.Importance = widget.HighImportance
		right.Add(add)
	}
	// The search keeps its whole hint: the buttons go under it when they
	// do not fit beside it.
	top := container.NewVBox(kit.NewTrailing(kit.FitHint(s.search), right), s.filters)
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
	s.hits = s.filter.Apply(s.index.Search(s.search.Text), s.x.Now())
	s.count.SetText(lang.L("households.count", map[string]any{"Count": len(s.hits), "Total": s.index.Len()}))
	s.list.Refresh()
	s.list.ScrollToTop()
}

// statusFilters are the status filter's choices: all but cancelled (the
// default), each status, and all with the cancelled.
var statusFilters = []string{"", records.StatusActive, records.StatusApplicant, records.StatusSuspended,
	records.StatusCancelled, "*"}

// filterBar builds the filters: status, class, re-check due within 30
// days, community and order.
func (s *householdsScreen) filterBar() *fyne.Container {
	statusOpts := make([]string, len(statusFilters))
	for i, st := range statusFilters {
		switch st {
		case "":
			statusOpts[i] = lang.L("households.filter.not_cancelled")
		case "*":
			statusOpts[i] = lang.L("households.filter.all")
		default:
			statusOpts[i] = kit.Code("status", st)
		}
	}
	changed := func() { s.x.Touch(); s.readFilter(); s.run() }
	s.status = widget.NewSelect(statusOpts, nil)
	s.status.SetSelectedIndex(0)
	s.class = widget.NewSelect([]string{lang.L("households.filter.any_class"), "A", "B", "C"}, nil)
	s.class.SetSelectedIndex(0)
	comms := []string{lang.L("households.filter.any_community")}
	s.commIDs = []string{""}
	if cs, err := s.x.Store.Communities(s.x.Ctx()); err == nil {
		for _, c := range cs {
			if s.x.Me.InCommunity(c.ID) {
				comms = append(comms, c.Name)
				s.commIDs = append(s.commIDs, c.ID)
			}
		}
	} else {
		fyne.LogError("read communities", err)
	}
	s.comm = widget.NewSelect(comms, nil)
	s.comm.SetSelectedIndex(0)
	sorts := make([]string, len(records.HouseholdSorts))
	for i, o := range records.HouseholdSorts {
		if o == records.SortSearch {
			sorts[i] = lang.L("households.sort.search")
		} else {
			sorts[i] = lang.L("households.sort." + string(o))
		}
	}
	s.sort = widget.NewSelect(sorts, nil)
	s.sort.SetSelectedIndex(0)
	s.recheck = widget.NewCheck(lang.L("households.filter.recheck_due"), nil)
	for _, sel := range []*widget.Select{s.status, s.class, s.comm, s.sort} {
		sel.OnChanged = func(string) { changed() }
	}
	s.recheck.OnChanged = func(bool) { changed() }
	var width float32
	grid := container.New(&kit.FlowGrid{MinCell: 180, Width: &width, Inset: 24}, s.status, s.class, s.comm, s.sort, s.recheck)
	return container.New(kit.WidthSpy{Width: &width}, grid)
}

// readFilter takes the filter from the bar.
func (s *householdsScreen) readFilter() {
	var f records.HouseholdFilter
	switch st := statusFilters[max(s.status.SelectedIndex(), 0)]; st {
	case "*":
		f.WithCancelled = true
	default:
		f.Status = st
	}
	if i := s.class.SelectedIndex(); i > 0 {
		f.Class = s.class.Selected
	}
	if i := s.comm.SelectedIndex(); i > 0 {
		f.Community = s.commIDs[i]
	}
	if s.recheck.Checked {
		f.RecheckWithin = 30
	}
	f.Sort = records.HouseholdSorts[max(s.sort.SelectedIndex(), 0)]
	s.filter = f
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
