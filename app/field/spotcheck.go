package field

import (
	"doorstep/app/kit"
	"errors"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
	"doorstep/app/records"
)

// spotCheckScreen is a spot check (抽查) of one household: the DOMAIN.md
// checklist and the outcome, with the household's last approved data
// beside it; what the inspectors find that differs from it, and what
// changed since approval, is highlighted there.
type spotCheckScreen struct {
	x        *kit.Env
	kit      *kit.FormKit
	nav      *kit.FormNav
	env      model.Env
	s        *model.SpotCheck
	base     model.Baseline
	returned *records.TodayItem
	staff    []model.Staff

	suggest  *widget.Label
	useHint  *widget.Button
	hintRow  *fyne.Container
	outcome  *widget.Select
	baseBox  *fyne.Container
	compact  *fyne.Container
	submit   *widget.Button
	draftBtn *widget.Button
	root     fyne.CanvasObject
}

// openSpotCheckForm opens the spot check ref names: its draft, the stored
// check (usually drawn by a supervisor), or a new check of household
// ref.SubjectID.
func openSpotCheckForm(x *kit.Env, ref formRef) kit.Screen {
	env := x.FormsEnv()
	s, err := loadSpotCheck(x, env, ref)
	if errors.Is(err, model.ErrHidden) {
		return newMessageScreen(lang.L("spot.hidden"))
	}
	if errors.Is(err, model.ErrOwnCaseload) {
		return newMessageScreen(lang.L("household.no_spot_check_own"))
	}
	if err != nil {
		return formError(err)
	}
	if ref.Returned != nil && s.ReadOnly() {
		s.Reopen()
	}
	base, err := model.LoadBaseline(x.Ctx(), env, s.HouseholdID, env.Today())
	if err != nil {
		return formError(err)
	}
	scr := &spotCheckScreen{x: x, env: env, s: s, base: base, returned: ref.Returned}
	scr.kit = kit.NewFormKit(x, model.FormSpotCheck, s.ID, s.HouseholdID)
	scr.kit.Returned(ref.Returned)
	scr.kit.DraftJSON("spot check", scr.s, func() string { return base.HeadName })
	scr.kit.Validate = func() model.Issues { return scr.s.Validate(env.Today(), env.Config, true) }
	scr.kit.OnChange = scr.refreshBaseline
	scr.kit.ReadOnly = s.ReadOnly()
	return scr
}

func loadSpotCheck(x *kit.Env, env model.Env, ref formRef) (*model.SpotCheck, error) {
	return loadForm(x, model.FormSpotCheck, "spot_checks", ref,
		func() (*model.SpotCheck, error) { return model.LoadSpotCheck(x.Ctx(), env, ref.RecordID) },
		func() (*model.SpotCheck, error) { return model.NewSpotCheck(x.Ctx(), env, ref.RecordID, ref.SubjectID) })
}

