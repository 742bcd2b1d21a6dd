package supervisor

import (
	"doorstep/app/kit"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk"
	"doorstep/app/desk/meeting"
	"doorstep/app/desk/sheet"
	model "doorstep/app/forms"
	"doorstep/schema"
)

// meetingScreen is collective approval (会议集中审批): the reviewed cases
// waiting for a decision, a meeting's attendees and per-case votes, the
// public notices (公示) the decisions start, and the past meetings.
type meetingScreen struct {
	x    *kit.Env
	root fyne.CanvasObject
	tabs *container.AppTabs

	// New meeting.
	street     *widget.Select
	streets    []desk.Place
	heldOn     *widget.Entry
	noticeDays *kit.NumericEntry
	noticeFrom *widget.Entry
	note       *widget.Entry
	attendees  *fyne.Container // a check per staff member who may attend
	width      float32         // the New meeting tab's width (attendees wrap to it)
	present    []*widget.Check
	others     *widget.Entry
	staff      []desk.Place
	caseBox    *fyne.Container
	cases      []*caseRow
	msg        *widget.Label

	// Notices and meetings.
	endedOnly   *widget.Check
	noticeBox   *fyne.Container
	notices     []meeting.Notice
	meetingsBox *fyne.Container
	ready       bool
}

// caseRow is one case's line in a new meeting.
type caseRow struct {
	c        meeting.Case
	include  *widget.Check
	decision *widget.Select
	votes    [3]*kit.NumericEntry // for, against, abstain
	// amount and reason are asked when the meeting approves a household
	// the means test found ineligible: the monthly amount (pre-filled with
	// the difference-method amount) and why.
	amount  *kit.NumericEntry
	reason  *widget.Entry
	against *fyne.Container
}

// approvesAgainst reports whether the row approves a household the means
// test found ineligible.
func (r *caseRow) approvesAgainst() bool {
	return !r.c.Eligible && kit.CodeValue("meeting_decision", r.decision.Selected) == meeting.DecideApprove
}

// showAgainst shows the amount and reason when the row approves against
// the means test.
func (r *caseRow) showAgainst() {
	if r.approvesAgainst() {
		r.against.Show()
	} else {
		r.against.Hide()
	}
}

// NewMeeting returns the review meeting screen: hold a meeting on the
// approved cases, then post and apply their public notices.
func NewMeeting(x *kit.Env) kit.Screen {
	s := &meetingScreen{x: x}
	s.street = widget.NewSelect(nil, func(string) { s.loadCases() })
	s.street.PlaceHolder = lang.L("desk.meeting.street")
	s.heldOn = dateField(x, office(x).Today())
	s.noticeDays = kit.NewNumericEntry()
	s.noticeDays.SetText(strconv.Itoa(x.DistrictConfig().Process.PublicNoticeDays))
	s.noticeFrom = dateField(x, time.Time{})
	s.noticeFrom.SetPlaceHolder(lang.L("desk.meeting.notice_from_hint"))
	s.note = widget.NewEntry()
	s.note.SetPlaceHolder(lang.L("desk.meeting.note"))
	// The attendees wrap to the width of the form's input column: the tab's
	// width (widthSpy, below) less the form's labels.
	attendeeGrid := &kit.FlowGrid{MinCell: 120, Width: &s.width}
	s.attendees = container.New(attendeeGrid)
	s.others = widget.NewEntry()
	s.others.SetPlaceHolder(lang.L("desk.meeting.others"))
	s.caseBox = container.NewVBox()
	s.msg = widget.NewLabel("")
	s.msg.Importance = widget.DangerImportance
	s.msg.Wrapping = fyne.TextWrapWord
	s.msg.Hide()
	hold := widget.NewButton(lang.L("desk.meeting.hold"), s.hold)
	hold.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem(lang.L("desk.meeting.street"), s.street),
		widget.NewFormItem(lang.L("desk.meeting.held_on"), s.heldOn),
		widget.NewFormItem(lang.L("desk.meeting.notice_days"), kit.NewGrid(2, s.noticeDays, kit.FitHint(s.noticeFrom))),
		widget.NewFormItem(lang.L("desk.meeting.attendees"), container.NewVBox(s.attendees, s.others)),
		widget.NewFormItem(lang.L("desk.meeting.note"), s.note),
	)
	export := exportButtons(x, "cases", func() []sheet.Sheet {
		cs := make([]meeting.Case, len(s.cases))
		for i, r := range s.cases {
			cs[i] = r.c
		}
		return []sheet.Sheet{meeting.CasesSheet(cs)}
	})
	var labels float32
	for _, it := range form.Items {
		labels = fyne.Max(labels, widget.NewLabelWithStyle(it.Text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}).MinSize().Width)
	}
	attendeeGrid.Inset = labels + 4*theme.Padding()
	// The form and the cases scroll together: on a landscape tablet the
	// form alone fills the screen.
	newTab := container.New(kit.WidthSpy{Width: &s.width}, container.NewBorder(nil,
		container.NewVBox(s.msg, container.NewHBox(hold)), nil, nil,
		container.NewVScroll(container.NewVBox(form,
			kit.NewTrailing(kit.WrapHeading(lang.L("desk.meeting.cases")), export), s.caseBox))))

	s.endedOnly = widget.NewCheck(lang.L("desk.meeting.ended_only"), func(bool) { s.loadNotices() })
	s.noticeBox = container.NewVBox()
	noticeTab := container.NewBorder(container.NewBorder(nil, nil, nil,
		exportButtons(x, "notice", func() []sheet.Sheet { return []sheet.Sheet{meeting.NoticeSheet(s.notices)} }), s.endedOnly),
		nil, nil, nil, container.NewVScroll(s.noticeBox))

	s.meetingsBox = container.NewVBox()
	s.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("desk.meeting.tab.new"), newTab),
		container.NewTabItem(lang.L("desk.meeting.tab.notices"), noticeTab),
		container.NewTabItem(lang.L("desk.meeting.tab.meetings"), container.NewVScroll(s.meetingsBox)),
	)
	s.root = s.tabs
	return s
}

