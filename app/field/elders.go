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
	"doorstep/schema/rules"
)

// eldersScreen lists elders: a volunteer's paired elders, or the elders of a
// worker's communities, with their needs and next visit.
type eldersScreen struct {
	x      *kit.Env
	all    []records.ElderSummary
	shown  []records.ElderSummary
	filter *widget.Entry
	// by narrows the list: age band, unpaired, community.
	by       records.ElderFilter
	band     *widget.Select
	unpaired *widget.Check
	comm     *widget.Select
	commIDs  []string
	list     *kit.ActivityList
	empty    *widget.Label
	root     fyne.CanvasObject
}

// NewElders returns the Elders screen: the elders of the user's communities
// (a volunteer's paired elders), searchable by name.
func NewElders(x *kit.Env) kit.Screen {
	s := &eldersScreen{x: x}
	s.filter = widget.NewEntry()
	s.filter.SetPlaceHolder(lang.L("elders.filter"))
	s.filter.OnChanged = func(string) { x.Touch(); s.apply() }
	s.empty = widget.NewLabel(lang.L("elders.empty"))
	s.empty.Hide()
	s.list = kit.NewActivityList(x,
		func() int { return len(s.shown) },
		func() fyne.CanvasObject { return kit.NewListRowWithDetail() },
		func(id widget.ListItemID, o fyne.CanvasObject) { setElderRow(o.(*kit.ListRow), s.x, s.shown[id]) },
	)
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.Unselect(id)
		x.Touch()
		OpenElder(x, s.shown[id].ID, s.shown[id].Name)
	}
	top := fyne.CanvasObject(kit.FitHint(s.filter))
	if canUseForm(x, model.FormScreening) {
		// A screening about no elder yet registers a new elder.
		add := widget.NewButtonWithIcon(lang.L("elders.new_screening"), theme.ContentAddIcon(), func() {
			x.Touch()
			x.ShowError("forms.open_failed_title", OpenForm(x, model.FormScreening, ""))
		})
		add.Importance = widget.HighImportance
		activity := widget.NewButtonWithIcon(lang.L("activity.new"), theme.DocumentCreateIcon(), func() {
			x.Touch()
			x.ShowError("forms.open_failed_title", OpenForm(x, model.FormGroupActivity, ""))
		})
		// The buttons go under the filter when they do not fit beside its
		// whole hint.
		top = kit.NewTrailing(top, container.NewHBox(activity, add))
	}
	s.root = container.NewBorder(container.NewPadded(container.NewVBox(top, s.filterBar())), nil, nil, nil,
		container.NewStack(s.list, container.NewCenter(s.empty)))
	return s
}

func (s *eldersScreen) Content() fyne.CanvasObject { return s.root }

func (s *eldersScreen) Reload() {
	all, err := s.x.Store.Elders(s.x.Ctx(), s.x.Me)
	if err != nil {
		s.x.ShowError("error.read", err)
		return
	}
	s.all = all
	s.apply()
}

// filterBar builds the filters: age band, unpaired only, community.
func (s *eldersScreen) filterBar() fyne.CanvasObject {
	bands := []string{lang.L("elders.filter.any_age")}
	for _, b := range records.AgeBands {
		bands = append(bands, lang.L("elders.filter.age", map[string]any{"Band": b}))
	}
	s.band = widget.NewSelect(bands, nil)
	s.band.SetSelectedIndex(0)
	comms := []string{lang.L("households.filter.any_community")}
	s.commIDs = []string{""}
	if cs, err := s.x.Store.Communities(s.x.Ctx()); err == nil {
		for _, c := range cs {
			if s.x.Me.IsVolunteer() || s.x.Me.InCommunity(c.ID) {
				comms = append(comms, c.Name)
				s.commIDs = append(s.commIDs, c.ID)
			}
		}
	} else {
		fyne.LogError("read communities", err)
	}
	s.comm = widget.NewSelect(comms, nil)
	s.comm.SetSelectedIndex(0)
	s.unpaired = widget.NewCheck(lang.L("elders.filter.unpaired"), nil)
	changed := func() {
		s.x.Touch()
		s.by = records.ElderFilter{Unpaired: s.unpaired.Checked}
		if i := s.band.SelectedIndex(); i > 0 {
			s.by.AgeBand = records.AgeBands[i-1]
		}
		if i := s.comm.SelectedIndex(); i > 0 {
			s.by.Community = s.commIDs[i]
		}
		s.apply()
	}
	s.band.OnChanged = func(string) { changed() }
	s.comm.OnChanged = func(string) { changed() }
	s.unpaired.OnChanged = func(bool) { changed() }
	var width float32
	return container.New(kit.WidthSpy{Width: &width},
		container.New(&kit.FlowGrid{MinCell: 180, Width: &width, Inset: 24}, s.band, s.comm, s.unpaired))
}

// apply filters the elders by name (also pinyin) or address, then by the
// filter bar.
func (s *eldersScreen) apply() {
	s.shown = s.shown[:0]
	for _, e := range s.by.Apply(s.all, s.x.Now()) {
		if kit.MatchesName(s.filter.Text, e.Name, e.Address) {
			s.shown = append(s.shown, e)
		}
	}
	if len(s.shown) == 0 {
		s.empty.Show()
	} else {
		s.empty.Hide()
	}
	s.list.Refresh()
}

// setElderRow shows an elder's name and needs, address, pairing mode and
// next visit in r.
func setElderRow(r *kit.ListRow, x *kit.Env, e records.ElderSummary) {
	name := e.Name
	if age := records.ElderAge(e, x.Now()); age >= 0 {
		name += "  " + lang.L("elders.age", map[string]any{"Age": age})
	}
	detail := ""
	if e.LastScreening != "" {
		detail = lang.L("elders.screened", map[string]any{"Total": e.BarthelTotal,
			"Grade": rules.Code(e.BarthelGrade).Text(kit.CurrentLanguage()), "Date": e.LastScreening})
	} else if !x.Me.IsVolunteer() {
		detail = lang.L("elders.not_screened")
	}
	r.Name.SetText(name)
	r.Detail.SetText(detail)
	r.Where.SetText(e.Address + " · " + e.Community + " · " + e.Phone + " · " + kit.Codes("need", e.Needs))
	if e.PairingID != "" {
		r.Tag.SetText(kit.Code("pairing_mode", e.Mode))
	} else {
		r.Tag.SetText(lang.L("elders.unpaired"))
	}
	switch {
	case e.NextVisit != "":
		r.Date.SetText(lang.L("elders.next_visit", map[string]any{"Date": e.NextVisit}))
		if e.NextVisit < x.Store.Date() {
			r.Date.Importance = widget.DangerImportance
		} else {
			r.Date.Importance = widget.MediumImportance
		}
	case e.LastVisit == "" && e.PairingID != "":
		r.Date.SetText(lang.L("elders.never_visited"))
		r.Date.Importance = widget.WarningImportance
	default:
		r.Date.SetText("")
	}
	r.Date.Refresh()
}
