package field

import (
	"doorstep/app/kit"
	"errors"
	"io"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
	"doorstep/app/records"
)

// visitScreen is the means-test visit (入户调查): the household as found —
// members, income, assets — the visit's record — staff present, what was
// observed, signatures, photos — and, beside it, the live means test:
// per-capita income, eligibility with its reasons, the benefit and the
// price subsidy, recomputed as the user types. Members, income and assets
// sections are in visit_members.go.
type visitScreen struct {
	x        *kit.Env
	kit      *kit.FormKit
	nav      *kit.FormNav
	env      model.Env
	v        *model.Visit
	returned *records.TodayItem
	staff    []model.Staff

	memberBox  *fyne.Container
	memberRows map[string]*memberRow
	incomeBox  *fyne.Container
	incomeRows map[string]*incomeRow
	assetBox   *fyne.Container
	staffBox   *fyne.Container
	sigBox     *fyne.Container
	photoBox   *fyne.Container
	live       *visitLive
	submit     *widget.Button
	saveDraft  *widget.Button
	root       fyne.CanvasObject
}

// openVisitForm opens the visit ref names: its draft, a stored visit (a
// returned one is corrected as a new visit superseding it, a submitted one
// is shown read-only), or a new visit of household ref.SubjectID ("" = a
// new applicant household).
func openVisitForm(x *kit.Env, ref formRef) kit.Screen {
	env := x.FormsEnv()
	v, err := loadVisit(x, env, ref)
	if err != nil {
		return formError(err)
	}
	s := &visitScreen{x: x, env: env, v: v, returned: ref.Returned, memberRows: map[string]*memberRow{},
		incomeRows: map[string]*incomeRow{}}
	s.kit = kit.NewFormKit(x, model.FormMeansVisit, v.ID, v.Household.ID)
	s.kit.Returned(ref.Returned)
	s.kit.DraftJSON("visit", s.v, s.v.Title)
	s.kit.Validate = func() model.Issues { return s.v.Validate(env.Today(), env.Config, true) }
	s.kit.OnChange = s.recompute
	s.kit.ReadOnly = v.ReadOnly()
	return s
}

// loadVisit is loadForm for a visit, where a returned stored visit opens
// as its correction (a new visit superseding it, or that one's draft).
func loadVisit(x *kit.Env, env model.Env, ref formRef) (*model.Visit, error) {
	stored := func() (*model.Visit, error) {
		if ref.Returned == nil {
			return model.LoadVisit(x.Ctx(), env, ref.RecordID)
		}
		if d, ok := draftOf(x, model.FormMeansVisit, "", "", jsonField("supersedes_id", ref.RecordID)); ok {
			return decodeDraft[model.Visit](d)
		}
		return model.Correction(x.Ctx(), env, ref.RecordID, newRecordID())
	}
	return loadForm(x, model.FormMeansVisit, "means_visits", ref, stored, func() (*model.Visit, error) {
		return model.NewVisit(x.Ctx(), env, ref.RecordID, ref.SubjectID, firstCommunity(x))
	})
}

func (s *visitScreen) Content() fyne.CanvasObject {
	if s.root != nil {
		return s.root
	}
	k := s.kit
	s.live = newVisitLive()
	s.memberBox = container.NewVBox()
	s.incomeBox = container.NewVBox()
	s.assetBox = container.NewVBox()
	s.staffBox = container.NewVBox()
	s.sigBox = container.NewVBox()
	s.photoBox = k.Grid(170)
	s.nav = kit.NewFormNav(k, model.VisitOutline, s.v.RequiredFields)
	nav := s.nav
	var sections []fyne.CanvasObject
	if b := returnedBanner(s.x, s.returned, nav.JumpTo); b != nil {
		sections = append(sections, b)
	}
	sections = append(sections,
		s.householdSection(),
		nav.Section("visit.members", s.memberBox, k.ErrLabel(model.FieldMembers),
			widget.NewButtonWithIcon(lang.L("visit.add_member"), theme.ContentAddIcon(), s.addMember)),
		nav.Section("visit.incomes", s.incomeBox,
			widget.NewButtonWithIcon(lang.L("visit.add_income"), theme.ContentAddIcon(), s.addIncome)),
		nav.Section("visit.assets", s.assetBox, s.assetButtons()),
		s.observationSection(),
		nav.Section("visit.staff", s.staffBox, k.ErrLabel(model.FieldStaff)),
		nav.Section("visit.signatures", s.sigBox),
		nav.Section("visit.photos", s.photoBox,
			widget.NewButtonWithIcon(lang.L("visit.add_photo"), theme.FileImageIcon(), s.addPhoto)),
	)
	s.buildMembers()
	s.buildIncomes()
	s.buildAssets()
	s.buildStaff()
	s.buildSignatures()
	s.buildPhotos()
	form := nav.Form(sections...)

	s.saveDraft = widget.NewButtonWithIcon(lang.L("forms.save_draft"), theme.DocumentSaveIcon(), func() { s.save(false) })
	s.submit = widget.NewButtonWithIcon(lang.L("action.submit"), theme.ConfirmIcon(), func() { s.save(true) })
	s.submit.Importance = widget.HighImportance
	bar := k.ActionBar(s.saveDraft, s.submit)
	if s.v.ReadOnly() {
		kit.Freeze(form)
		s.saveDraft.Hide()
		s.submit.Hide()
		k.Status.SetText(lang.L("forms.read_only"))
	}
	side := container.NewVScroll(container.NewPadded(s.live.box))
	s.root = k.Page(form, side, s.live.compact, bar, 330)
	k.Done()
	nav.TimeSections("means_visits")
	s.recompute()
	nav.Refresh()
	return s.root
}

