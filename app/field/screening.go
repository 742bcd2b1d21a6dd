package field

import (
	"doorstep/app/kit"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
	"doorstep/app/records"
	"doorstep/schema/rules"
)

// screeningScreen is the elderly needs screening: basics, the Barthel index
// (each item offers only the values it may take), the optional GB/T 42195
// assessment and the needs checklist, with the derived results beside it —
// Barthel total and grade, home-care eligibility, monetary-care group and
// the recommended volunteer pairing with its reasons.
type screeningScreen struct {
	x   *kit.Env
	kit *kit.FormKit
	nav *kit.FormNav
	// pairing is the pairing dialog opened from the recommendation.
	pairing  *pairingPanel
	env      model.Env
	s        *model.Screening
	returned *records.TodayItem

	// barthel holds each Barthel item's radio group by key.
	barthel   map[string]*widget.RadioGroup
	ability   map[string]*widget.Select
	abilityBx *fyne.Container
	derived   *fyne.Container
	compact   *widget.Label
	// compactPair holds the pair button under the compact summary, for a
	// page too narrow for the side panel (portrait, large text).
	compactPair *fyne.Container
	bTotal      *widget.Label
	submit      *widget.Button
	draftBtn    *widget.Button
	root        fyne.CanvasObject
}

// openScreeningForm opens the screening ref names: its draft, a stored
// screening (editable again when returned), or a new screening of elder
// ref.SubjectID ("" = a new elder).
func openScreeningForm(x *kit.Env, ref formRef) kit.Screen {
	env := x.FormsEnv()
	s, err := loadScreening(x, env, ref)
	if err != nil {
		return formError(err)
	}
	if ref.Returned != nil && s.ReadOnly() {
		s.Reopen()
	}
	scr := &screeningScreen{x: x, env: env, s: s, returned: ref.Returned,
		barthel: map[string]*widget.RadioGroup{}, ability: map[string]*widget.Select{}}
	scr.kit = kit.NewFormKit(x, model.FormScreening, s.ID, s.Elder.ID)
	scr.kit.Returned(ref.Returned)
	scr.kit.DraftJSON("screening", scr.s, func() string { return strings.TrimSpace(scr.s.Elder.Name) })
	scr.kit.Validate = func() model.Issues { return scr.s.Validate(env.Today(), env.Config, true) }
	scr.kit.OnChange = scr.refreshDerived
	scr.kit.ReadOnly = s.ReadOnly()
	return scr
}

func loadScreening(x *kit.Env, env model.Env, ref formRef) (*model.Screening, error) {
	return loadForm(x, model.FormScreening, "elder_screenings", ref,
		func() (*model.Screening, error) { return model.LoadScreening(x.Ctx(), env, ref.RecordID) },
		func() (*model.Screening, error) {
			return model.NewScreening(x.Ctx(), env, ref.RecordID, ref.SubjectID, firstCommunity(x))
		})
}

