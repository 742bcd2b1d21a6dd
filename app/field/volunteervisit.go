package field

import (
	"doorstep/app/kit"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
	"doorstep/app/records"
)

// volunteerVisitScreen is a volunteer's visit log: which paired elder,
// the need served, services, start and end, the elder's wellbeing and
// feedback, risk flags — which alert the community worker on their Today
// screen — and the next visit. It shows only what a volunteer may see of
// an elder (name, address, phone, needs) and reads nothing else.
type volunteerVisitScreen struct {
	x        *kit.Env
	kit      *kit.FormKit
	env      model.Env
	v        *model.VolunteerVisit
	returned *records.TodayItem
	elders   []records.ElderSummary

	elderInfo *fyne.Container
	needSel   *widget.Select
	coBox     *fyne.Container
	submit    *widget.Button
	draftBtn  *widget.Button
	root      fyne.CanvasObject
}

// openVolunteerVisitForm opens the log ref names: its draft, a stored log
// (editable again when returned), or a new log of a visit to elder
// ref.SubjectID through pairing ref.PairingID ("" = choose the elder).
func openVolunteerVisitForm(x *kit.Env, ref formRef) kit.Screen {
	env := x.FormsEnv()
	v, err := loadVolunteerVisit(x, env, ref)
	if err != nil {
		return formError(err)
	}
	if ref.Returned != nil && v.ReadOnly() {
		v.Reopen()
	}
	elders, err := x.Store.Elders(x.Ctx(), x.Me)
	if err != nil {
		return formError(err)
	}
	elders = slices.DeleteFunc(elders, func(e records.ElderSummary) bool { return e.PairingID == "" })
	s := &volunteerVisitScreen{x: x, env: env, v: v, returned: ref.Returned, elders: elders}
	s.kit = kit.NewFormKit(x, model.FormVolunteerVisit, v.ID, v.ElderID)
	s.kit.Returned(ref.Returned)
	s.kit.DraftJSON("volunteer visit", s.v, s.elderName)
	s.kit.Validate = func() model.Issues { return s.v.Validate(env.Time(), true) }
	s.kit.ReadOnly = v.ReadOnly()
	return s
}

func loadVolunteerVisit(x *kit.Env, env model.Env, ref formRef) (*model.VolunteerVisit, error) {
	return loadForm(x, model.FormVolunteerVisit, "volunteer_visits", ref,
		func() (*model.VolunteerVisit, error) { return model.LoadVolunteerVisit(x.Ctx(), env, ref.RecordID) },
		func() (*model.VolunteerVisit, error) {
			return model.NewVolunteerVisit(x.Ctx(), env, ref.RecordID, ref.SubjectID, ref.PairingID)
		})
}

// elder returns the chosen elder's basic data, if they are one of mine.
func (s *volunteerVisitScreen) elder() (records.ElderSummary, bool) {
	i := slices.IndexFunc(s.elders, func(e records.ElderSummary) bool { return e.ID == s.v.ElderID })
	if i < 0 {
		return records.ElderSummary{}, false
	}
	return s.elders[i], true
}

func (s *volunteerVisitScreen) elderName() string {
	e, _ := s.elder()
	return e.Name
}

func (s *volunteerVisitScreen) Content() fyne.CanvasObject {
	if s.root != nil {
		return s.root
	}
	k, v := s.kit, s.v
	s.elderInfo = container.NewVBox()
	s.needSel = widget.NewSelect(nil, nil)
	s.needSel.PlaceHolder = lang.L("forms.choose")
	s.coBox = container.NewVBox()
	var sections []fyne.CanvasObject
	if b := returnedBanner(s.x, s.returned, nil); b != nil {
		sections = append(sections, b)
	}
	cards := []fyne.CanvasObject{
		kit.FormSection("vvisit.elder", s.elderChoice(), k.ErrLabel(model.FieldElder), s.elderInfo,
			k.Col("need", s.needSel), k.Col(model.FieldCoVolunteers, s.coBox)),
		kit.FormSection("vvisit.visit",
			k.Grid(200,
				k.Col(model.FieldDate, k.DateEntry(func() *string { return &v.Date })),
				k.Col(model.FieldStart, kit.FitHint(k.TimeEntry(func() *string { return &v.Start }))),
				k.Col(model.FieldEnd, kit.FitHint(k.TimeEntry(func() *string { return &v.End }))),
			),
			k.Col(model.FieldServices, k.CodeChecks("service", func() *[]string { return &v.Services })),
		),
		kit.FormSection("vvisit.wellbeing_section",
			k.Col(model.FieldWellbeing, k.CodeRadio("wellbeing", func() *string { return &v.Wellbeing })),
			k.Col("feedback", k.Multi(func() *string { return &v.Feedback }, 3)),
			k.Col("risk_flags", k.CodeChecks("risk_flag", func() *[]string { return &v.RiskFlags })),
			hint(lang.L("vvisit.risk_hint")),
		),
		kit.FormSection("vvisit.next",
			k.Grid(200, k.Col(model.FieldNextVisit, k.DateEntry(func() *string { return &v.NextVisit })))),
	}
	sections = append(sections, cards...)
	s.showElder()
	form := container.NewVScroll(container.NewPadded(container.NewVBox(sections...)))
	s.draftBtn = widget.NewButtonWithIcon(lang.L("forms.save_draft"), theme.DocumentSaveIcon(), func() { s.save(false) })
	s.submit = widget.NewButtonWithIcon(lang.L("action.submit"), theme.ConfirmIcon(), func() { s.save(true) })
	s.submit.Importance = widget.HighImportance
	bar := k.ActionBar(s.draftBtn, s.submit)
	if v.ReadOnly() {
		kit.Freeze(form)
		s.draftBtn.Hide()
		s.submit.Hide()
		k.Status.SetText(lang.L("forms.read_only"))
	}
	s.root = k.Page(form, nil, nil, bar, 0)
	k.Done()
	k.TimeSections("volunteer_visits", volunteerVisitSections).Follow(form, cards)
	return s.root
}

