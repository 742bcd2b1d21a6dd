package supervisor

import (
	"doorstep/app/kit"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk"
	"doorstep/app/desk/medical"
	"doorstep/app/desk/sheet"
	model "doorstep/app/forms"
	"doorstep/schema"
)

// medicalScreen is the medical-assistance register (医疗救助): the grants
// of a period and area (person, cause — sudden accident or serious
// illness —, date, amount), a form to record a new grant, and export.
// A grant typed wrong is corrected, or withdrawn when recorded in error,
// with a reason, each an audit event (medical_correct.go).
type medicalScreen struct {
	x      *kit.Env
	root   fyne.CanvasObject
	places *placeSelects
	from   *widget.Entry
	to     *widget.Entry
	cases  []medical.Case
	list   *fyne.Container
	total  *widget.Label

	// The new grant.
	community *widget.Select
	comms     []desk.Place
	person    *widget.Entry
	idNumber  *kit.NumericEntry
	category  *codeChoice
	cause     *codeChoice
	hospital  *widget.Entry
	cost      *kit.NumericEntry
	amount    *kit.NumericEntry
	granted   *widget.Entry
	note      *widget.Entry
	msg       *widget.Label
	ready     bool
	add       *widget.Button

	// Correcting an existing grant (medical_correct.go): its id ("" when
	// the form records a new grant), the reason, and the buttons.
	editing    string
	reason     *widget.Entry
	reasonItem *widget.FormItem
	correctBar *fyne.Container
	form       *widget.Form
	card       *widget.Card
}

// NewMedical returns the medical-assistance register screen.
func NewMedical(x *kit.Env) kit.Screen {
	s := &medicalScreen{x: x, list: container.NewVBox()}
	s.places = newPlaceSelects(x, s.load)
	today := office(x).Today()
	s.from = dateField(x, time.Date(today.Year(), time.January, 1, 0, 0, 0, 0, time.UTC))
	s.to = dateField(x, today)
	s.from.OnSubmitted = func(string) { s.load() }
	s.to.OnSubmitted = func(string) { s.load() }
	s.total = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.total.Wrapping = fyne.TextWrapWord
	show := widget.NewButton(lang.L("desk.medical.show"), s.load)
	export := exportButtons(x, "medical-assistance", func() []sheet.Sheet { return []sheet.Sheet{medical.Sheet(s.cases)} })

	s.community = widget.NewSelect(nil, nil)
	s.community.PlaceHolder = lang.L("desk.medical.community")
	s.person = widget.NewEntry()
	s.idNumber = kit.NewIDEntry()
	s.category = newCodeChoice("medical_category", schema.MedicalCategories, nil)
	s.cause = newCodeChoice("medical_cause", schema.MedicalCauses, nil)
	s.hospital = widget.NewEntry()
	s.cost = kit.NewNumericEntry()
	s.cost.SetPlaceHolder(lang.L("desk.medical.yuan_hint"))
	s.amount = kit.NewNumericEntry()
	s.amount.SetPlaceHolder(lang.L("desk.medical.yuan_hint"))
	s.granted = dateField(x, today)
	s.note = widget.NewEntry()
	s.msg = widget.NewLabel("")
	s.msg.Importance = widget.DangerImportance
	s.msg.Wrapping = fyne.TextWrapWord
	s.msg.Hide()
	s.add = widget.NewButton(lang.L("desk.medical.add"), s.record)
	s.add.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem(lang.L("desk.field.person_name"), s.person),
		widget.NewFormItem(lang.L("desk.col.id_number"), s.idNumber),
		widget.NewFormItem(lang.L("desk.medical.community"), s.community),
		widget.NewFormItem(lang.L("desk.field.category"), s.category.Select),
		widget.NewFormItem(lang.L("desk.field.cause"), s.cause.Select),
		widget.NewFormItem(lang.L("desk.field.hospital"), s.hospital),
		widget.NewFormItem(lang.L("desk.field.medical_cost_fen"), s.cost),
		widget.NewFormItem(lang.L("desk.field.amount_fen"), s.amount),
		widget.NewFormItem(lang.L("desk.field.granted_on"), s.granted),
		widget.NewFormItem(lang.L("desk.medical.note"), s.note),
	)
	s.form = form
	s.correction()
	s.card = kit.Section("desk.medical.new", container.NewVBox(form, s.msg, container.NewHBox(s.add), s.correctBar))
	period := container.NewBorder(nil, nil, widget.NewLabel(lang.L("desk.period")), show,
		container.NewGridWithColumns(2, s.from, s.to))
	top := container.NewVBox(s.places.object(), period, kit.NewTrailing(s.total, export))
	// The filters and total scroll when taller than their share (large
	// text), so the register keeps room for its rows.
	register := kit.NewHeaderOver(top, container.NewVScroll(s.list))
	// Beside the register in landscape, under it in portrait.
	s.root = kit.NewSideBySide(0.58, register, container.NewVScroll(s.card))
	return s
}