func (s *spotCheckScreen) Content() fyne.CanvasObject {
	if s.root != nil {
		return s.root
	}
	k, c := s.kit, s.s
	s.nav = kit.NewFormNav(k, model.SpotCheckOutline, c.RequiredFields)
	var sections []fyne.CanvasObject
	if b := returnedBanner(s.x, s.returned, s.nav.JumpTo); b != nil {
		sections = append(sections, b)
	}
	kind := lang.L("spot.announced")
	if c.Unannounced {
		kind = lang.L("spot.unannounced")
	}
	yn := func(field string, v *string) fyne.CanvasObject {
		return k.YesNoToggle(func() *string { return v }, model.ProblemAnswers[field]).Content()
	}
	sections = append(sections,
		s.nav.Section("spot.inspection",
			hint(kind+" · "+lang.L("spot.planned", map[string]any{"Date": c.PlannedOn})),
			k.Col(model.FieldInspectors, s.inspectors()),
			hint(lang.L("spot.inspectors_hint", map[string]any{"Min": s.env.Config.Process.MinSpotCheckInspectors})),
		),
		s.nav.Section("spot.checklist",
			k.Grid(250,
				k.Col(model.FieldFound, yn(model.FieldFound, &c.Found)),
				k.Col(model.FieldLivingThere, yn(model.FieldLivingThere, &c.LivingThere)),
				k.Col(model.FieldMakeupMatches, yn(model.FieldMakeupMatches, &c.MakeupMatches)),
				k.Col(model.FieldAssetsFit, yn(model.FieldAssetsFit, &c.AssetsFit)),
				k.Col(model.FieldBenefitPaidFull, yn(model.FieldBenefitPaidFull, &c.BenefitPaidFull)),
				k.Col(model.FieldFeesCharged, yn(model.FieldFeesCharged, &c.FeesCharged)),
			),
			k.Col(model.FieldRecomputedIncome,
				k.NumberEntry(func() *string { return &c.RecomputedIncome }, "spot.income_placeholder")),
			hint(lang.L("spot.approved_income", map[string]any{"Amount": kit.Money(s.base.ApprovedPerCapitaFen)})),
			k.Col("neighbour_interview", k.Multi(func() *string { return &c.NeighbourInterview }, 3)),
		),
		s.outcomeSection(),
	)
	form := s.nav.Form(sections...)
	s.baseBox = container.NewVBox()
	s.compact = container.NewVBox()
	s.refreshBaseline()
	s.draftBtn = widget.NewButtonWithIcon(lang.L("forms.save_draft"), theme.DocumentSaveIcon(), func() { s.save(false) })
	s.submit = widget.NewButtonWithIcon(lang.L("action.submit"), theme.ConfirmIcon(), func() { s.save(true) })
	s.submit.Importance = widget.HighImportance
	bar := k.ActionBar(s.draftBtn, s.submit)
	if c.ReadOnly() {
		kit.Freeze(form)
		s.draftBtn.Hide()
		s.submit.Hide()
		k.Status.SetText(lang.L("forms.read_only"))
	}
	side := container.NewVScroll(container.NewPadded(s.baseBox))
	s.root = k.Page(form, side, s.compact, bar, 420)
	k.Done()
	s.nav.TimeSections("spot_checks")
	s.nav.Refresh()
	return s.root
}

func (s *spotCheckScreen) Reload() { s.Content() }

func (s *spotCheckScreen) Leave() { s.kit.Leave() }

// inspectors ticks the staff who took part. The household's own
// caseworker is not offered (a check is independent of them) unless a
// stored check already names them, which validation then refuses.
func (s *spotCheckScreen) inspectors() fyne.CanvasObject {
	staff, err := model.StaffOf(s.x.Ctx(), s.env.DB, s.s.CommunityID, s.x.Me.UserID)
	if err != nil {
		fyne.LogError("read staff", err)
	}
	staff = slices.DeleteFunc(staff, func(st model.Staff) bool {
		return st.ID == s.s.CaseworkerID && !slices.Contains(s.s.InspectorIDs, st.ID)
	})
	for _, id := range s.s.InspectorIDs { // inspectors from elsewhere in the district
		if !slices.ContainsFunc(staff, func(st model.Staff) bool { return st.ID == id }) {
			staff = append(staff, model.Staff{ID: id, Name: inspectorName(s.x, id)})
		}
	}
	s.staff = staff
	names := make([]string, len(staff))
	var sel []string
	for i, st := range staff {
		names[i] = st.Name
		if slices.Contains(s.s.InspectorIDs, st.ID) {
			sel = append(sel, st.Name)
		}
	}
	return s.kit.Checks(names, sel, func(chosen []string) {
		for i, st := range s.staff {
			s.s.SetInspector(st.ID, slices.Contains(chosen, names[i]))
		}
		s.kit.Changed()
	})
}

// inspectorName is a staff member's name, or their id when unknown.
func inspectorName(x *kit.Env, id string) string {
	var name string
	if err := x.Store.DB().QueryRowContext(x.Ctx(), `SELECT coalesce(name,'') FROM staff WHERE id = ?`, id).Scan(&name); err != nil || name == "" {
		return id
	}
	return name
}

