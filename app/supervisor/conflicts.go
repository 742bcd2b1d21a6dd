package supervisor

import (
	"doorstep/app/kit"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk/conflict"
	"doorstep/app/desk/review"
	"doorstep/app/desk/sheet"
)

// conflictsScreen lists fields two people changed at the same time, with
// both values, who and when; the supervisor keeps one or types another,
// an ordinary write that syncs to every device.
type conflictsScreen struct {
	x         *kit.Env
	root      fyne.CanvasObject
	places    *placeSelects
	all       *widget.Check
	box       *fyne.Container
	conflicts []conflict.Conflict
	names     map[string]string // staff, for values that name staff
	ready     bool
}

// NewConflicts returns the conflicts screen: concurrent edits the server
// recorded, each resolved by keeping one value.
func NewConflicts(x *kit.Env) kit.Screen {
	s := &conflictsScreen{x: x, box: container.NewVBox()}
	s.places = newPlaceSelects(x, s.load)
	s.all = widget.NewCheck(lang.L("desk.conflict.show_resolved"), func(bool) { s.load() })
	top := container.NewVBox(s.places.object(), container.NewBorder(nil, nil, nil,
		exportButtons(x, "conflicts", func() []sheet.Sheet {
			return []sheet.Sheet{conflict.Sheet(s.conflicts, office(x).Location())}
		}), s.all))
	s.root = container.NewBorder(top, nil, nil, nil, container.NewVScroll(s.box))
	return s
}

func (s *conflictsScreen) Content() fyne.CanvasObject { return s.root }

func (s *conflictsScreen) Reload() {
	if !s.ready {
		s.places.load()
		s.ready = true
	}
	s.load()
}

func (s *conflictsScreen) load() {
	o := office(s.x)
	cs, err := conflict.List(s.x.Ctx(), o, s.places.area(), s.all.Checked)
	if err == nil {
		s.names, err = o.Staff(s.x.Ctx())
	}
	if err != nil {
		s.x.ShowError("desk.err.load", err)
		return
	}
	s.conflicts = cs
	s.box.Objects = nil
	if len(cs) == 0 {
		s.box.Add(widget.NewLabel(lang.L("desk.conflict.none")))
	}
	for _, c := range cs {
		s.box.Add(s.card(c))
	}
	s.box.Refresh()
}

// card shows one conflict with its choices.
func (s *conflictsScreen) card(c conflict.Conflict) fyne.CanvasObject {
	title := kit.Heading(lang.L("desk.conflict.title", map[string]any{"Record": orDash(c.Label),
		"Table": lang.L("desk.table." + c.Table), "Field": kit.FieldLabel(c.Column)}))
	where := caption(lang.L("desk.conflict.where", map[string]any{"Community": orDash(c.Community),
		"Date": localTime(c.DetectedAt)}))
	side := func(key string, sd conflict.Side, winner bool) fyne.CanvasObject {
		val := widget.NewLabelWithStyle(orDash(deskValue(c.Table, c.Column, review.Value(sd.Value), s.names)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		val.Wrapping = fyne.TextWrapWord
		who := caption(lang.L("desk.conflict.who", map[string]any{"Name": orDash(sd.User), "Date": localTime(sd.At)}))
		objs := []fyne.CanvasObject{widget.NewLabel(lang.L(key)), val, who}
		if !c.Resolved {
			b := widget.NewButton(lang.L("desk.conflict.keep"), func() {
				s.done(conflict.Choose(s.x.Ctx(), office(s.x), c.ID, winner))
			})
			objs = append(objs, b)
		}
		return container.NewVBox(objs...)
	}
	body := []fyne.CanvasObject{title, where,
		container.NewGridWithColumns(2, side("desk.conflict.winner", c.Winner, true), side("desk.conflict.loser", c.Loser, false))}
	if c.Resolved {
		body = append(body, badge(lang.L("desk.conflict.resolved", map[string]any{"Name": orDash(c.ResolvedBy),
			"Date": localTime(c.ResolvedAt)}), widget.SuccessImportance))
	} else {
		typed := widget.NewEntry()
		typed.SetPlaceHolder(lang.L("desk.conflict.other_value"))
		msg := widget.NewLabel("")
		msg.Importance = widget.DangerImportance
		msg.Hide()
		use := widget.NewButton(lang.L("desk.conflict.use"), func() {
			if err := conflict.Enter(s.x.Ctx(), office(s.x), c.ID, typed.Text); err != nil {
				deskError(s.x, "desk.err.save", err, msg)
				return
			}
			s.done(nil)
		})
		body = append(body, container.NewBorder(nil, msg, nil, use, typed))
	}
	return widget.NewCard("", "", container.NewVBox(body...))
}

// done reloads after a resolution, or reports why it failed.
func (s *conflictsScreen) done(err error) {
	if err != nil {
		deskError(s.x, "desk.err.save", err, nil)
		return
	}
	s.x.DataChanged()
	s.load()
}
