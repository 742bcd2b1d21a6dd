package supervisor

import (
	"doorstep/app/kit"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk"
	"doorstep/app/desk/review"
	"doorstep/app/desk/sheet"
)

// reviewScreen is the supervisor's review queue: every submitted visit,
// screening, spot check and volunteer log in scope, filtered, oldest
// first, with counts per review state. Tapping one opens it for review.
type reviewScreen struct {
	x      *kit.Env
	root   fyne.CanvasObject
	kind   *widget.Select
	worker *widget.Select
	state  *widget.Select
	// flagged keeps only records whose evidence the server flagged.
	flagged *widget.Check
	// short keeps only unusually short means-test visits.
	short  *widget.Check
	places *placeSelects
	from   *widget.Entry
	to     *widget.Entry
	counts *widget.Label
	msg    *widget.Label
	list   *kit.ActivityList

	workers []desk.Place
	items   []review.Item
	ready   bool
}

// NewReview returns the review queue: submitted records filtered by area,
// worker, kind and state, each opening its review.
func NewReview(x *kit.Env) kit.Screen {
	s := &reviewScreen{x: x}
	s.places = newPlaceSelects(x, s.refilter)
	kinds := []string{lang.L("desk.review.all_kinds")}
	for _, k := range review.Kinds {
		kinds = append(kinds, lang.L("desk.kind."+string(k)))
	}
	s.kind = widget.NewSelect(kinds, func(string) { s.run() })
	s.kind.SetSelectedIndex(0)
	s.worker = widget.NewSelect(nil, func(string) { s.run() })
	s.worker.PlaceHolder = lang.L("desk.review.all_workers")
	states := []string{lang.L("desk.review.all_states")}
	for _, st := range review.States {
		states = append(states, lang.L("desk.state."+string(st)))
	}
	s.state = widget.NewSelect(states, func(string) { s.run() })
	s.state.SetSelectedIndex(1) // pending: the queue proper
	s.flagged = widget.NewCheck(lang.L("desk.review.flagged_only"), func(bool) { s.run() })
	s.short = widget.NewCheck(lang.L("desk.review.short_only"), func(bool) { s.run() })
	s.from, s.to = dateField(x, time.Time{}), dateField(x, time.Time{})
	s.from.SetPlaceHolder(lang.L("desk.from"))
	s.to.SetPlaceHolder(lang.L("desk.to"))
	s.from.OnChanged = func(string) { s.run() }
	s.to.OnChanged = func(string) { s.run() }
	s.counts = kit.WrapLabel("")
	s.msg = widget.NewLabel("")
	s.msg.Importance = widget.DangerImportance
	s.msg.Hide()
	s.list = kit.NewActivityList(x, func() int { return len(s.items) }, newReviewRow,
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*reviewRow).set(s.items[id]) })
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.UnselectAll()
		if id < len(s.items) {
			s.open(s.items[id])
		}
	}
	// The dates keep their whole hints (起始日期 年-月-日), which name
	// them: side by side where they fit, one over the other, or under the
	// area, where not.
	period := kit.NewGrid(2, kit.FitHint(s.from), kit.FitHint(s.to))
	filters := kit.NewGrid(5, s.kind, s.state, s.worker, s.flagged, s.short)
	top := container.NewVBox(kit.NewGrid(2, s.places.object(), period), filters,
		kit.NewTrailing(s.counts, exportButtons(x, "review", s.sheets)), s.msg)
	// The filters scroll when they would take more than their share of
	// the height (English at the largest text size).
	s.root = kit.NewHeaderOver(top, s.list)
	return s
}

func (s *reviewScreen) Content() fyne.CanvasObject { return s.root }

func (s *reviewScreen) Reload() {
	if !s.ready {
		s.places.load()
		s.loadWorkers()
		s.ready = true
	}
	s.run()
}

// refilter reloads the workers of the chosen area, then the queue.
func (s *reviewScreen) refilter() {
	s.loadWorkers()
	s.run()
}

func (s *reviewScreen) loadWorkers() {
	ws, err := office(s.x).Workers(s.x.Ctx(), s.places.area())
	if err != nil {
		s.x.ShowError("desk.err.load", err)
		return
	}
	s.workers = ws
	opts := []string{lang.L("desk.review.all_workers")}
	for _, w := range ws {
		opts = append(opts, w.Name)
	}
	cb := s.worker.OnChanged
	s.worker.OnChanged = nil
	s.worker.Options = opts
	s.worker.ClearSelected()
	s.worker.OnChanged = cb
}

// filter reads the filter widgets; ok is false when a date is malformed.
func (s *reviewScreen) filter() (review.Filter, bool) {
	f := review.Filter{Area: s.places.area()}
	if i := s.kind.SelectedIndex(); i > 0 {
		f.Kinds = []review.Kind{review.Kinds[i-1]}
	}
	if i := s.state.SelectedIndex(); i > 0 {
		f.States = []review.State{review.States[i-1]}
	}
	if i := s.worker.SelectedIndex(); i > 0 && i <= len(s.workers) {
		f.Worker = s.workers[i-1].ID
	}
	f.Flagged = s.flagged.Checked
	f.Short = s.short.Checked
	var ok1, ok2 bool
	f.Period.From, ok1 = parseDateField(s.from)
	f.Period.To, ok2 = parseDateField(s.to)
	return f, ok1 && ok2 && f.Period.Valid()
}

