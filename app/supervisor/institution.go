package supervisor

import (
	"doorstep/app/kit"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk"
	"doorstep/app/desk/care"
	model "doorstep/app/forms"
	"doorstep/schema"
)

// institutionScreen is one care institution: its register entry (name,
// ownership, community, address, phone, opening date), a new count of
// beds, residents and staff as of a day, its assets (roles that may read
// them), its assessments, and the assessment visit.
type institutionScreen struct {
	x    *kit.Env
	in   care.Institution
	root fyne.CanvasObject

	name      *widget.Entry
	ownership *codeChoice
	community *widget.Select
	comms     []desk.Place
	address   *widget.Entry
	phone     *kit.NumericEntry
	opened    *widget.Entry
	regMsg    *widget.Label

	asOf      *widget.Entry
	beds      *kit.NumericEntry
	residents *kit.NumericEntry
	staff     *kit.NumericEntry
	total     *kit.NumericEntry
	net       *kit.NumericEntry
	countMsg  *widget.Label
	counts    *widget.Label

	assessments *fyne.Container
	assess      *widget.Button
}

// newInstitution returns the institution page; a zero in registers a new
// institution.
func newInstitution(x *kit.Env, in care.Institution) *institutionScreen {
	s := &institutionScreen{x: x, in: in}
	msg := func() *widget.Label {
		l := widget.NewLabel("")
		l.Importance = widget.DangerImportance
		l.Wrapping = fyne.TextWrapWord
		l.Hide()
		return l
	}
	s.name = widget.NewEntry()
	s.name.SetText(in.Name)
	s.ownership = newCodeChoice("ownership", schema.InstitutionOwnerships, nil)
	s.ownership.set(in.Ownership)
	s.community = widget.NewSelect(nil, nil)
	s.address = widget.NewEntry()
	s.address.SetText(in.Address)
	s.phone = kit.NewNumericEntry()
	s.phone.SetText(in.Phone)
	s.opened = dateField(x, in.OpenedOn)
	s.regMsg = msg()
	save := widget.NewButton(lang.L("action.save"), s.saveRegister)
	save.Importance = widget.HighImportance
	reg := widget.NewForm(
		widget.NewFormItem(lang.L("desk.inst.name"), s.name),
		widget.NewFormItem(lang.L("desk.field.ownership"), s.ownership.Select),
		widget.NewFormItem(lang.L("desk.medical.community"), s.community),
		widget.NewFormItem(lang.L("desk.inst.address"), s.address),
		widget.NewFormItem(lang.L("desk.inst.phone"), s.phone),
		widget.NewFormItem(lang.L("desk.field.opened_on"), s.opened),
	)
	parts := []fyne.CanvasObject{kit.Section("desk.inst.register", container.NewVBox(reg, s.regMsg, container.NewHBox(save)))}

	s.counts = widget.NewLabel("")
	s.counts.Wrapping = fyne.TextWrapWord
	s.asOf = dateField(x, office(x).Today())
	s.beds, s.residents, s.staff = kit.NewNumericEntry(), kit.NewNumericEntry(), kit.NewNumericEntry()
	s.total, s.net = kit.NewNumericEntry(), kit.NewNumericEntry()
	s.total.SetPlaceHolder(lang.L("desk.medical.yuan_hint"))
	s.net.SetPlaceHolder(lang.L("desk.medical.yuan_hint"))
	s.countMsg = msg()
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("desk.field.as_of"), s.asOf),
		widget.NewFormItem(lang.L("desk.field.beds"), s.beds),
		widget.NewFormItem(lang.L("desk.field.residents"), s.residents),
		widget.NewFormItem(lang.L("desk.field.staff"), s.staff),
	}
	if mayReadFinances(x) {
		items = append(items, widget.NewFormItem(lang.L("desk.field.total_assets_fen"), s.total),
			widget.NewFormItem(lang.L("desk.field.net_assets_fen"), s.net))
	}
	record := widget.NewButton(lang.L("desk.inst.record_counts"), s.saveCounts)
	s.assessments = container.NewVBox()
	s.assess = widget.NewButton(lang.L("desk.inst.assess"), func() {
		x.Push(lang.L("desk.inst.assess_title", map[string]any{"Name": s.in.Name}), newAssessment(x, s.in))
	})
	s.assess.Importance = widget.HighImportance
	if in.ID != "" {
		parts = append(parts,
			kit.Section("desk.inst.counts", container.NewVBox(s.counts, widget.NewForm(items...), s.countMsg, container.NewHBox(record))),
			kit.Section("desk.inst.assessments", container.NewVBox(s.assessments, container.NewHBox(s.assess))))
	}
	s.root = container.NewVScroll(container.NewVBox(parts...))
	return s
}

func (s *institutionScreen) Content() fyne.CanvasObject { return s.root }

