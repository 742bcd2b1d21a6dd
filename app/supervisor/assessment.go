package supervisor

import (
	"doorstep/app/kit"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk/care"
	model "doorstep/app/forms"
	"doorstep/schema/district"
)

// assessmentScreen is the institution assessment visit (以奖代补考核) a
// supervisor does on the tablet: the district's standard (categories and
// their items, from the district config), a score per item, the running
// total and the award band and award it earns, saved through care.Assess.
type assessmentScreen struct {
	x   *kit.Env
	in  care.Institution
	std district.Assessment

	root      fyne.CanvasObject
	half      *widget.Entry
	on        *widget.Entry
	assessors *widget.Entry
	note      *widget.Entry
	scores    map[string]*widget.Entry // by item key
	result    *widget.Label
	msg       *widget.Label
	save      *widget.Button
	// opened is when the page was opened: the assessment's evidence
	// entry carries it.
	opened time.Time
}

// halfOf names the half year holding day: "2025H1" or "2025H2".
func halfOf(day time.Time) string {
	h := 1
	if day.Month() >= time.July {
		h = 2
	}
	return fmt.Sprintf("%dH%d", day.Year(), h)
}

// newAssessment returns the assessment page of institution in.
func newAssessment(x *kit.Env, in care.Institution) *assessmentScreen {
	o := office(x)
	s := &assessmentScreen{x: x, in: in, std: care.Standard(o), scores: map[string]*widget.Entry{}, opened: x.Now()}
	s.half = widget.NewEntry()
	s.half.SetText(halfOf(o.Today()))
	s.on = dateField(x, o.Today())
	s.assessors = widget.NewEntry()
	s.assessors.SetText(x.Me.UserName)
	s.assessors.SetPlaceHolder(lang.L("desk.assess.assessors_hint"))
	s.note = widget.NewEntry()
	s.result = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.result.Wrapping = fyne.TextWrapWord
	s.msg = widget.NewLabel("")
	s.msg.Importance = widget.DangerImportance
	s.msg.Wrapping = fyne.TextWrapWord
	s.msg.Hide()
	s.save = widget.NewButton(lang.L("desk.assess.save"), s.submit)
	s.save.Importance = widget.HighImportance
	head := widget.NewForm(
		widget.NewFormItem(lang.L("desk.field.half"), s.half),
		widget.NewFormItem(lang.L("desk.field.assessed_on"), s.on),
		widget.NewFormItem(lang.L("desk.field.assessors"), s.assessors),
		widget.NewFormItem(lang.L("desk.assess.note"), s.note),
	)
	zh := kit.CurrentLanguage() == kit.LangZhCN
	name := func(zhName, enName string) string {
		if zh || enName == "" {
			return zhName
		}
		return enName
	}
	parts := []fyne.CanvasObject{head}
	for _, c := range s.std.Categories {
		var items []*widget.FormItem
		catMax := 0
		for _, it := range c.Items {
			n := kit.NewNumericEntry() // a score: the number keyboard
			e := &n.Entry
			e.SetPlaceHolder(lang.L("desk.assess.max", map[string]any{"Max": it.Max}))
			e.OnChanged = func(string) { s.recount() }
			s.scores[it.Key] = e
			catMax += it.Max
			items = append(items, widget.NewFormItem(name(it.NameZh, it.NameEn), n))
		}
		title := lang.L("desk.assess.category", map[string]any{"Name": name(c.NameZh, c.NameEn), "Max": catMax})
		parts = append(parts, widget.NewCard(title, "", widget.NewForm(items...)))
	}
	s.root = container.NewBorder(nil, container.NewVBox(s.result, s.msg, container.NewHBox(s.save)), nil, nil,
		container.NewVScroll(container.NewVBox(parts...)))
	s.recount()
	return s
}

func (s *assessmentScreen) Content() fyne.CanvasObject { return s.root }

// Reload has nothing to re-read: the standard is the district's and the
// scores are what the supervisor types.
func (s *assessmentScreen) Reload() {}

// read returns the scores typed; bad names the first item whose score is
// not a whole number from 0 to its maximum ("" when all are fine);
// missing counts the items not scored yet.
func (s *assessmentScreen) read() (scores map[string]int, total int, bad string, missing int) {
	scores = map[string]int{}
	for _, c := range s.std.Categories {
		for _, it := range c.Items {
			t := strings.TrimSpace(model.HalfWidth(s.scores[it.Key].Text))
			if t == "" {
				missing++
				continue
			}
			n, err := strconv.Atoi(t)
			if err != nil || n < 0 || n > it.Max {
				if bad == "" {
					bad = lang.L("desk.assess.bad_score", map[string]any{"Item": it.NameZh, "Max": it.Max})
					if kit.CurrentLanguage() != kit.LangZhCN && it.NameEn != "" {
						bad = lang.L("desk.assess.bad_score", map[string]any{"Item": it.NameEn, "Max": it.Max})
					}
				}
				continue
			}
			scores[it.Key] = n
			total += n
		}
	}
	return scores, total, bad, missing
}

// band returns the band and award a total earns for this institution.
func (s *assessmentScreen) band(total int) (key string, awardFen int64) {
	b, ok := s.std.Band(total)
	if !ok {
		return "", 0
	}
	if s.std.PrivateOnly && s.in.Ownership != "private" {
		return b.Key, 0
	}
	return b.Key, b.AwardFen
}

// recount shows the running total and the band it earns.
func (s *assessmentScreen) recount() {
	_, total, bad, missing := s.read()
	key, award := s.band(total)
	band := lang.L("desk.inst.no_band")
	if key != "" {
		band = kit.Code("award_band", key)
	}
	s.result.SetText(lang.L("desk.assess.result", map[string]any{"Total": total, "Max": s.std.MaxScore(),
		"Band": band, "Award": kit.Money(award), "Missing": missing}))
	if bad != "" {
		s.msg.SetText(bad)
		s.msg.Show()
	} else {
		s.msg.Hide()
	}
}

// submit records the assessment.
func (s *assessmentScreen) submit() {
	scores, _, bad, missing := s.read()
	fail := func(msg string) { s.msg.SetText(msg); s.msg.Show() }
	if bad != "" {
		fail(bad)
		return
	}
	if missing > 0 {
		fail(lang.L("desk.err.score"))
		return
	}
	on, ok := parseDateField(s.on)
	if !ok {
		fail(lang.L("desk.err.date_field", map[string]any{"Field": lang.L("desk.field.assessed_on")}))
		return
	}
	a := care.Assessment{InstitutionID: s.in.ID, CommunityID: s.in.CommunityID, Half: strings.ToUpper(strings.TrimSpace(s.half.Text)),
		AssessedOn: on, Scores: scores, Note: strings.TrimSpace(s.note.Text), OpenedAt: s.opened,
		Assessors: strings.FieldsFunc(s.assessors.Text, func(r rune) bool { return r == ',' || r == '，' || r == '、' })}
	saved, err := care.Assess(s.x.Ctx(), office(s.x), a)
	if err != nil {
		deskError(s.x, "desk.err.save", err, s.msg)
		return
	}
	s.msg.Hide()
	s.save.Disable()
	s.x.DataChanged()
	dialog.ShowInformation(lang.L("desk.assess.saved"), assessmentLine(saved), s.x.Win)
}