func (s *screeningScreen) Content() fyne.CanvasObject {
	if s.root != nil {
		return s.root
	}
	k, m := s.kit, s.s
	s.nav = kit.NewFormNav(k, model.ScreeningOutline, m.RequiredFields)
	nav := s.nav
	var sections []fyne.CanvasObject
	if b := returnedBanner(s.x, s.returned, nav.JumpTo); b != nil {
		sections = append(sections, b)
	}
	sections = append(sections, s.elderSection(),
		nav.Section("screening.basics",
			k.Grid(230,
				k.Col(model.FieldScreenedOn, k.DateEntry(func() *string { return &m.ScreenedOn })),
				k.Col(model.FieldReason, k.CodeSelect("screening_reason", func() *string { return &m.Reason })),
				k.Col(model.FieldLiving, k.CodeSelect("living", func() *string { return &m.LivingArrangement })),
				k.Col(model.FieldIncomeBand, k.CodeSelect("income_band", func() *string { return &m.IncomeBand })),
			),
			container.NewHBox(
				k.Check("screening.single_child", func() *bool { return &m.SingleChild }),
				k.Check("screening.three_no", func() *bool { return &m.ThreeNo }),
			),
			k.Grid(300,
				k.Col("diagnoses", k.Multi(func() *string { return &m.Diagnoses }, 2)),
				k.Col("medications", k.Multi(func() *string { return &m.Medications }, 2)),
			),
			k.Col("risk_events", k.CodeChecks("care_risk", func() *[]string { return &m.RiskEvents })),
		),
		s.barthelSection(),
		s.abilitySection(),
		nav.Section("screening.needs", k.CodeChecks("need", func() *[]string { return &m.Needs }),
			hint(lang.L("screening.needs_hint"))),
	)
	form := nav.Form(sections...)
	s.derived = container.NewVBox()
	s.draftBtn = widget.NewButtonWithIcon(lang.L("forms.save_draft"), theme.DocumentSaveIcon(), func() { s.save(false) })
	s.submit = widget.NewButtonWithIcon(lang.L("action.submit"), theme.ConfirmIcon(), func() { s.save(true) })
	s.submit.Importance = widget.HighImportance
	bar := k.ActionBar(s.draftBtn, s.submit)
	if m.ReadOnly() {
		kit.Freeze(form)
		s.draftBtn.Hide()
		s.submit.Hide()
		k.Status.SetText(lang.L("forms.read_only"))
	}
	side := container.NewVScroll(container.NewPadded(s.derived))
	s.compact = widget.NewLabel("")
	s.compact.TextStyle.Bold = true
	s.compact.Wrapping = fyne.TextWrapWord
	s.compactPair = container.NewVBox()
	s.root = k.Page(form, side, container.NewVBox(widget.NewSeparator(), s.compact, s.compactPair), bar, 330)
	k.Done()
	s.nav.TimeSections("elder_screenings")
	s.nav.Refresh()
	s.refreshDerived()
	return s.root
}

func (s *screeningScreen) Reload() { s.Content() }

func (s *screeningScreen) Leave() { s.kit.Leave() }

// elderSection is the elder's basic data and ID number.
func (s *screeningScreen) elderSection() fyne.CanvasObject {
	k, m := s.kit, s.s
	e := &m.Elder
	sex := k.CodeSelect("sex", func() *string { return &e.Sex })
	birth := k.DateEntry(func() *string { return &e.BirthDate })
	id := k.IDEntry(func() *string { return &m.IDNumber }, "member.id_placeholder")
	onID := id.OnChanged
	id.OnChanged = func(t string) {
		onID(t)
		if m.FillFromID(s.env.Today()) {
			sex.SetSelected(kit.CodeLabel("sex", e.Sex))
			birth.SetText(e.BirthDate)
		}
	}
	return s.nav.Section("screening.elder",
		k.Grid(230,
			k.Col(model.FieldElderName, k.Entry(func() *string { return &e.Name }, "member.name_placeholder")),
			k.Col(model.FieldElderIDNo, id),
			k.Col(model.FieldElderSex, sex),
			k.Col(model.FieldElderBirth, birth),
			k.Col(model.FieldElderAddress, k.Entry(func() *string { return &e.Address }, "")),
			k.Col(model.FieldElderPhone, k.NumberEntry(func() *string { return &e.Phone }, "")),
		),
	)
}

// barthelSection offers each Barthel item as a radio group of exactly its
// allowed values (rules.BarthelItems), with the running total.
func (s *screeningScreen) barthelSection() fyne.CanvasObject {
	k := s.kit
	var cells []fyne.CanvasObject
	for _, it := range rules.BarthelItems() {
		opts := make([]string, len(it.Allowed))
		for i := range it.Allowed {
			v := it.Allowed[len(it.Allowed)-1-i] // best first, as the scale is read out
			opts[i] = barthelOption(it.Key, v)
		}
		r := widget.NewRadioGroup(opts, nil)
		if v, ok := s.s.Barthel[it.Key]; ok {
			r.Selected = barthelOption(it.Key, v)
		}
		key := it.Key
		r.OnChanged = func(opt string) {
			if opt == "" {
				s.s.ClearBarthel(key)
			} else if v, ok := scoreOf(opt); ok {
				if err := s.s.SetBarthel(key, v); err != nil { // cannot happen: only allowed values are offered
					fyne.LogError("barthel", err)
				}
			}
			k.Changed()
		}
		s.barthel[key] = r
		cells = append(cells, k.Col(model.BarthelField(key), r))
	}
	s.bTotal = widget.NewLabel("")
	s.bTotal.TextStyle.Bold = true
	return s.nav.Section("screening.barthel", k.Grid(260, cells...), s.bTotal, k.ErrLabel(model.FieldBarthel))
}

