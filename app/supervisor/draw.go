package supervisor

import (
	"doorstep/app/kit"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk"
	"doorstep/app/desk/draw"
	"doorstep/app/desk/sheet"
	model "doorstep/app/forms"
)

// drawScreen is the spot-check draw (抽查): choose streets, a rate or a
// count, stratification and risk weighting, preview the sample with its
// inspectors, save it; and the batches drawn so far, their audit and
// results.
type drawScreen struct {
	x    *kit.Env
	root fyne.CanvasObject

	streets     *widget.CheckGroup
	streetList  []desk.Place
	byCount     *widget.RadioGroup
	size        *kit.NumericEntry
	stratify    *widget.Check
	weighted    *widget.Check
	weight      *kit.NumericEntry
	inspectors  *kit.NumericEntry
	unannounced *widget.Check
	planned     *widget.Entry
	seed        *kit.NumericEntry
	note        *widget.Entry
	msg         *widget.Label
	preview     *fyne.Container
	save        *widget.Button
	draws       []draw.Draw
	batchBox    *fyne.Container
	batches     []draw.Batch
	ready       bool
}

// NewDraw returns the spot-check draw screen: plan a draw, preview it,
// save it and verify saved batches.
func NewDraw(x *kit.Env) kit.Screen {
	s := &drawScreen{x: x}
	cfg := x.DistrictConfig().Process
	s.streets = widget.NewCheckGroup(nil, nil)
	s.streets.Horizontal = true
	s.byCount = widget.NewRadioGroup([]string{lang.L("desk.draw.rate"), lang.L("desk.draw.count")}, nil)
	s.byCount.Horizontal = true
	s.byCount.SetSelected(lang.L("desk.draw.rate"))
	s.size = kit.NewNumericEntry()
	s.size.SetText(strconv.Itoa(cfg.SpotCheckRatePercent))
	var stratify fyne.CanvasObject // its text wraps in a narrow form column
	s.stratify, stratify = kit.NewWrapCheck(lang.L("desk.draw.stratify"), nil)
	s.stratify.SetChecked(true)
	var weighted fyne.CanvasObject
	s.weighted, weighted = kit.NewWrapCheck(lang.L("desk.draw.weighted"), nil)
	s.weight = kit.NewNumericEntry()
	s.weight.SetText("3")
	s.inspectors = kit.NewNumericEntry()
	s.inspectors.SetText(strconv.Itoa(cfg.MinSpotCheckInspectors))
	s.unannounced = widget.NewCheck(lang.L("desk.draw.unannounced"), nil)
	s.unannounced.SetChecked(true)
	s.planned = dateField(x, office(x).Today().AddDate(0, 0, 7))
	s.seed = kit.NewNumericEntry()
	// A fresh seed from the clock's milliseconds; the supervisor may type
	// one, and it is stored with the batch either way.
	s.seed.SetText(strconv.FormatInt(x.Now().UnixMilli()%1_000_000_007, 10))
	s.note = widget.NewEntry()
	s.note.SetPlaceHolder(lang.L("desk.draw.note"))
	s.msg = widget.NewLabel("")
	s.msg.Importance = widget.DangerImportance
	s.msg.Wrapping = fyne.TextWrapWord
	s.msg.Hide()
	s.preview = container.NewVBox()
	drawBtn := widget.NewButton(lang.L("desk.draw.preview"), s.doPreview)
	s.save = widget.NewButton(lang.L("desk.draw.save"), s.doSave)
	s.save.Importance = widget.HighImportance
	s.save.Disable()
	form := widget.NewForm(
		widget.NewFormItem(lang.L("desk.draw.streets"), s.streets),
		widget.NewFormItem(lang.L("desk.draw.size"), kit.NewTrailing(s.byCount, s.size)),
		widget.NewFormItem(lang.L("desk.draw.options"), container.NewVBox(stratify, s.unannounced)),
		widget.NewFormItem(lang.L("desk.draw.risk"), kit.NewTrailing(weighted, s.weight)),
		widget.NewFormItem(lang.L("desk.draw.inspectors"), s.inspectors),
		widget.NewFormItem(lang.L("desk.draw.planned_on"), s.planned),
		widget.NewFormItem(lang.L("desk.draw.seed"), s.seed),
		widget.NewFormItem(lang.L("desk.draw.note"), s.note),
	)
	newTab := container.NewBorder(container.NewVBox(form, s.msg, container.NewHBox(drawBtn, s.save)), nil, nil, nil,
		container.NewVScroll(s.preview))
	s.batchBox = container.NewVBox()
	batchTab := container.NewBorder(container.NewHBox(exportButtons(x, "batches", func() []sheet.Sheet {
		return []sheet.Sheet{draw.BatchesSheet(s.batches, office(x).Location())}
	})), nil, nil, nil, container.NewVScroll(s.batchBox))
	s.root = container.NewAppTabs(
		container.NewTabItem(lang.L("desk.draw.tab.new"), newTab),
		container.NewTabItem(lang.L("desk.draw.tab.batches"), batchTab),
	)
	return s
}

