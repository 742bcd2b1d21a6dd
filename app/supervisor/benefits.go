package supervisor

import (
	"doorstep/app/kit"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk"
	"doorstep/app/desk/history"
	"doorstep/schema"
	"doorstep/schema/rules"
)

// benefitHousehold is one household in the benefits list.
type benefitHousehold struct {
	ID, Head, Community, Status string
}

// benefitsScreen is the supervisor's view of the 低保 households' benefit
// history: pick a household, see its status and its entitlement periods
// (newest first), and suspend (暂停) or resume (恢复) its benefit from a
// date, with a reason.
type benefitsScreen struct {
	x      *kit.Env
	root   fyne.CanvasObject
	places *placeSelects
	search *widget.Entry
	all    []benefitHousehold
	shown  []benefitHousehold
	list   *widget.List
	cur    *benefitHousehold

	title   *widget.Label
	status  *widget.Label
	periods *fyne.Container
	actions *fyne.Container

	on      *widget.Entry
	reason  *codeChoice
	note    *widget.Entry
	suspend *widget.Button
	resume  *widget.Button
	msg     *widget.Label
	ready   bool
}

// NewBenefits returns the benefit history screen with suspend and resume.
func NewBenefits(x *kit.Env) kit.Screen {
	s := &benefitsScreen{x: x}
	s.places = newPlaceSelects(x, s.loadList)
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.L("desk.benefits.search"))
	s.search.OnChanged = func(string) { s.filter() }
	s.list = widget.NewList(func() int { return len(s.shown) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id >= 0 && id < len(s.shown) {
			h := s.shown[id]
			o.(*widget.Label).SetText(h.Head + " · " + h.Community + " · " + kit.Code("status", h.Status))
		}
	})
	s.list.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(s.shown) {
			h := s.shown[id]
			s.cur = &h
			s.showHousehold()
		}
	}
	s.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.periods = container.NewVBox()
	s.on = dateField(x, office(x).Today())
	s.reason = newCodeChoice("suspend_reason", schema.SuspendReasons, nil)
	s.reason.PlaceHolder = lang.L("desk.benefits.reason")
	s.note = widget.NewEntry()
	s.note.SetPlaceHolder(lang.L("desk.benefits.note"))
	s.suspend = widget.NewButton(lang.L("desk.benefits.suspend"), s.doSuspend)
	s.suspend.Importance = widget.WarningImportance
	s.resume = widget.NewButton(lang.L("desk.benefits.resume"), s.doResume)
	s.resume.Importance = widget.HighImportance
	s.msg = widget.NewLabel("")
	s.msg.Importance = widget.DangerImportance
	s.msg.Wrapping = fyne.TextWrapWord
	s.msg.Hide()
	form := widget.NewForm(
		widget.NewFormItem(lang.L("desk.benefits.on"), s.on),
		widget.NewFormItem(lang.L("desk.benefits.reason"), s.reason.Select),
		widget.NewFormItem(lang.L("desk.benefits.note"), s.note),
	)
	s.actions = container.NewVBox(form, s.msg, container.NewHBox(s.suspend, s.resume))
	s.actions.Hide()
	history := kit.Heading(lang.L("desk.benefits.history"))
	history.Wrapping = fyne.TextWrapWord // the detail column is narrow in portrait
	detail := kit.NewHeaderOver(container.NewVBox(s.title, s.status, s.actions, history), container.NewVScroll(s.periods))
	// The place choices scroll when taller than their share (large
	// text), so the list keeps room for its rows.
	left := kit.NewHeaderOver(container.NewVBox(s.places.object(), s.search), s.list)
	// Beside the list in landscape, under it in portrait, where the two
	// side by side run past the screen's edge at large text.
	// Stacked, the list takes the larger part: its place filters (two
	// rows at the largest text) must leave it rows to show.
	s.root = container.New(kit.SideBySideLayout{Offset: 0.38, StackedOffset: 0.6}, left, detail)
	return s
}

func (s *benefitsScreen) Content() fyne.CanvasObject { return s.root }

func (s *benefitsScreen) Reload() {
	if !s.ready {
		s.places.load()
		s.ready = true
	}
	s.loadList()
}

// loadList reads the area's households that have a benefit (or had one).
func (s *benefitsScreen) loadList() {
	o := office(s.x)
	cond, args := o.Filter("h.community_id", s.places.area())
	rows, err := o.DB.QueryContext(s.x.Ctx(), `SELECT h.id, coalesce(h.head_name,''), coalesce(c.name,''), coalesce(h.status,'')
		FROM households h JOIN communities c ON c.id = h.community_id
		WHERE h.deleted = 0 AND h.status IN ('active','suspended','cancelled')`+cond+`
		ORDER BY c.name, h.head_name, h.id`, args...)
	if err != nil {
		s.x.ShowError("desk.err.load", err)
		return
	}
	defer rows.Close()
	var all []benefitHousehold
	for rows.Next() {
		var h benefitHousehold
		if err := rows.Scan(&h.ID, &h.Head, &h.Community, &h.Status); err != nil {
			s.x.ShowError("desk.err.load", err)
			return
		}
		all = append(all, h)
	}
	if err := rows.Err(); err != nil {
		s.x.ShowError("desk.err.load", err)
		return
	}
	s.all = all
	s.filter()
	if s.cur != nil {
		for _, h := range all {
			if h.ID == s.cur.ID {
				s.cur = &h
			}
		}
		s.showHousehold()
	}
}