func (s *institutionScreen) Reload() {
	o := office(s.x)
	comms, err := o.Communities(s.x.Ctx(), "")
	if err != nil {
		s.x.ShowError("desk.err.load", err)
		return
	}
	s.comms = comms
	opts := make([]string, len(comms))
	for i, c := range comms {
		opts[i] = c.Name
		if c.ID == s.in.CommunityID {
			defer s.community.SetSelectedIndex(i)
		}
	}
	s.community.Options = opts
	if s.in.ID == "" {
		return
	}
	ins, err := care.List(s.x.Ctx(), o, desk.Area{}, o.Today())
	if err != nil {
		s.x.ShowError("desk.err.load", err)
		return
	}
	for _, in := range ins {
		if in.ID == s.in.ID {
			s.in = in
		}
	}
	text := lang.L("desk.inst.counts_now", map[string]any{"Beds": s.in.Beds, "Residents": s.in.Residents,
		"Staff": s.in.Staff, "Occupancy": strconv.Itoa(int(s.in.OccupancyPct() + 0.5)), "AsOf": s.in.CountsAsOf.Format(desk.DateLayout)})
	if mayReadFinances(s.x) {
		fin, err := care.Finances(s.x.Ctx(), o, desk.Area{}, o.Today())
		if err != nil {
			s.x.ShowError("desk.err.load", err)
			return
		}
		if f, ok := fin[s.in.ID]; ok {
			text += "\n" + lang.L("desk.inst.assets", map[string]any{"Total": kit.Money(f.TotalAssetsFen), "Net": kit.Money(f.NetAssetsFen)})
		}
	}
	s.counts.SetText(text)
	as, err := care.Assessments(s.x.Ctx(), o, desk.Area{}, desk.Period{From: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), To: o.Today()})
	if err != nil {
		s.x.ShowError("desk.err.load", err)
		return
	}
	s.assessments.Objects = nil
	for i := len(as) - 1; i >= 0; i-- {
		if a := as[i]; a.InstitutionID == s.in.ID {
			s.assessments.Add(kit.WrapLabel(assessmentLine(a)))
		}
	}
	if len(s.assessments.Objects) == 0 {
		s.assessments.Add(widget.NewLabel(lang.L("desk.inst.no_assessments")))
	}
	s.assessments.Refresh()
}

// assessmentLine is an assessment as listed.
func assessmentLine(a care.Assessment) string {
	band := lang.L("desk.inst.no_band")
	if a.Band != "" {
		band = kit.Code("award_band", a.Band)
	}
	return lang.L("desk.inst.assessment_line", map[string]any{"Half": a.Half, "On": a.AssessedOn.Format(desk.DateLayout),
		"Total": a.Total, "Band": band, "Award": kit.Money(a.AwardFen),
		"Assessors": strings.Join(a.Assessors, lang.L("list.separator"))})
}

// saveRegister registers the institution or updates its entry.
func (s *institutionScreen) saveRegister() {
	in := s.in
	in.Name, in.Ownership = strings.TrimSpace(s.name.Text), s.ownership.value()
	in.Address, in.Phone = strings.TrimSpace(s.address.Text), strings.TrimSpace(s.phone.Text)
	if i := s.community.SelectedIndex(); i >= 0 && i < len(s.comms) {
		in.CommunityID = s.comms[i].ID
	}
	d, ok := parseDateField(s.opened)
	if !ok {
		s.regMsg.SetText(lang.L("desk.err.date_field", map[string]any{"Field": lang.L("desk.field.opened_on")}))
		s.regMsg.Show()
		return
	}
	in.OpenedOn = d
	saved, err := care.Register(s.x.Ctx(), office(s.x), in)
	if err != nil {
		deskError(s.x, "desk.err.save", err, s.regMsg)
		return
	}
	s.regMsg.Hide()
	s.x.DataChanged()
	if s.in.ID == "" { // a new institution: show its page
		s.x.Back()
		s.x.Push(saved.Name, newInstitution(s.x, saved))
		return
	}
	s.in = saved
	s.Reload()
}

// saveCounts records the counts (and, when typed, the finances) as of the
// day given.
func (s *institutionScreen) saveCounts() {
	fail := func(msg string) { s.countMsg.SetText(msg); s.countMsg.Show() }
	day, ok := parseDateField(s.asOf)
	if !ok || day.IsZero() {
		fail(lang.L("desk.err.date_field", map[string]any{"Field": lang.L("desk.field.as_of")}))
		return
	}
	var n [3]int
	for i, e := range []*kit.NumericEntry{s.beds, s.residents, s.staff} {
		key := []string{"desk.field.beds", "desk.field.residents", "desk.field.staff"}[i]
		v, err := strconv.Atoi(strings.TrimSpace(model.HalfWidth(e.Text)))
		if err != nil || v < 0 {
			fail(lang.L("desk.err.number_min", map[string]any{"Field": lang.L(key), "Min": 0}))
			return
		}
		n[i] = v
	}
	var total, net int64
	withFin := mayReadFinances(s.x) && (strings.TrimSpace(s.total.Text) != "" || strings.TrimSpace(s.net.Text) != "")
	if withFin {
		var err error
		if total, _, err = model.ParseYuan(s.total.Text); err != nil || total < 0 {
			fail(lang.L("desk.err.yuan_field", map[string]any{"Field": lang.L("desk.field.total_assets_fen")}))
			return
		}
		if net, _, err = model.ParseYuan(s.net.Text); err != nil || net < 0 {
			fail(lang.L("desk.err.yuan_field", map[string]any{"Field": lang.L("desk.field.net_assets_fen")}))
			return
		}
		if net > total { // checked before anything is recorded
			fail(lang.L("desk.err.assets"))
			return
		}
	}
	o := office(s.x)
	if err := care.RecordCounts(s.x.Ctx(), o, s.in.ID, day, n[0], n[1], n[2]); err != nil {
		deskError(s.x, "desk.err.save", err, s.countMsg)
		return
	}
	if withFin {
		if err := care.RecordFinances(s.x.Ctx(), o, s.in.ID, day, total, net); err != nil {
			deskError(s.x, "desk.err.save", err, s.countMsg)
			return
		}
	}
	s.countMsg.Hide()
	for _, e := range []*kit.NumericEntry{s.beds, s.residents, s.staff, s.total, s.net} {
		e.SetText("")
	}
	s.x.DataChanged()
	s.Reload()
}