// reload keeps what is typed: the form is the user's until saved.
func (s *visitScreen) Reload() { s.Content() }

// leave flushes the draft (navigating away, locking, closing).
func (s *visitScreen) Leave() { s.kit.Leave() }

// householdSection is the household's own fields; the community can be
// chosen only for a new household.
func (s *visitScreen) householdSection() fyne.CanvasObject {
	k, h := s.kit, &s.v.Household
	var comm fyne.CanvasObject
	if h.Stored {
		comm = widget.NewLabel(s.communityName(h.CommunityID))
	} else {
		comm = s.communitySelect()
	}
	return s.nav.Section("visit.household",
		k.Grid(230,
			k.Col(model.FieldCommunity, comm),
			k.Col(model.FieldAddress, k.Entry(func() *string { return &h.Address }, "visit.address_placeholder")),
			k.Col("household.hardship_cause", k.CodeSelect("hardship", func() *string { return &h.HardshipCause })),
			k.Col("household.class", k.RadioOf([]string{"A", "B", "C"}, func() *string { return &h.Class })),
		),
		container.NewHBox(
			k.Check("visit.urban", func() *bool { return &h.Urban }),
			k.Check("visit.hukou_local", func() *bool { return &h.HukouLocal }),
			k.Check("visit.staff_relative", func() *bool { return &h.StaffRelative }),
		),
	)
}

// communitySelect chooses a new household's community among the user's.
func (s *visitScreen) communitySelect() fyne.CanvasObject {
	cs, err := s.x.Store.Communities(s.x.Ctx())
	if err != nil {
		fyne.LogError("read communities", err)
	}
	cs = slices.DeleteFunc(cs, func(c records.Community) bool { return !s.x.Me.InCommunity(c.ID) })
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	sel := widget.NewSelect(names, nil)
	sel.PlaceHolder = lang.L("forms.choose")
	if i := slices.IndexFunc(cs, func(c records.Community) bool { return c.ID == s.v.Household.CommunityID }); i >= 0 {
		sel.Selected = names[i]
	}
	sel.OnChanged = func(name string) {
		if i := slices.Index(names, name); i >= 0 {
			s.v.Household.CommunityID = cs[i].ID
			s.buildStaff()
			s.kit.Changed()
		}
	}
	return sel
}

func (s *visitScreen) communityName(id string) string {
	cs, _ := s.x.Store.Communities(s.x.Ctx())
	for _, c := range cs {
		if c.ID == id {
			return c.Name
		}
	}
	return id
}

// observationSection is the visit's own record: purpose, method, what was
// seen and heard.
func (s *visitScreen) observationSection() fyne.CanvasObject {
	k, v := s.kit, s.v
	started := widget.NewLabel(kit.Instant(v.StartedAt))
	return s.nav.Section("visit.record",
		k.Grid(230,
			k.Col(model.FieldPurpose, k.CodeSelect("purpose", func() *string { return &v.Purpose })),
			k.Col(model.FieldMethod, k.CodeToggle("method", func() *string { return &v.Method }).Content()),
			k.Col("started_at", started),
			k.Col("location", k.Entry(func() *string { return &v.Location }, "visit.location_placeholder")),
		),
		k.Col(model.FieldLivingConditions, k.Multi(func() *string { return &v.LivingConditions }, 3)),
		k.Col(model.FieldObservations, k.Multi(func() *string { return &v.Observations }, 3)),
		k.Col(model.FieldNeighbourNotes, k.Multi(func() *string { return &v.NeighbourNotes }, 3)),
	)
}

