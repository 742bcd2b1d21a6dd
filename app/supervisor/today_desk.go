package supervisor

import (
	"doorstep/app/kit"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk"
	"doorstep/app/desk/conflict"
	"doorstep/app/desk/meeting"
	"doorstep/app/desk/review"
)

// deskToday is the supervisor's part of the Today screen: what waits at
// the desk — records awaiting review (how many, since when), open
// conflicts, cases whose public notice has ended, overdue re-checks —
// each a row that opens the screen where it is done.
type deskToday struct {
	x    *kit.Env
	root *fyne.Container
	// onOverdue shows the overdue re-checks, which the Today list holds.
	onOverdue func()

	review, conflicts, notices, overdue *deskTodayRow
}

// deskTodayRow is one line of the supervisor's summary.
type deskTodayRow struct {
	row   *kit.TapRow
	title *widget.Label
	note  *widget.Label
}

func newDeskTodayRow(icon fyne.Resource, titleKey string, onTap func()) *deskTodayRow {
	r := &deskTodayRow{title: kit.Heading(lang.L(titleKey)), note: widget.NewLabel("")}
	r.note.Truncation = fyne.TextTruncateEllipsis
	r.row = kit.NewTapRow(container.NewBorder(nil, nil, container.NewCenter(widget.NewIcon(icon)), nil,
		container.NewVBox(r.title, r.note)), onTap)
	return r
}

// set shows the row's count and note; a row with nothing to do is hidden.
func (r *deskTodayRow) set(count int, note string) {
	if count == 0 {
		r.row.Hide()
		return
	}
	r.note.SetText(note)
	r.row.Show()
}

// NewDeskSummary returns the supervisor's summary for the Today screen
// (kit.Nav.DeskSummary); onOverdue shows the overdue re-checks.
func NewDeskSummary(x *kit.Env, onOverdue func()) kit.DeskSummary {
	d := &deskToday{x: x, onOverdue: onOverdue}
	d.review = newDeskTodayRow(theme.DocumentIcon(), "today.desk.review", func() { x.Touch(); openReviewQueue(x) })
	d.conflicts = newDeskTodayRow(theme.WarningIcon(), "today.desk.conflicts", func() { x.Touch(); x.Show("conflicts") })
	d.notices = newDeskTodayRow(theme.ConfirmIcon(), "today.desk.notices", func() { x.Touch(); openEndedNotices(x) })
	d.overdue = newDeskTodayRow(theme.Icon(theme.IconNameWarning), "today.desk.overdue", func() {
		x.Touch()
		d.onOverdue()
	})
	d.root = container.NewGridWithColumns(2, d.review.row, d.conflicts.row, d.notices.row, d.overdue.row)
	return d
}

// Object returns the summary's widget, hidden when nothing waits.
func (d *deskToday) Object() fyne.CanvasObject { return d.root }

// Reload counts what waits; overdue is the number of overdue re-checks in
// the Today list and oldest the date of the earliest.
func (d *deskToday) Reload(overdue int, oldest string) {
	o := office(d.x)
	ctx := d.x.Ctx()
	q, err := review.List(ctx, o, review.Filter{States: []review.State{review.Pending}})
	if err != nil {
		d.x.ShowError("desk.err.load", err)
		return
	}
	note := ""
	if n := len(q.Items); n > 0 {
		note = lang.L("today.desk.review_note", map[string]any{"Count": n,
			"Date": desk.DateOf(q.Items[0].Submitted, o.Location()).Format(desk.DateLayout)})
	}
	d.review.set(len(q.Items), note)

	cs, err := conflict.List(ctx, o, desk.Area{}, false)
	if err != nil {
		d.x.ShowError("desk.err.load", err)
		return
	}
	d.conflicts.set(len(cs), lang.L("today.desk.conflicts_note", map[string]any{"Count": len(cs)}))

	ns, err := meeting.Notices(ctx, o, desk.Area{}, true)
	if err != nil {
		d.x.ShowError("desk.err.load", err)
		return
	}
	note = ""
	if len(ns) > 0 {
		first := ns[0].End
		for _, n := range ns {
			if n.End.Before(first) {
				first = n.End
			}
		}
		note = lang.L("today.desk.notices_note", map[string]any{"Count": len(ns), "Date": first.Format(desk.DateLayout)})
	}
	d.notices.set(len(ns), note)
	d.overdue.set(overdue, lang.L("today.desk.overdue_note", map[string]any{"Count": overdue, "Date": oldest}))
	if len(q.Items)+len(cs)+len(ns)+overdue == 0 {
		d.root.Hide()
	} else {
		d.root.Show()
	}
	d.root.Refresh()
}

// openReviewQueue shows the review queue of records awaiting review,
// oldest first.
func openReviewQueue(x *kit.Env) {
	if !x.Show("review") {
		return
	}
	if s, ok := x.Visible().(*reviewScreen); ok {
		s.state.SetSelectedIndex(1 + indexOfState(review.Pending))
	}
}

// indexOfState is st's place in review.States.
func indexOfState(st review.State) int {
	for i, s := range review.States {
		if s == st {
			return i
		}
	}
	return 0
}

// openEndedNotices shows the meeting screen's notices, only those whose
// notice period has ended.
func openEndedNotices(x *kit.Env) {
	if !x.Show("meeting") {
		return
	}
	if s, ok := x.Visible().(*meetingScreen); ok {
		s.tabs.SelectIndex(1)
		s.endedOnly.SetChecked(true)
	}
}