// barthelOption is a Barthel item's score with what it means:
// "5 · 需部分帮助".
func barthelOption(key string, v int) string {
	return strconv.Itoa(v) + " · " + lang.L(model.BarthelScoreKey(key, v))
}

// abilityOption is a GB/T 42195 item's score with what it means.
func abilityOption(key string, v int) string {
	return strconv.Itoa(v) + " · " + lang.L(model.AbilityScoreKey(key, v))
}

// scoreOf reads the score back from an option.
func scoreOf(opt string) (int, bool) {
	n, _, _ := strings.Cut(opt, " · ")
	v, err := strconv.Atoi(n)
	return v, err == nil
}

// abilitySection is the optional GB/T 42195 assessment: 26 items by
// domain, each a choice of 0..its maximum.
func (s *screeningScreen) abilitySection() fyne.CanvasObject {
	k, m := s.kit, s.s
	lng := kit.CurrentLanguage()
	s.abilityBx = container.NewVBox()
	domain := rules.Code("")
	var cells []fyne.CanvasObject
	flush := func() {
		if len(cells) > 0 {
			s.abilityBx.Add(kit.Heading(domain.Text(lng)))
			s.abilityBx.Add(k.Grid(200, cells...))
			cells = nil
		}
	}
	for _, it := range rules.AbilityItems() {
		if it.Domain != domain {
			flush()
			domain = it.Domain
		}
		opts := make([]string, it.Max+1)
		for i := range opts {
			opts[i] = abilityOption(it.Key, it.Max-i)
		}
		sel := widget.NewSelect(opts, nil)
		sel.PlaceHolder = lang.L("forms.choose")
		if v, ok := m.AbilityScores[it.Key]; ok {
			sel.Selected = abilityOption(it.Key, v)
		}
		key := it.Key
		sel.OnChanged = func(opt string) {
			if v, ok := scoreOf(opt); ok {
				if err := m.SetAbility(key, v); err != nil {
					fyne.LogError("ability", err)
				}
			}
			k.Changed()
		}
		s.ability[key] = sel
		cells = append(cells, k.FieldText(it.Name.Text(lng), "", sel))
	}
	flush()
	s.abilityBx.Add(container.NewHBox(
		k.Check("screening.dementia", func() *bool { return &m.Dementia }),
		k.Check("screening.coma", func() *bool { return &m.Coma }),
	))
	s.abilityBx.Add(k.ErrLabel(model.FieldAbility))
	if !m.Ability {
		s.abilityBx.Hide()
	}
	toggle := k.Check("screening.ability_on", func() *bool { return &m.Ability })
	onToggle := toggle.OnChanged
	toggle.OnChanged = func(b bool) {
		if b {
			s.abilityBx.Show()
		} else {
			s.abilityBx.Hide()
		}
		onToggle(b)
	}
	return s.nav.Section("screening.ability", toggle, s.abilityBx)
}

// pairButton makes the recommended pairing for a stored elder with no
// running pairing (nil otherwise): the pairing dialog opens with the
// recommended mode chosen.
func (s *screeningScreen) pairButton(mode string) fyne.CanvasObject {
	e := s.s.Elder
	if mode == "" || e.ID == "" || s.x.Me.IsVolunteer() || !recordExists(s.x, "elders", e.ID) {
		return nil
	}
	var running int
	if err := s.x.Store.DB().QueryRowContext(s.x.Ctx(), `SELECT count(*) FROM volunteer_pairings
		WHERE elder_id = ? AND deleted = 0 AND coalesce(ended_on,'') = ''`, e.ID).Scan(&running); err != nil || running > 0 {
		return nil
	}
	var el records.Elder
	el.ID, el.CommunityID, el.Name = e.ID, e.CommunityID, e.Name
	return widget.NewButtonWithIcon(lang.L("screening.pair_now"), theme.ContentAddIcon(), func() {
		s.pairing = &pairingPanel{x: s.x, e: el, advice: mode, done: func() { s.refreshDerived() }}
		s.pairing.openCreate()
	})
}