func (s *drawScreen) Content() fyne.CanvasObject { return s.root }

func (s *drawScreen) Reload() {
	if !s.ready {
		streets, err := office(s.x).Streets(s.x.Ctx())
		if err != nil {
			s.x.ShowError("desk.err.load", err)
			return
		}
		s.streetList = streets
		names := make([]string, len(streets))
		for i, st := range streets {
			names[i] = st.Name
		}
		s.streets.Options = names
		if len(streets) == 1 {
			s.streets.Selected = names
		}
		s.streets.Refresh()
		s.ready = true
	}
	s.loadBatches()
}

// plan reads the form; ok is false when a number or date is malformed.
// plan reads the form. When a field is not what it must be, it returns
// the message saying which and why, and the field keeps what was typed.
func (s *drawScreen) plan() (draw.Plan, string) {
	p := draw.Plan{Stratify: s.stratify.Checked, Unannounced: s.unannounced.Checked, Note: strings.TrimSpace(s.note.Text)}
	for _, name := range s.streets.Selected {
		for _, st := range s.streetList {
			if st.Name == name {
				p.Streets = append(p.Streets, st.ID)
			}
		}
	}
	// num reads a whole number of at least low (and at most high when
	// high > 0) typed in the field labelled by key.
	num := func(e *kit.NumericEntry, key string, low, high int) (int, string) {
		n, err := strconv.Atoi(strings.TrimSpace(model.HalfWidth(e.Text)))
		if err != nil || n < low || high > 0 && n > high {
			data := map[string]any{"Field": lang.L(key), "Min": low, "Max": high}
			if high > 0 {
				return 0, lang.L("desk.err.number_range", data)
			}
			return 0, lang.L("desk.err.number_min", data)
		}
		return n, ""
	}
	var msg string
	if s.byCount.Selected == lang.L("desk.draw.count") {
		if p.Count, msg = num(s.size, "desk.draw.count", 1, 0); msg != "" {
			return p, msg
		}
	} else if p.RatePct, msg = num(s.size, "desk.draw.rate", 1, 100); msg != "" {
		return p, msg
	}
	if s.weighted.Checked {
		if p.RiskWeight, msg = num(s.weight, "desk.draw.risk", 1, 0); msg != "" {
			return p, msg
		}
	}
	if p.Inspectors, msg = num(s.inspectors, "desk.draw.inspectors", 1, 0); msg != "" {
		return p, msg
	}
	var ok bool
	if p.PlannedOn, ok = parseDateField(s.planned); !ok {
		return p, lang.L("desk.err.date_field", map[string]any{"Field": lang.L("desk.draw.planned_on")})
	}
	seed, err := strconv.ParseInt(strings.TrimSpace(model.HalfWidth(s.seed.Text)), 10, 64)
	if err != nil {
		return p, lang.L("desk.err.number_min", map[string]any{"Field": lang.L("desk.draw.seed"), "Min": 0})
	}
	p.Seed = seed
	return p, ""
}

