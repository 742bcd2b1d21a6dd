package field

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/kit"
	"doorstep/schema"
)

// TestListsStartNewRecords: the Households list starts a means-test visit
// of a new applicant and the Elders list a screening of a new elder; a
// volunteer gets neither button.
func TestListsStartNewRecords(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	test.Tap(button(t, x, "nav.households"))
	test.Tap(button(t, x, "households.new_applicant"))
	v, ok := x.Visible().(*visitScreen)
	if !ok || v.v.Household.Stored || v.v.ReadOnly() {
		t.Fatalf("new applicant opened %T", x.Visible())
	}
	test.Tap(button(t, x, "nav.elders"))
	test.Tap(button(t, x, "elders.new_screening"))
	if sc, ok := x.Visible().(*screeningScreen); !ok || sc.s.ReadOnly() {
		t.Fatalf("new elder opened %T", x.Visible())
	}

	y := newTestApp(t, "", nil)
	startDemo(t, y, schema.RoleVolunteer)
	test.Tap(button(t, y, "nav.elders"))
	if onScreen(y, tr("elders.new_screening")) {
		t.Error("a volunteer is offered a screening")
	}
}

// TestHistoryOpensRecords: a visit in a household's history opens in the
// visit form, a screening in an elder's history in the screening form.
func TestHistoryOpensRecords(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	// The household of the newest visit the reviewer approved, and of the
	// visit the reviewer returned to this worker (the demo has one).
	var hh, visit, returnedHH, returned string
	if err := x.Env.Store.DB().QueryRow(`SELECT v.household_id, v.id FROM means_visits v
		JOIN review_events e ON e.record_id = v.id AND e.action = 'approve'
		WHERE v.state = 'submitted' AND v.deleted = 0 AND v.household_id NOT IN
			(SELECT household_id FROM review_events WHERE action = 'return')
		ORDER BY v.started_at DESC LIMIT 1`).Scan(&hh, &visit); err != nil {
		t.Fatal(err)
	}
	if err := x.Env.Store.DB().QueryRow(`SELECT v.household_id, v.id FROM means_visits v
		JOIN review_events e ON e.record_id = v.id AND e.action = 'return'
		WHERE v.author_id = ? AND NOT EXISTS (SELECT 1 FROM means_visits n WHERE n.supersedes_id = v.id)`,
		x.Env.Me.UserID).Scan(&returnedHH, &returned); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		household, visit string
		correction       bool
	}{{hh, visit, false}, {returnedHH, returned, true}} {
		x.OpenHousehold(c.household)
		var row *kit.TapRow
		for _, r := range all[*kit.TapRow](x) {
			test.Tap(r)
			v, ok := x.Visible().(*visitScreen)
			if ok && (v.v.ID == c.visit || v.v.SupersedesID == c.visit) {
				row = r
				break
			}
			x.Back()
		}
		if row == nil {
			t.Fatalf("visit %s does not open from its household's history", c.visit)
		}
		v := x.Visible().(*visitScreen)
		if c.correction && (v.v.SupersedesID != c.visit || v.v.ReadOnly()) || !c.correction && (v.v.ID != c.visit || !v.v.ReadOnly()) {
			t.Errorf("visit %s opened as %s (supersedes %q, read-only %v)", c.visit, v.v.ID, v.v.SupersedesID, v.v.ReadOnly())
		}
		if c.correction && !onScreen(x, tr("desk.field.neighbour_notes")) && !onScreen(x, tr("desk.field.observations")) &&
			!onScreen(x, tr("desk.field.living_conditions")) {
			t.Errorf("the correction does not show the reviewer's field comment: %q", texts(x))
		}
		x.Back()
	}

	var elder, screening string
	if err := x.Env.Store.DB().QueryRow(`SELECT elder_id, id FROM elder_screenings WHERE deleted = 0
		ORDER BY screened_on DESC, id DESC LIMIT 1`).Scan(&elder, &screening); err != nil {
		t.Fatal(err)
	}
	x.OpenElder(elder)
	if !onScreen(x, tr("elder.screenings")) {
		t.Fatalf("the elder Screen lists no screenings: %q", texts(x))
	}
	var opened bool
	for _, r := range all[*kit.TapRow](x) {
		test.Tap(r)
		if sc, ok := x.Visible().(*screeningScreen); ok {
			opened = sc.s.ID == screening
			break
		}
		x.Back()
	}
	if !opened {
		t.Fatalf("the elder's newest screening did not open: %T", x.Visible())
	}
	for _, b := range all[*widget.Button](x) {
		if b.Text == tr("action.submit") {
			t.Error("a submitted screening opened for editing")
		}
	}
}