func (s *medicalScreen) Content() fyne.CanvasObject { return s.root }

func (s *medicalScreen) Reload() {
	if !s.ready {
		s.places.load()
		comms, err := office(s.x).Communities(s.x.Ctx(), "")
		if err != nil {
			s.x.ShowError("desk.err.load", err)
			return
		}
		s.comms = comms
		opts := make([]string, len(comms))
		for i, c := range comms {
			opts[i] = c.Name
		}
		s.community.Options = opts
		if len(comms) == 1 {
			s.community.SetSelectedIndex(0)
		}
		s.ready = true
	}
	s.load()
}

// load lists the grants of the chosen period and area.
func (s *medicalScreen) load() {
	from, ok1 := parseDateField(s.from)
	to, ok2 := parseDateField(s.to)
	if !ok1 || !ok2 {
		kit.ShowErrorDialog(s.x.Win, lang.L("desk.err.load"), errors.New(lang.L("desk.err.period")))
		return
	}
	cs, err := medical.List(s.x.Ctx(), office(s.x), s.places.area(), desk.Period{From: from, To: to})
	if err != nil {
		s.x.ShowError("desk.err.load", err)
		return
	}
	s.cases = cs
	s.list.Objects = nil
	var sum int64
	for i := len(cs) - 1; i >= 0; i-- { // newest first
		c := cs[i]
		sum += c.AmountFen
		text := strings.Join([]string{c.GrantedOn.Format(desk.DateLayout), c.Person, c.Community,
			kit.Code("medical_category", c.Category), kit.Code("medical_cause", c.Cause), kit.Money(c.AmountFen)}, " · ")
		if c.Hospital != "" {
			text += "\n" + c.Hospital
		}
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		fix := widget.NewButton(lang.L("desk.medical.correct"), func() { s.startCorrect(c) })
		s.list.Add(container.NewBorder(nil, nil, nil, fix, l))
	}
	if len(cs) == 0 {
		s.list.Add(widget.NewLabel(lang.L("desk.medical.none")))
	}
	s.total.SetText(lang.L("desk.medical.total", map[string]any{"Count": len(cs), "Amount": kit.Money(sum)}))
	s.list.Refresh()
}

// input reads the new grant; a message says what is wrong. The desk
// refuses the rest (person, ID number, category, cause, amount, date).
func (s *medicalScreen) input() (medical.Case, string) {
	c := medical.Case{Person: s.person.Text, IDNumber: s.idNumber.Text, Category: s.category.value(),
		Cause: s.cause.value(), Hospital: s.hospital.Text, Note: strings.TrimSpace(s.note.Text)}
	if i := s.community.SelectedIndex(); i >= 0 && i < len(s.comms) {
		c.CommunityID = s.comms[i].ID
	}
	yuan := func(e *widget.Entry, key string) (int64, string) {
		fen, _, err := model.ParseYuan(e.Text)
		if err != nil || fen < 0 {
			return 0, lang.L("desk.err.yuan_field", map[string]any{"Field": lang.L(key)})
		}
		return fen, ""
	}
	var msg string
	if c.MedicalCostFen, msg = yuan(&s.cost.Entry, "desk.field.medical_cost_fen"); msg != "" {
		return c, msg
	}
	if c.AmountFen, msg = yuan(&s.amount.Entry, "desk.field.amount_fen"); msg != "" {
		return c, msg
	}
	d, ok := parseDateField(s.granted)
	if !ok {
		return c, lang.L("desk.err.date_field", map[string]any{"Field": lang.L("desk.field.granted_on")})
	}
	c.GrantedOn = d
	return c, ""
}

// record records the new grant and clears the form.
func (s *medicalScreen) record() {
	c, msg := s.input()
	if msg != "" {
		s.msg.SetText(msg)
		s.msg.Show()
		return
	}
	if _, err := medical.Record(s.x.Ctx(), office(s.x), c); err != nil {
		deskError(s.x, "desk.err.save", err, s.msg)
		return
	}
	s.msg.Hide()
	s.x.DataChanged()
	s.clearForm()
	s.load()
}

// clearForm empties the grant's fields.
func (s *medicalScreen) clearForm() {
	for _, e := range []*widget.Entry{s.person, &s.idNumber.Entry, s.hospital, &s.cost.Entry, &s.amount.Entry, s.note} {
		e.SetText("")
	}
	s.category.ClearSelected()
	s.cause.ClearSelected()
}
