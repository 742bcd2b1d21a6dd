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

// eldersScreen lists elders: a volunteer's paired elders, or the elders of a
// worker's communities, with their needs and next visit.
type eldersScreen struct {
	x      *App
	all    []records.ElderSummary
	shown  []records.ElderSummary
	filter *widget.Entry
	list   *activityList
	empty  *widget.Label
	root   fyne.CanvasObject
}

func newEldersScreen(x *App) *eldersScreen {
	s := &eldersScreen{x: x}
	s.filter = widget.NewEntry()
	s.filter.SetPlaceHolder(lang.L("elders.filter"))
	s.filter.OnChanged = func(string) { x.touch(); s.apply() }
	s.empty = widget.NewLabel(lang.L("elders.empty"))
	s.empty.Hide()
	s.list = newActivityList(x,
		func() int { return len(s.shown) },
		func() fyne.CanvasObject { return newListRow() },
		func(id widget.ListItemID, o fyne.CanvasObject) { setElderRow(o.(*listRow), s.x, s.shown[id]) },
	)
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.Unselect(id)
		x.touch()
		x.openElder(s.shown[id].ID, s.shown[id].Name)
	}
	top := fyne.CanvasObject(s.filter)
	if x.canUseForm(model.FormScreening) {
		// A screening about no elder yet registers a new elder.
		add := widget.NewButtonWithIcon(lang.L("elders.new_screening"), theme.ContentAddIcon(), func() {
			x.touch()
			x.showError("forms.open_failed_title", x.OpenForm(model.FormScreening, ""))
		})
		add.Importance = widget.HighImportance
		top = container.NewBorder(nil, nil, nil, add, s.filter)
	}
	s.root = container.NewBorder(container.NewPadded(top), nil, nil, nil,
		container.NewStack(s.list, container.NewCenter(s.empty)))
	return s
}

func (s *eldersScreen) content() fyne.CanvasObject { return s.root }

func (s *eldersScreen) reload() {
	all, err := s.x.store.Elders(s.x.ctx(), s.x.me)
	if err != nil {
		s.x.showError("error.read", err)
		return
	}
	s.all = all
	s.apply()
}

// apply filters the elders by name (also pinyin) or address.
func (s *eldersScreen) apply() {
	s.shown = s.shown[:0]
	for _, e := range s.all {
		if matchesName(s.filter.Text, e.Name, e.Address) {
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
func setElderRow(r *listRow, x *App, e records.ElderSummary) {
	r.name.SetText(e.Name + "  " + codes("need", e.Needs))
	r.where.SetText(e.Address + " · " + e.Community + " · " + e.Phone)
	if e.PairingID != "" {
		r.tag.SetText(code("pairing_mode", e.Mode))
	} else {
		r.tag.SetText(lang.L("elders.unpaired"))
	}
	switch {
	case e.NextVisit != "":
		r.date.SetText(lang.L("elders.next_visit", map[string]any{"Date": e.NextVisit}))
		if e.NextVisit < x.store.Date() {
			r.date.Importance = widget.DangerImportance
		} else {
			r.date.Importance = widget.MediumImportance
		}
	case e.LastVisit == "" && e.PairingID != "":
		r.date.SetText(lang.L("elders.never_visited"))
		r.date.Importance = widget.WarningImportance
	default:
		r.date.SetText("")
	}
	r.date.Refresh()
}