// doPreview draws the sample without saving it.
func (s *drawScreen) doPreview() {
	s.save.Disable()
	s.draws = nil
	p, msg := s.plan()
	if msg != "" {
		s.msg.SetText(msg)
		s.msg.Show()
		return
	}
	o := office(s.x)
	// A count is per street: more than a street has to draw is a mistake,
	// not a wish for all of them.
	for _, street := range p.Streets {
		if p.Count == 0 {
			break
		}
		pop, err := draw.Population(s.x.Ctx(), o, street, o.Today())
		if err != nil {
			deskError(s.x, "desk.err.load", err, s.msg)
			return
		}
		if len(pop) < p.Count {
			s.countOver(street, p.Count, len(pop))
			return
		}
	}
	ds, err := draw.Preview(s.x.Ctx(), o, p)
	if err != nil {
		deskError(s.x, "desk.err.load", err, s.msg)
		return
	}
	for _, d := range ds { // households with a check still open are not drawn
		if p.Count > 0 && d.Population-d.Skipped < p.Count {
			s.countOver(d.StreetID, p.Count, d.Population-d.Skipped)
			return
		}
	}
	s.msg.Hide()
	s.draws = ds
	s.showPreview()
	s.save.Enable()
}

func (s *drawScreen) showPreview() {
	names, _ := office(s.x).Staff(s.x.Ctx())
	streets := map[string]string{}
	for _, st := range s.streetList {
		streets[st.ID] = st.Name
	}
	s.preview.Objects = nil
	for _, d := range s.draws {
		s.preview.Add(kit.Heading(lang.L("desk.draw.drawn", map[string]any{"Street": streets[d.StreetID],
			"Count": len(d.Checks), "Of": d.Population, "Seed": d.Seed})))
		if d.Skipped > 0 {
			s.preview.Add(caption(lang.L("desk.draw.skipped", map[string]any{"Count": d.Skipped})))
		}
		for _, c := range d.Checks {
			s.preview.Add(s.checkRow(c, names))
		}
	}
	s.preview.Refresh()
}

func (s *drawScreen) checkRow(c draw.Check, names map[string]string) fyne.CanvasObject {
	ins := make([]string, len(c.InspectorIDs))
	for i, id := range c.InspectorIDs {
		ins[i] = staffName(names, id)
	}
	text := strings.Join([]string{c.Head, c.Community,
		lang.L("desk.draw.caseworker", map[string]any{"Name": staffName(names, c.CaseworkerID)}),
		lang.L("desk.draw.inspected_by", map[string]any{"Names": strings.Join(ins, lang.L("list.separator"))})}, " · ")
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	risks := container.NewHBox()
	for _, r := range c.Risks {
		risks.Add(badge(lang.L("desk.risk."+r), widget.WarningImportance))
	}
	return container.NewBorder(nil, nil, nil, risks, l)
}

// doSave stores the previewed draw.
func (s *drawScreen) doSave() {
	if len(s.draws) == 0 {
		return
	}
	if err := draw.Save(s.x.Ctx(), office(s.x), s.draws); err != nil {
		s.x.ShowError("desk.err.save", err)
		return
	}
	n := 0
	for _, d := range s.draws {
		n += len(d.Checks)
	}
	s.draws = nil
	s.save.Disable()
	s.preview.Objects = nil
	s.preview.Refresh()
	s.x.DataChanged()
	s.loadBatches()
	dialog.ShowInformation(lang.L("desk.draw.saved"), lang.L("desk.draw.saved_text", map[string]any{"Count": n}), s.x.Win)
}

// loadBatches lists the batches drawn so far.
func (s *drawScreen) loadBatches() {
	bs, err := draw.Batches(s.x.Ctx(), office(s.x), "")
	if err != nil {
		s.x.ShowError("desk.err.load", err)
		return
	}
	s.batches = bs
	s.batchBox.Objects = nil
	if len(bs) == 0 {
		s.batchBox.Add(widget.NewLabel(lang.L("desk.draw.no_batches")))
	}
	for _, b := range bs {
		text := lang.L("desk.draw.batch", map[string]any{"Street": b.Street, "Date": localTime(b.DrawnAt),
			"Method": lang.L("desk.draw.method." + b.Method), "Seed": b.Seed, "Size": b.SampleSize, "Done": b.Done,
			"By": b.DrawnBy, "AsOf": b.AsOf()})
		if b.Unannounced() {
			text += " · " + lang.L("desk.draw.unannounced")
		}
		if b.Note != "" {
			text += "\n" + b.Note
		}
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		id, title := b.ID, b.Street+" · "+localTime(b.DrawnAt)
		verify := widget.NewButton(lang.L("desk.draw.verify"), func() { s.verify(id) })
		results := widget.NewButton(lang.L("desk.draw.results"), func() {
			s.x.Push(title, newDrawResultsScreen(s.x, id))
		})
		s.batchBox.Add(widget.NewCard("", "", container.NewBorder(nil, nil, nil, container.NewHBox(verify, results), l)))
	}
	s.batchBox.Refresh()
}