func (s *meetingScreen) Content() fyne.CanvasObject { return s.root }

func (s *meetingScreen) Reload() {
	if !s.ready {
		streets, err := office(s.x).Streets(s.x.Ctx())
		if err != nil {
			s.x.ShowError("desk.err.load", err)
			return
		}
		s.streets = streets
		opts := make([]string, len(streets))
		for i, st := range streets {
			opts[i] = st.Name
		}
		s.street.Options = opts
		s.ready = true
		if len(streets) > 0 {
			s.street.SetSelectedIndex(0) // loads the cases
		}
	} else {
		s.loadCases()
	}
	s.loadNotices()
	s.loadMeetings()
}

func (s *meetingScreen) streetID() string {
	if i := s.street.SelectedIndex(); i >= 0 && i < len(s.streets) {
		return s.streets[i].ID
	}
	return ""
}

// loadCases lists the chosen street's cases and who may attend.
func (s *meetingScreen) loadCases() {
	o, street := office(s.x), s.streetID()
	cs, err := meeting.Cases(s.x.Ctx(), o, desk.Area{StreetID: street})
	if err == nil {
		s.staff, err = meeting.Staff(s.x.Ctx(), o, street)
	}
	if err != nil {
		s.x.ShowError("desk.err.load", err)
		return
	}
	s.present = make([]*widget.Check, len(s.staff))
	s.attendees.Objects = nil
	for i, p := range s.staff {
		s.present[i] = widget.NewCheck(p.Name, nil)
		s.attendees.Add(s.present[i])
	}
	s.attendees.Refresh()
	s.cases = nil
	s.caseBox.Objects = nil
	if len(cs) == 0 {
		s.caseBox.Add(widget.NewLabel(lang.L("desk.meeting.no_cases")))
	}
	decisions := make([]string, len(schema.MeetingDecisions))
	for i, d := range schema.MeetingDecisions {
		decisions[i] = kit.Code("meeting_decision", d)
	}
	for _, c := range cs {
		r := &caseRow{c: c, include: widget.NewCheck("", nil), decision: widget.NewSelect(decisions, nil),
			amount: kit.NewNumericEntry(), reason: widget.NewEntry()}
		r.amount.SetText(model.FormatYuan(c.DifferenceFen))
		r.reason.SetPlaceHolder(lang.L("desk.meeting.against_reason"))
		r.against = container.NewBorder(nil, nil, widget.NewLabel(lang.L("desk.meeting.against_amount")), nil,
			container.NewGridWithColumns(2, r.amount, r.reason))
		r.decision.OnChanged = func(string) { r.showAgainst() }
		r.decision.SetSelected(kit.Code("meeting_decision", c.Suggested))
		r.showAgainst()
		for i, key := range []string{"desk.meeting.for", "desk.meeting.against", "desk.meeting.abstain"} {
			r.votes[i] = kit.NewNumericEntry()
			r.votes[i].SetPlaceHolder(lang.L(key))
		}
		text := strings.Join([]string{c.Head, c.Community, kit.Code("purpose", c.Purpose),
			lang.L("desk.meeting.benefit", map[string]any{"New": kit.Money(c.BenefitFen), "Now": kit.Money(c.CurrentFen)})}, " · ")
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		h := r.decision.MinSize().Height
		// Wide enough for the longest decision and vote word at the text
		// size; under the case's text when the row is too narrow.
		right := container.NewHBox(container.NewGridWrap(fyne.NewSize(fitText(120, r.decision.Options, 2*theme.IconInlineSize()), h), r.decision),
			container.NewGridWrap(fyne.NewSize(3*fitText(80, []string{r.votes[0].PlaceHolder, r.votes[1].PlaceHolder,
				r.votes[2].PlaceHolder}, 0)+2*theme.Padding(), h), container.NewGridWithColumns(3, r.votes[0], r.votes[1], r.votes[2])))
		s.caseBox.Add(container.NewVBox(container.NewBorder(nil, nil, container.NewVBox(r.include), nil,
			kit.NewTrailing(l, right)), r.against))
		s.cases = append(s.cases, r)
	}
	s.caseBox.Refresh()
}