// run reads the queue for the current filter.
func (s *reviewScreen) run() {
	if s.list == nil {
		return
	}
	f, ok := s.filter()
	if !ok {
		s.msg.SetText(lang.L("desk.err.period"))
		s.msg.Show()
		return
	}
	s.msg.Hide()
	q, err := review.List(s.x.Ctx(), office(s.x), f)
	if err != nil {
		s.x.ShowError("desk.err.load", err)
		return
	}
	s.items = q.Items
	parts := make([]string, 0, len(review.States))
	for _, st := range review.States {
		parts = append(parts, lang.L("desk.review.count", map[string]any{
			"State": lang.L("desk.state." + string(st)), "Count": q.Counts[st]}))
	}
	s.counts.SetText(strings.Join(parts, " · "))
	s.list.Refresh()
}

// open pushes the review of one record.
func (s *reviewScreen) open(it review.Item) {
	s.x.Push(it.Subject+" · "+lang.L("desk.kind."+string(it.Kind)), newReviewRecordScreen(s.x, it.Kind, it.ID))
}

// OpenReview opens the review of record id of table ("means_visits",
// "elder_screenings", "spot_checks" or "volunteer_visits") over the
// current screen, as tapping it in the review queue does. It is for
// supervisors; the screenshot tool and tests use it.
func OpenReview(x *kit.Env, table, id string) error {
	if !x.Show("review") {
		return fmt.Errorf("open review of %s %s: no review Screen for %q", table, id, x.Me.Role)
	}
	k, ok := review.KindOfTable(table)
	if !ok {
		return fmt.Errorf("open review of %s %s: not a reviewed table", table, id)
	}
	it, err := review.Get(x.Ctx(), office(x), k, id)
	if err != nil {
		return fmt.Errorf("open review of %s %s: %w", table, id, err)
	}
	s, ok := x.Visible().(*reviewScreen)
	if !ok {
		return fmt.Errorf("open review of %s %s: the review screen is not shown", table, id)
	}
	s.open(it)
	return nil
}

// sheets is the queue as shown, for export.
func (s *reviewScreen) sheets() []sheet.Sheet {
	sh := sheet.Sheet{Name: "desk.review.sheet", Columns: []string{"desk.col.kind", "desk.col.subject",
		"desk.col.street", "desk.col.community", "desk.col.worker", "desk.col.submitted", "desk.col.state",
		"desk.col.comment"}}
	for _, it := range s.items {
		comment := ""
		if it.Latest != nil {
			comment = it.Latest.Comment
		}
		sh.Rows = append(sh.Rows, []any{sheet.Code("desk.kind." + string(it.Kind)), it.Subject, it.Street,
			it.Community, it.Worker, localTime(it.Submitted), sheet.Code("desk.state." + string(it.State)), comment})
	}
	return []sheet.Sheet{sh}
}

// reviewRow is one line of the queue.
type reviewRow struct {
	widget.BaseWidget
	subject, where, when *widget.Label
	state                *widget.Label
	box                  *fyne.Container
}

func newReviewRow() fyne.CanvasObject {
	r := &reviewRow{
		subject: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		where:   widget.NewLabel(""),
		when:    widget.NewLabel(""),
		state:   badge("", widget.MediumImportance),
	}
	r.subject.Truncation = fyne.TextTruncateEllipsis
	r.where.Truncation = fyne.TextTruncateEllipsis
	r.ExtendBaseWidget(r)
	return r
}

func (r *reviewRow) CreateRenderer() fyne.WidgetRenderer {
	r.box = container.NewBorder(nil, nil, nil, container.NewHBox(r.when, r.state),
		container.NewGridWithColumns(2, r.subject, r.where))
	return widget.NewSimpleRenderer(r.box)
}

func (r *reviewRow) set(it review.Item) {
	r.subject.SetText(fmt.Sprintf("%s · %s", it.Subject, lang.L("desk.kind."+string(it.Kind))))
	r.where.SetText(strings.Join(slices.DeleteFunc([]string{it.Community, it.Worker},
		func(s string) bool { return s == "" }), " · "))
	r.when.SetText(localTime(it.Submitted))
	r.state.SetText(lang.L("desk.state." + string(it.State)))
	r.state.Importance = stateImportance(it.State)
	if it.Flagged { // the server flagged its evidence
		r.state.SetText(r.state.Text + " · " + lang.L("evidence.status.flagged"))
		r.state.Importance = widget.DangerImportance
	}
	if it.Short != "" { // unusually short (desk.ShortVisits)
		r.state.SetText(r.state.Text + " · " + lang.L("desk.short."+it.Short))
		if r.state.Importance != widget.DangerImportance {
			r.state.Importance = widget.WarningImportance
		}
	}
	r.state.Refresh()
	if r.box != nil {
		r.box.Refresh() // the texts' widths changed: lay the row out again
	}
}

// stateImportance colours a review state.
func stateImportance(st review.State) widget.Importance {
	switch st {
	case review.Pending:
		return widget.HighImportance
	case review.Returned:
		return widget.WarningImportance
	case review.Approved:
		return widget.SuccessImportance
	}
	return widget.LowImportance
}