// outcomeSection is the outcome, its deadline and notes, with the outcome
// the answers suggest.
func (s *spotCheckScreen) outcomeSection() fyne.CanvasObject {
	k, c := s.kit, s.s
	s.outcome = k.CodeSelect("spot_outcome", func() *string { return &c.Outcome })
	s.suggest = lowLabel("")
	s.suggest.Wrapping = fyne.TextWrapWord
	s.useHint = widget.NewButton(lang.L("spot.use_suggestion"), func() {
		if o := s.base.SuggestOutcome(s.s); o != "" {
			s.outcome.SetSelected(kit.Code("spot_outcome", o))
		}
	})
	s.useHint.Importance = widget.LowImportance
	s.hintRow = container.NewBorder(nil, nil, nil, s.useHint, s.suggest)
	return s.nav.Section("spot.outcome",
		k.Grid(250,
			k.Col(model.FieldOutcome, s.outcome),
			k.Col(model.FieldDeadline, k.DateEntry(func() *string { return &c.Deadline })),
		),
		s.hintRow,
		k.Col("notes", k.Multi(func() *string { return &c.Notes }, 2)),
	)
}

// refreshBaseline redraws the baseline panel (and its narrow summary) with
// the discrepancies of the answers so far, and the suggested outcome.
func (s *spotCheckScreen) refreshBaseline() {
	s.baseBox.Objects = s.baselineObjects()
	s.baseBox.Refresh()
	s.refreshCompact()
	b := s.base
	if s.suggest != nil {
		if o := b.SuggestOutcome(s.s); o != "" {
			s.suggest.SetText(lang.L("spot.suggested", map[string]any{"Outcome": kit.Code("spot_outcome", o)}))
			s.hintRow.Show()
		} else {
			s.hintRow.Hide()
		}
	}
}

// refreshCompact is the narrow layout's summary: the discrepancies and a
// button showing the whole baseline.
func (s *spotCheckScreen) refreshCompact() {
	disc := s.base.Discrepancies(s.s)
	head := lang.L("spot.no_discrepancies")
	if len(disc) > 0 {
		head = lang.L("spot.compact_count", map[string]any{"Count": len(disc)})
	}
	show := widget.NewButtonWithIcon(lang.L("spot.show_baseline"), theme.VisibilityIcon(), func() {
		panel := container.NewVScroll(container.NewPadded(container.NewVBox(s.baselineObjects()...)))
		d := dialog.NewCustom(lang.L("spot.show_baseline"), lang.L("action.close"), panel, s.x.Win)
		d.Resize(fyne.NewSize(s.x.Win.Canvas().Size().Width*0.9, s.x.Win.Canvas().Size().Height*0.8))
		d.Show()
	})
	objs := []fyne.CanvasObject{widget.NewSeparator(), container.NewBorder(nil, nil, nil, show, kit.Heading(head))}
	for _, d := range disc {
		objs = append(objs, reasonLabel(lang.L(d.Key, d.Args), widget.DangerImportance))
	}
	s.compact.Objects = objs
	s.compact.Refresh()
}