// buildStaff lists the community's staff to tick those present.
func (s *visitScreen) buildStaff() {
	staff, err := model.StaffOf(s.x.Ctx(), s.env.DB, s.v.Household.CommunityID, s.x.Me.UserID)
	if err != nil {
		fyne.LogError("read staff", err)
	}
	s.staff = staff
	names := make([]string, len(staff))
	var selected []string
	for i, st := range staff {
		names[i] = st.Name
		if slices.Contains(s.v.StaffIDs, st.ID) {
			selected = append(selected, st.Name)
		}
	}
	g := s.kit.Checks(names, selected, func(sel []string) {
		for i, st := range s.staff {
			s.v.SetStaff(st.ID, slices.Contains(sel, names[i]))
		}
		s.buildSignatures()
		s.kit.Changed()
	})
	s.staffBox.Objects = []fyne.CanvasObject{g, hint(lang.L("visit.staff_hint", map[string]any{"Min": s.env.Config.Process.MinVisitStaff}))}
	s.staffBox.Refresh()
}

// buildSignatures shows a pad for the applicant and for each staff member
// present.
func (s *visitScreen) buildSignatures() {
	k := s.kit
	objs := []fyne.CanvasObject{k.SignatureField(lang.L("visit.sign_applicant"), model.FieldApplicantSig,
		s.v.ApplicantSig, func(h string) { s.v.ApplicantSig = h })}
	for _, id := range s.v.StaffIDs {
		name := id
		if i := slices.IndexFunc(s.staff, func(st model.Staff) bool { return st.ID == id }); i >= 0 {
			name = s.staff[i].Name
		}
		objs = append(objs, k.SignatureField(lang.L("visit.sign_staff", map[string]any{"Name": name}),
			model.StaffSigField(id), s.v.StaffSigs[id], func(h string) { s.v.SetStaffSignature(id, h) }))
	}
	s.sigBox.Objects = []fyne.CanvasObject{k.Grid(320, objs...)}
	if s.v.ReadOnly() {
		kit.Freeze(s.sigBox)
	}
	s.sigBox.Refresh()
	k.RefreshIssues()
}

// buildPhotos shows the attached photos with a remove button each.
func (s *visitScreen) buildPhotos() {
	s.photoBox.Objects = nil
	for _, h := range s.v.Photos {
		img := s.x.BlobImage(h, fyne.NewSize(160, 120))
		rm := widget.NewButtonWithIcon(lang.L("action.delete"), theme.DeleteIcon(), func() {
			s.v.Photos = slices.DeleteFunc(s.v.Photos, func(x string) bool { return x == h })
			s.buildPhotos()
			s.kit.Changed()
		})
		rm.Importance = widget.LowImportance
		if s.v.ReadOnly() {
			rm.Disable()
		}
		s.photoBox.Add(container.NewBorder(nil, rm, nil, nil, img))
	}
	s.photoBox.Refresh()
}

// addPhoto attaches a picture chosen with the platform's file dialog (the
// gallery or camera roll on a tablet) as a blob.
func (s *visitScreen) addPhoto() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			s.x.ShowError("visit.photo_failed", err)
			return
		}
		if r == nil {
			return
		}
		defer r.Close()
		data, err := io.ReadAll(r)
		if err == nil && len(data) == 0 {
			err = errors.New(lang.L("visit.photo_empty"))
		}
		if err != nil {
			s.x.ShowError("visit.photo_failed", err)
			return
		}
		h, err := s.x.Blobs().Put(data)
		if err != nil {
			s.x.ShowError("visit.photo_failed", err)
			return
		}
		if !slices.Contains(s.v.Photos, h) {
			s.v.Photos = append(s.v.Photos, h)
		}
		s.buildPhotos()
		s.kit.Changed()
	}, s.x.Win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG"}))
	d.Resize(fyne.NewSize(900, 620))
	d.Show()
}

// recompute refreshes the live panel from what is typed.
func (s *visitScreen) recompute() {
	s.live.show(s.v.Compute(s.env.Today(), s.env.Config), s.env.Config.StandardFen(settingOf(s.v.Household.Urban)))
}

// save saves the visit as a draft record or submits it. Problems are shown
// under their fields and nothing typed is lost.
func (s *visitScreen) save(submit bool) {
	s.nav.Save(submit, func() error {
		_, err := s.v.Save(s.x.Ctx(), s.env, submit)
		return err
	}, s.openRowsWithIssues, func() string { return lang.L("visit.submitted_text") })
}