// verify redraws a batch from its seed and says whether it matches.
func (s *drawScreen) verify(id string) {
	v, err := draw.Verify(s.x.Ctx(), office(s.x), id)
	if err != nil {
		s.x.ShowError("desk.err.load", err)
		return
	}
	text := lang.L("desk.draw.verify_same")
	if !v.Same {
		text = lang.L("desk.draw.verify_differs", map[string]any{"Missing": len(v.Missing), "Extra": len(v.Extra)})
	}
	if len(v.Reassigned) > 0 {
		text += "\n" + lang.L("desk.draw.verify_reassigned", map[string]any{"Count": len(v.Reassigned)})
	}
	dialog.ShowInformation(lang.L("desk.draw.verify"), text, s.x.Win)
}

// drawResultsScreen lists a batch's checks compared with the households'
// last approved data.
type drawResultsScreen struct {
	x       *kit.Env
	batchID string
	box     *fyne.Container
	root    fyne.CanvasObject
	results []draw.Result
}

func newDrawResultsScreen(x *kit.Env, batchID string) *drawResultsScreen {
	s := &drawResultsScreen{x: x, batchID: batchID, box: container.NewVBox()}
	s.root = container.NewBorder(container.NewHBox(exportButtons(x, "spot-checks", func() []sheet.Sheet {
		return []sheet.Sheet{draw.ResultsSheet(s.results, office(x).Location())}
	})), nil, nil, nil, container.NewVScroll(s.box))
	return s
}

func (s *drawResultsScreen) Content() fyne.CanvasObject { return s.root }

func (s *drawResultsScreen) Reload() {
	rs, err := draw.Results(s.x.Ctx(), office(s.x), s.batchID)
	if err != nil {
		s.x.ShowError("desk.err.load", err)
		return
	}
	s.results = rs
	s.box.Objects = nil
	for _, r := range rs {
		lines := []string{strings.Join([]string{r.Head, r.Community,
			lang.L("desk.draw.inspected_by", map[string]any{"Names": strings.Join(r.Inspectors, lang.L("list.separator"))})}, " · ")}
		status := badge(lang.L("desk.draw.pending"), widget.MediumImportance)
		if r.Done {
			status = badge(lang.L("desk.draw.done"), widget.SuccessImportance)
			outcome := lang.L("desk.draw.outcome", map[string]any{"Outcome": kit.Code("spot_outcome", r.Outcome),
				"Date": localTime(r.CheckedAt)})
			if r.Suggested != "" && r.Suggested != r.Outcome {
				outcome += " " + lang.L("desk.draw.suggested", map[string]any{"Outcome": kit.Code("spot_outcome", r.Suggested)})
			}
			lines = append(lines, outcome)
			if len(r.Discrepancies) == 0 {
				lines = append(lines, lang.L("desk.draw.matches"))
			}
			for _, d := range r.Discrepancies {
				lines = append(lines, "• "+lang.L(d.Key, d.Args))
			}
		}
		l := widget.NewLabel(strings.Join(lines, "\n"))
		l.Wrapping = fyne.TextWrapWord
		if len(r.Discrepancies) > 0 {
			l.Importance = widget.WarningImportance
		}
		s.box.Add(widget.NewCard("", "", container.NewBorder(nil, nil, nil, status, l)))
	}
	s.box.Refresh()
}

// streetName is the name of street id among the supervisor's streets.
func (s *drawScreen) streetName(id string) string {
	for _, st := range s.streetList {
		if st.ID == id {
			return st.Name
		}
	}
	return id
}

// countOver says a street has fewer households to draw than the count.
func (s *drawScreen) countOver(street string, count, available int) {
	s.msg.SetText(lang.L("desk.err.count_over", map[string]any{"Count": count,
		"Street": s.streetName(street), "Available": available}))
	s.msg.Show()
}
