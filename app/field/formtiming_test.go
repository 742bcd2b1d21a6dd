package field

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
	"doorstep/schema"
	"doorstep/sync/evidence"
)

// TestSectionTimesReachTheEvidence: a spot check opened, moved through,
// left, reopened from its draft an hour later and submitted carries in its
// signed evidence entry the first open time and the time per section summed
// over both sittings — the hour the form was closed counts nowhere, and a
// long pause within a sitting counts only up to the timer's cap.
func TestSectionTimesReachTheEvidence(t *testing.T) {
	c := &clock{t: testNow}
	x := newTestApp(t, "", c)
	startDemo(t, x, schema.RoleWorker)
	hh := householdOf(t, x, false)
	opened := c.t
	if err := x.OpenForm(model.FormSpotCheck, hh); err != nil {
		t.Fatal(err)
	}
	s := x.Visible().(*spotCheckScreen)
	id := s.s.ID
	if got := s.nav.TimerSection(); got != "spot.inspection" {
		t.Fatalf("timing starts in %q", got)
	}
	c.t = c.t.Add(60 * time.Second)
	s.nav.JumpToSection("spot.checklist")
	c.t = c.t.Add(120 * time.Second)
	s.s.Found = model.Yes
	s.kit.Changed()
	x.Back() // leaves the form: its draft and its time so far are kept

	c.t = c.t.Add(time.Hour)
	if err := x.OpenForm(model.FormSpotCheck, hh); err != nil {
		t.Fatal(err)
	}
	s = x.Visible().(*spotCheckScreen)
	if s.s.ID != id {
		t.Fatalf("reopened %s, not the draft %s", s.s.ID, id)
	}
	c.t = c.t.Add(30 * time.Second)
	s.nav.JumpToSection("spot.checklist")
	c.t = c.t.Add(45 * time.Second)
	for _, f := range []*string{&s.s.Found, &s.s.LivingThere, &s.s.MakeupMatches, &s.s.AssetsFit, &s.s.BenefitPaidFull} {
		*f = model.Yes
	}
	s.s.FeesCharged = model.No
	s.kit.Changed()
	c.t = c.t.Add(time.Hour) // the tablet slept in the checklist: counts as the cap
	test.Type(entryWithPlaceholder(t, x, "spot.income_placeholder"), model.FormatYuan(s.base.ApprovedPerCapitaFen))
	s.s.Outcome = "still_eligible"
	test.Tap(find(t, x, func(c *widget.Check) bool { return !c.Checked && c.Text != "" })) // a second inspector
	test.Tap(button(t, x, "action.submit"))
	if _, still := x.Visible().(*spotCheckScreen); still {
		t.Fatalf("not submitted: %q", texts(x))
	}

	es, err := evidence.ReadEntries(x.Env.Ctx(), x.Env.Store.DB(), `record_table = 'spot_checks' AND record_id = ?`, id)
	if err != nil || len(es) != 1 {
		t.Fatalf("evidence entries %d, %v", len(es), err)
	}
	e := es[0].Entry
	if !e.OpenedAt.Equal(opened) {
		t.Errorf("opened at %v, want the first open %v", e.OpenedAt, opened)
	}
	if !e.SubmittedAt.Equal(c.t) {
		t.Errorf("submitted at %v, want %v", e.SubmittedAt, c.t)
	}
	cap := uint32(5 * 60)
	want := []evidence.Section{{Name: "spot.inspection", Seconds: 60 + 30}, {Name: "spot.checklist", Seconds: 120 + 45 + cap}}
	if !slices.Equal(e.Sections, want) {
		t.Errorf("sections %+v, want %+v", e.Sections, want)
	}
}

// TestVolunteerLogFollowsScrolling: the volunteer's log, a plain scrolling
// form without an index, counts the section scrolled to: scrolled down to
// its last section, the time from then on goes there; a read-only log is
// not timed.
func TestVolunteerLogFollowsScrolling(t *testing.T) {
	c := &clock{t: testNow}
	x := newTestApp(t, "", c)
	startDemo(t, x, schema.RoleVolunteer)
	elders, err := x.Env.Store.Elders(x.Env.Ctx(), x.Env.Me)
	if err != nil || len(elders) == 0 {
		t.Fatalf("elders %v %v", elders, err)
	}
	if err := x.OpenForm(model.FormVolunteerVisit, elders[0].ID); err != nil {
		t.Fatal(err)
	}
	s := x.Visible().(*volunteerVisitScreen)
	if got := s.kit.TimerSection(); got != "vvisit.elder" {
		t.Fatalf("timing starts in %q", got)
	}
	var sc *container.Scroll
	walk(s.root, func(o fyne.CanvasObject) {
		if v, ok := o.(*container.Scroll); ok && sc == nil && v.Direction == container.ScrollVerticalOnly {
			sc = v
		}
	})
	if sc == nil {
		t.Fatal("no scrolling form")
	}
	c.t = c.t.Add(40 * time.Second)
	sc.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.NewDelta(0, -100000)}) // to the end
	if got := s.kit.TimerSection(); got != "vvisit.next" {
		t.Fatalf("scrolled to the end, timing %q", got)
	}
	var secs int
	if err := x.Env.Store.DB().QueryRow(`SELECT seconds FROM form_timing WHERE record_table = 'volunteer_visits'
		AND record_id = ? AND section = 'vvisit.elder'`, s.v.ID).Scan(&secs); err != nil || secs != 40 {
		t.Errorf("time in the elder section %d (%v), want 40", secs, err)
	}
}