// baselineObjects builds the baseline panel: the last approved data with
// its discrepancies highlighted.
func (s *spotCheckScreen) baselineObjects() []fyne.CanvasObject {
	b := s.base
	disc := b.Discrepancies(s.s)
	bySection := map[string][]string{}
	for _, d := range disc {
		bySection[d.Section] = append(bySection[d.Section], lang.L(d.Key, d.Args))
	}
	head := lang.L("spot.base_current")
	if b.FromVisit {
		head = lang.L("spot.base_approved", map[string]any{"Date": kit.DateOf(b.ApprovedAt)})
	}
	objs := []fyne.CanvasObject{kit.Heading(head)}
	if len(disc) == 0 {
		objs = append(objs, lowLabel(lang.L("spot.no_discrepancies")))
	}
	part := func(section, titleKey string, lines ...fyne.CanvasObject) {
		t := kit.Heading(lang.L(titleKey))
		msgs := bySection[section]
		if len(msgs) > 0 {
			t.SetText("⚠ " + t.Text)
			t.Importance = widget.DangerImportance
		}
		objs = append(objs, widget.NewSeparator(), t)
		for _, m := range msgs {
			objs = append(objs, reasonLabel(m, widget.DangerImportance))
		}
		objs = append(objs, lines...)
	}
	part(model.SectionHousehold, "spot.base_household",
		plain(b.HeadName+" · "+b.Address),
		plain(kit.Code("status", b.Status)+" · "+lang.L("households.class", map[string]any{"Class": b.Class})))
	memberChanges := b.MemberChanges()
	var members []fyne.CanvasObject
	for _, m := range b.Approved.Members {
		members = append(members, changeLine(baseMemberLine(m), memberChanges[m.ID]))
	}
	for _, m := range b.Current.Members {
		if memberChanges[m.ID] == model.RowAdded {
			members = append(members, changeLine(baseMemberLine(m), model.RowAdded))
		}
	}
	part(model.SectionMembers, "spot.base_members", members...)
	part(model.SectionIncome, "spot.base_income",
		plain(lang.L("spot.base_per_capita", map[string]any{"Amount": kit.Money(b.ApprovedPerCapitaFen),
			"Count": strconv.Itoa(b.Approved.CountedMembers())})),
		plain(lang.L("spot.base_income_total", map[string]any{"Amount": kit.Money(b.Approved.IncomeTotal())})))
	assetChanges := b.AssetChanges()
	var assets []fyne.CanvasObject
	for _, a := range b.Approved.Assets {
		assets = append(assets, changeLine(baseAssetLine(a), assetChanges[a.ID]))
	}
	for _, a := range b.Current.Assets {
		if assetChanges[a.ID] == model.RowAdded {
			assets = append(assets, changeLine(baseAssetLine(a), model.RowAdded))
		}
	}
	if len(assets) == 0 {
		assets = append(assets, lowLabel(lang.L("spot.base_no_assets")))
	}
	part(model.SectionAssets, "spot.base_assets", assets...)
	part(model.SectionBenefit, "spot.base_benefit",
		plain(lang.L("spot.base_paid", map[string]any{"Amount": kit.Money(b.PaidFen)})))
	return objs
}

func plain(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// changeLine is a baseline row, marked when it changed since approval.
func changeLine(text string, ch model.RowChange) *widget.Label {
	if ch == "" {
		return plain(text)
	}
	l := plain(text + " — " + lang.L("spot.change."+string(ch)))
	l.Importance = widget.DangerImportance
	if ch == model.RowRemoved {
		l.TextStyle.Italic = true
	}
	return l
}

func baseMemberLine(m model.SnapMember) string {
	parts := []string{m.Name, kit.Code("relationship", m.Relationship)}
	if m.Counted != 1 {
		parts = append(parts, lang.L("member.is_not_counted"))
	}
	return strings.Join(parts, " · ")
}

func baseAssetLine(a model.SnapAsset) string {
	parts := []string{kit.Code("asset", a.Kind)}
	if a.FloorArea > 0 {
		parts = append(parts, lang.L("asset.area", map[string]any{"Area": model.FormatArea(a.FloorArea)}))
	}
	if a.VehicleType != "" {
		parts = append(parts, kit.Code("vehicle", a.VehicleType))
	}
	if a.ValueFen > 0 {
		parts = append(parts, kit.Money(a.ValueFen))
	}
	if a.Description != "" {
		parts = append(parts, a.Description)
	}
	return strings.Join(parts, " · ")
}

// save saves the check as a draft record or submits it.
func (s *spotCheckScreen) save(submit bool) {
	s.nav.Save(submit, func() error { return s.s.Save(s.x.Ctx(), s.env, submit) },
		nil, func() string { return lang.L("spot.submitted_text") })
}