// meetingInput reads the new meeting's fields. When one is not what it
// must be, it returns the message saying which and why; nothing typed is
// cleared.
func (s *meetingScreen) meetingInput() (meeting.Meeting, string) {
	m := meeting.Meeting{StreetID: s.streetID(), Note: strings.TrimSpace(s.note.Text)}
	dateMsg := func(key string) string {
		return lang.L("desk.err.date_field", map[string]any{"Field": lang.L(key)})
	}
	var ok bool
	if m.HeldOn, ok = parseDateField(s.heldOn); !ok {
		return m, dateMsg("desk.meeting.held_on")
	}
	if m.NoticeStart, ok = parseDateField(s.noticeFrom); !ok {
		return m, dateMsg("desk.meeting.notice_from")
	}
	// count reads a whole number, not negative, typed in a field labelled
	// by key; blank is 0.
	count := func(text, key string) (int, string) {
		t := strings.TrimSpace(model.HalfWidth(text))
		if t == "" {
			return 0, ""
		}
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 {
			return 0, lang.L("desk.err.number_min", map[string]any{"Field": lang.L(key), "Min": 0})
		}
		return n, ""
	}
	var msg string
	if m.NoticeDays, msg = count(s.noticeDays.Text, "desk.meeting.notice_days"); msg != "" {
		return m, msg
	}
	for i, c := range s.present {
		if c.Checked {
			m.Attendees = append(m.Attendees, s.staff[i].ID)
		}
	}
	for _, o := range strings.FieldsFunc(s.others.Text, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
		m.Attendees = append(m.Attendees, strings.TrimSpace(o))
	}
	for _, r := range s.cases {
		if !r.include.Checked {
			continue
		}
		d := meeting.Decision{VisitID: r.c.VisitID, Outcome: kit.CodeValue("meeting_decision", r.decision.Selected)}
		for i, p := range []*int{&d.For, &d.Against, &d.Abstain} {
			key := []string{"desk.meeting.for", "desk.meeting.against", "desk.meeting.abstain"}[i]
			if *p, msg = count(r.votes[i].Text, key); msg != "" {
				return m, r.c.Head + ": " + msg
			}
		}
		if r.approvesAgainst() {
			fen, _, err := model.ParseYuan(r.amount.Text)
			if err != nil || fen <= 0 {
				return m, r.c.Head + ": " + lang.L("desk.err.amount_required")
			}
			if d.Reason = strings.TrimSpace(r.reason.Text); d.Reason == "" {
				return m, r.c.Head + ": " + lang.L("desk.err.reason_required")
			}
			d.AmountFen = fen
		}
		m.Decisions = append(m.Decisions, d)
	}
	return m, ""
}

// hold records the meeting.
func (s *meetingScreen) hold() {
	m, msg := s.meetingInput()
	if msg != "" {
		s.msg.SetText(msg)
		s.msg.Show()
		return
	}
	held, err := meeting.Hold(s.x.Ctx(), office(s.x), m)
	if err != nil {
		deskError(s.x, "desk.err.save", err, s.msg)
		return
	}
	s.msg.Hide()
	s.x.DataChanged()
	s.note.SetText("")
	s.others.SetText("")
	s.loadCases()
	s.loadNotices()
	s.loadMeetings()
	dialog.ShowInformation(lang.L("desk.meeting.held"), lang.L("desk.meeting.held_text", map[string]any{
		"Count": len(held.Decisions), "End": held.NoticeEnd().Format(desk.DateLayout)}), s.x.Win)
}