// volunteerVisitSections are the log's section title keys, in form order
// (its time per section goes into the evidence entry).
var volunteerVisitSections = []string{"vvisit.elder", "vvisit.visit", "vvisit.wellbeing_section", "vvisit.next"}

func (s *volunteerVisitScreen) Reload() { s.Content() }

func (s *volunteerVisitScreen) Leave() { s.kit.Leave() }

// elderChoice picks one of my paired elders.
func (s *volunteerVisitScreen) elderChoice() fyne.CanvasObject {
	names := make([]string, len(s.elders))
	for i, e := range s.elders {
		names[i] = e.Name
	}
	sel := widget.NewSelect(names, nil)
	sel.PlaceHolder = lang.L("vvisit.choose_elder")
	if e, ok := s.elder(); ok {
		sel.Selected = e.Name
	}
	sel.OnChanged = func(string) {
		i := sel.SelectedIndex()
		if i < 0 {
			return
		}
		e := s.elders[i]
		if err := s.v.SetElder(s.x.Ctx(), s.env, e.ID, e.PairingID); err != nil {
			s.x.ShowError("error.read", err)
			return
		}
		s.kit.Subject = e.ID // SetElder pre-filled the need with the elder's first
		s.showElder()
		s.kit.Changed()
	}
	return sel
}

// showElder shows the chosen elder's basic data and their needs to serve.
func (s *volunteerVisitScreen) showElder() {
	e, ok := s.elder()
	s.elderInfo.Objects = nil
	if ok {
		s.elderInfo.Add(kit.Facts(
			kit.Field{Key: "elder.address", Value: e.Address},
			kit.Field{Key: "elder.phone", Value: e.Phone},
			kit.Field{Key: "elder.needs", Value: kit.Codes("need", e.Needs)},
			kit.Field{Key: "elder.pairing", Value: kit.Code("pairing_mode", e.Mode)},
		))
	}
	s.elderInfo.Refresh()
	opts := make([]string, len(e.Needs))
	for i, n := range e.Needs {
		opts[i] = kit.Code("need", n)
	}
	s.needSel.OnChanged = nil
	s.needSel.Options = opts
	s.needSel.Selected = kit.CodeLabel("need", s.v.Need)
	s.needSel.OnChanged = func(string) {
		if i := s.needSel.SelectedIndex(); i >= 0 {
			s.v.Need = e.Needs[i]
			s.kit.Changed()
		}
	}
	s.needSel.Refresh()
	s.showCoVolunteers()
}

// showCoVolunteers offers the pairing's other volunteers as co-volunteers
// of a two-to-one or many-to-one visit.
func (s *volunteerVisitScreen) showCoVolunteers() {
	s.coBox.Objects = nil
	co, err := model.CoVolunteers(s.x.Ctx(), s.env, s.v.PairingID)
	if err != nil {
		fyne.LogError("read co-volunteers", err)
	}
	if len(co) == 0 {
		s.coBox.Add(hint(lang.L("vvisit.no_co_volunteers")))
		s.coBox.Refresh()
		return
	}
	names := make([]string, len(co))
	var sel []string
	for i, c := range co {
		names[i] = c.Name
		if slices.Contains(s.v.CoVolunteerIDs, c.ID) {
			sel = append(sel, c.Name)
		}
	}
	s.coBox.Add(s.kit.Checks(names, sel, func(chosen []string) {
		s.v.CoVolunteerIDs = nil
		for i, c := range co {
			if slices.Contains(chosen, names[i]) {
				s.v.CoVolunteerIDs = append(s.v.CoVolunteerIDs, c.ID)
			}
		}
		s.kit.Changed()
	}))
	if s.v.ReadOnly() {
		kit.Freeze(s.coBox)
	}
	s.coBox.Refresh()
}

// save saves the log as a draft record or submits it.
func (s *volunteerVisitScreen) save(submit bool) {
	s.kit.Save(submit, func() error { return s.v.Save(s.x.Ctx(), s.env, s.x.Me.Pairings, submit) },
		nil, func() string {
			if len(s.v.RiskFlags) > 0 {
				return lang.L("vvisit.submitted_alert")
			}
			return lang.L("vvisit.submitted_text")
		})
}