// filter shows the households whose head or community contains the search.
func (s *benefitsScreen) filter() {
	q := strings.TrimSpace(s.search.Text)
	s.shown = s.shown[:0]
	for _, h := range s.all {
		if q == "" || strings.Contains(h.Head, q) || strings.Contains(h.Community, q) {
			s.shown = append(s.shown, h)
		}
	}
	s.list.UnselectAll()
	s.list.Refresh()
}

// open shows household id (tests and other screens).
func (s *benefitsScreen) open(id string) bool {
	for _, h := range s.all {
		if h.ID == id {
			s.cur = &h
			s.showHousehold()
			return true
		}
	}
	return false
}

// showHousehold shows the chosen household's status and history.
func (s *benefitsScreen) showHousehold() {
	h := s.cur
	if h == nil {
		return
	}
	ps, err := history.Periods(s.x.Ctx(), office(s.x), h.ID)
	if err != nil {
		s.x.ShowError("desk.err.load", err)
		return
	}
	today := office(s.x).Today()
	s.title.SetText(h.Head + " · " + h.Community)
	status := h.Status
	if e, since, ok := rules.Current(ps, today); ok {
		status = e.Status
		s.status.SetText(lang.L("desk.benefits.status", map[string]any{"Status": kit.Code("status", e.Status),
			"Benefit": kit.Money(e.BenefitFen()), "People": e.Covered, "Since": since.Format(desk.DateLayout)}))
	} else {
		s.status.SetText(lang.L("desk.benefits.no_history", map[string]any{"Status": kit.Code("status", h.Status)}))
	}
	s.actions.Show()
	s.suspend.Enable()
	s.resume.Enable()
	if status != rules.EntitlementActive {
		s.suspend.Disable()
	}
	if status != rules.EntitlementSuspended {
		s.resume.Disable()
	}
	s.periods.Objects = nil
	if len(ps) == 0 {
		s.periods.Add(widget.NewLabel(lang.L("desk.benefits.empty")))
	}
	for i := len(ps) - 1; i >= 0; i-- {
		s.periods.Add(periodRow(ps[i]))
	}
	s.periods.Refresh()
}

// periodRow is one entitlement period as listed: what decided it, from
// when (and until when, when the decision set an end), and — for a paid
// period — the amounts and people.
func periodRow(e rules.Entitlement) fyne.CanvasObject {
	data := map[string]any{"Kind": kit.Code("entitlement_kind", e.Kind), "From": e.From.Format(desk.DateLayout),
		"Status": kit.Code("status", e.Status), "Base": kit.Money(e.BaseFen), "TopUp": kit.Money(e.TopUpFen),
		"Subsidy": kit.Money(e.SubsidyFen), "People": strconv.Itoa(e.Covered), "Decided": e.DecidedOn.Format(desk.DateLayout)}
	key := "desk.benefits.period_plain"
	if e.Status == rules.EntitlementActive {
		key = "desk.benefits.period"
	}
	text := lang.L(key, data)
	if !e.Until.IsZero() {
		text += " · " + lang.L("desk.benefits.period_until", map[string]any{"Until": e.Until.Format(desk.DateLayout)})
	}
	if e.Reason != "" {
		r := e.Reason
		if e.Kind == rules.KindSuspend {
			r = kit.Code("suspend_reason", e.Reason)
		} else if e.Kind == rules.KindCancel {
			r = kit.Code("cancel_reason", e.Reason)
		}
		text += "\n" + lang.L("desk.benefits.period_reason", map[string]any{"Reason": r})
	}
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return widget.NewCard("", "", l)
}

// day reads the action's date: a date, not after today. The message says
// what is wrong; nothing typed is cleared.
func (s *benefitsScreen) day() (t string, msg string) {
	d, ok := parseDateField(s.on)
	if !ok || d.IsZero() {
		return "", lang.L("desk.err.date_field", map[string]any{"Field": lang.L("desk.benefits.on")})
	}
	if d.After(office(s.x).Today()) {
		return "", lang.L("desk.err.date")
	}
	return d.Format(desk.DateLayout), ""
}

func (s *benefitsScreen) fail(msg string) {
	s.msg.SetText(msg)
	s.msg.Show()
}

// doSuspend suspends the household's benefit from the date, for the reason.
func (s *benefitsScreen) doSuspend() {
	if s.cur == nil {
		return
	}
	_, msg := s.day()
	if msg != "" {
		s.fail(msg)
		return
	}
	reason, note := s.reason.value(), strings.TrimSpace(s.note.Text)
	if reason == "" {
		s.fail(lang.L("desk.err.suspend_reason"))
		return
	}
	if reason == "other" && note == "" {
		s.fail(lang.L("desk.err.note_required"))
		return
	}
	on, _ := parseDateField(s.on)
	if _, err := history.Suspend(s.x.Ctx(), office(s.x), s.cur.ID, on, reason, note); err != nil {
		deskError(s.x, "desk.err.save", err, s.msg)
		return
	}
	s.done()
}

// doResume resumes the suspended benefit from the date; the note says why.
func (s *benefitsScreen) doResume() {
	if s.cur == nil {
		return
	}
	if _, msg := s.day(); msg != "" {
		s.fail(msg)
		return
	}
	note := strings.TrimSpace(s.note.Text)
	if note == "" {
		s.fail(lang.L("desk.err.note_required"))
		return
	}
	on, _ := parseDateField(s.on)
	if _, err := history.Resume(s.x.Ctx(), office(s.x), s.cur.ID, on, note); err != nil {
		deskError(s.x, "desk.err.save", err, s.msg)
		return
	}
	s.done()
}

// done refreshes after an action and clears the reason.
func (s *benefitsScreen) done() {
	s.msg.Hide()
	s.note.SetText("")
	s.reason.ClearSelected()
	s.x.DataChanged()
	s.loadList()
}