// loadNotices lists the published decisions.
func (s *meetingScreen) loadNotices() {
	ns, err := meeting.Notices(s.x.Ctx(), office(s.x), desk.Area{}, s.endedOnly.Checked)
	if err != nil {
		s.x.ShowError("desk.err.load", err)
		return
	}
	s.notices = ns
	s.noticeBox.Objects = nil
	if len(ns) == 0 {
		s.noticeBox.Add(widget.NewLabel(lang.L("desk.meeting.no_notices")))
	}
	for _, n := range ns {
		s.noticeBox.Add(s.noticeRow(n))
	}
	s.noticeBox.Refresh()
}

func (s *meetingScreen) noticeRow(n meeting.Notice) fyne.CanvasObject {
	parts := []string{n.Head, n.Community, kit.Code("meeting_decision", n.Outcome)}
	if n.Outcome == meeting.DecideApprove {
		parts = append(parts, kit.Money(n.BenefitFen))
	}
	parts = append(parts, lang.L("desk.meeting.notice_dates", map[string]any{"Start": n.Start.Format(desk.DateLayout),
		"End": n.End.Format(desk.DateLayout)}))
	text := strings.Join(parts, " · ")
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	var status fyne.CanvasObject
	switch {
	case n.Effective:
		status = badge(lang.L("desk.meeting.effective"), widget.SuccessImportance)
	case n.Withdrawn:
		status = badge(lang.L("code.meeting_decision.withdraw"), widget.LowImportance)
	case n.Superseded:
		status = badge(lang.L("desk.meeting.overtaken"), widget.LowImportance)
	case !n.Ended:
		status = badge(lang.L("desk.meeting.running"), widget.MediumImportance)
	default:
		b := widget.NewButton(lang.L("desk.meeting.apply"), func() { s.apply(n) })
		b.Importance = widget.HighImportance
		status = b
	}
	return container.NewBorder(nil, nil, nil, status, l)
}

// apply puts an ended notice into effect, asking for the reason of a
// cancellation.
func (s *meetingScreen) apply(n meeting.Notice) {
	do := func(reason string) {
		if err := meeting.Apply(s.x.Ctx(), office(s.x), n.ID, reason); err != nil {
			deskError(s.x, "desk.err.save", err, nil)
			return
		}
		s.x.DataChanged()
		s.loadNotices()
	}
	if n.Outcome != meeting.DecideCancel {
		do("")
		return
	}
	reasons := widget.NewSelect(kit.CodeOptions("cancel_reason"), nil)
	dialog.ShowCustomConfirm(lang.L("desk.meeting.cancel_reason"), lang.L("desk.meeting.apply"), lang.L("action.cancel"),
		reasons, func(ok bool) {
			if ok {
				do(kit.CodeValue("cancel_reason", reasons.Selected))
			}
		}, s.x.Win)
}

// loadMeetings lists past meetings.
func (s *meetingScreen) loadMeetings() {
	o := office(s.x)
	ms, err := meeting.Meetings(s.x.Ctx(), o, "")
	var names map[string]string
	if err == nil {
		names, err = o.Staff(s.x.Ctx())
	}
	if err != nil {
		s.x.ShowError("desk.err.load", err)
		return
	}
	streets := map[string]string{}
	for _, st := range s.streets {
		streets[st.ID] = st.Name
	}
	s.meetingsBox.Objects = nil
	if len(ms) == 0 {
		s.meetingsBox.Add(widget.NewLabel(lang.L("desk.meeting.no_meetings")))
	}
	for _, m := range ms {
		text := lang.L("desk.meeting.summary", map[string]any{"Date": m.HeldOn.Format(desk.DateLayout),
			"Street": streets[m.StreetID], "Attendees": strings.Join(meeting.AttendeeNames(m.Attendees, names), lang.L("list.separator")),
			"Start": m.NoticeStart.Format(desk.DateLayout), "End": m.NoticeEnd().Format(desk.DateLayout)})
		if m.Note != "" {
			text += "\n" + m.Note
		}
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		id := m.ID
		export := exportButtons(s.x, "notice-"+m.HeldOn.Format(desk.DateLayout), func() []sheet.Sheet {
			ns, err := meeting.MeetingNotices(s.x.Ctx(), office(s.x), id)
			if err != nil {
				s.x.ShowError("desk.err.load", err)
				return nil
			}
			return []sheet.Sheet{meeting.NoticeSheet(ns)}
		})
		s.meetingsBox.Add(widget.NewCard("", "", container.NewBorder(nil, nil, nil, export, l)))
	}
	s.meetingsBox.Refresh()
}

// fitText is the width of a control showing the longest of texts (at
// least least), with extra room beside the text (an icon).
func fitText(least float32, texts []string, extra float32) float32 {
	w := least
	for _, t := range texts {
		w = fyne.Max(w, fyne.MeasureText(t, theme.TextSize(), fyne.TextStyle{}).Width+2*theme.InnerPadding()+extra)
	}
	return w
}