// refreshDerived recomputes the results panel and the Barthel total.
func (s *screeningScreen) refreshDerived() {
	r := s.s.Derive(s.env.Today(), s.env.Config)
	lng := kit.CurrentLanguage()
	grade := lang.L("screening.barthel_incomplete", map[string]any{"Count": r.BarthelScored})
	if r.BarthelGrade != "" {
		grade = r.BarthelGrade.Text(lng)
		s.bTotal.SetText(lang.L("screening.barthel_total", map[string]any{"Total": r.BarthelTotal, "Grade": grade}))
	} else {
		s.bTotal.SetText(lang.L("screening.barthel_partial", map[string]any{"Total": r.BarthelTotal, "Count": r.BarthelScored}))
	}
	barthelValue := grade
	if r.BarthelGrade != "" {
		barthelValue = strconv.Itoa(r.BarthelTotal) + " · " + grade
	}
	age, homeCare, groups := "—", "—", "—"
	if r.AgeKnown {
		age = strconv.Itoa(r.Age)
		homeCare = yesNoText(r.HomeCare)
		groups = lang.L("screening.no_group")
		if r.CareGroups.Reported != 0 {
			var all []string
			for _, g := range r.CareGroups.Matched {
				all = append(all, g.Code().Text(lng))
			}
			groups = r.CareGroups.Reported.Code().Text(lng)
			if len(all) > 1 {
				groups += "\n" + lang.L("screening.also_matches", map[string]any{"Groups": strings.Join(all, lang.L("list.separator"))})
			}
		} else if s.s.IncomeBand == "" {
			groups = lang.L("screening.needs_income_band")
		}
	}
	level := "—"
	if r.Ability != nil {
		level = lang.L("screening.ability_result", map[string]any{"Total": r.Ability.Total, "Level": r.Ability.Level.Text(lng)})
		for _, a := range r.Ability.Adjustments {
			level += "\n" + a.Text(lng)
		}
	}
	value := func(text string) *widget.Label {
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	grid := container.New(&kit.FormGridLayout{},
		lowLabel(lang.L("screening.age")), value(age),
		lowLabel(lang.L("screening.barthel_short")), value(barthelValue),
		lowLabel(lang.L("screening.ability_short")), value(level),
		lowLabel(lang.L("screening.home_care")), value(homeCare),
		lowLabel(lang.L("screening.care_group")), value(groups),
	)
	pairing := kit.Heading(lang.L("screening.pairing", map[string]any{"Mode": kit.Code("pairing_mode", r.Pairing)}))
	pairing.Importance = widget.HighImportance
	pairing.Wrapping = fyne.TextWrapWord
	objs := []fyne.CanvasObject{kit.Heading(lang.L("screening.derived")), grid, widget.NewSeparator(), pairing}
	for _, reason := range r.PairingReasons {
		objs = append(objs, reasonLabel("• "+lang.L(reason), widget.MediumImportance))
	}
	objs = append(objs, hint(lang.L("live.advice")))
	s.compactPair.Objects = nil
	if b := s.pairButton(r.Pairing); b != nil {
		objs = append(objs, b)
		s.compactPair.Add(s.pairButton(r.Pairing))
	}
	s.compactPair.Refresh()
	s.derived.Objects = objs
	s.derived.Refresh()
	s.compact.SetText(lang.L("screening.compact", map[string]any{"Barthel": barthelValue,
		"Mode": kit.Code("pairing_mode", r.Pairing), "HomeCare": homeCare, "Group": strings.Split(groups, "\n")[0]}))
}

// yesNoText is "yes" or "no" translated.
func yesNoText(b bool) string {
	if b {
		return lang.L("common.yes")
	}
	return lang.L("common.no")
}

// save saves the screening as a draft record or submits it.
func (s *screeningScreen) save(submit bool) {
	s.nav.Save(submit, func() error {
		_, err := s.s.Save(s.x.Ctx(), s.env, submit)
		return err
	}, nil, func() string { return lang.L("screening.submitted_text") })
}
