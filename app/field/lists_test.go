package field

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
	"doorstep/app/kit"
	"doorstep/app/records"
	"doorstep/schema"
)

// TestElderListShowsAgeGradeAndFilters: each elder row gives the age and
// the latest screening's Barthel result (or "not screened"); the
// unpaired and 70+ filters narrow the list.
func TestElderListShowsAgeGradeAndFilters(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	x.Show("elders")
	s, ok := x.Visible().(*eldersScreen)
	if !ok {
		t.Fatalf("visible %T", x.Visible())
	}
	s.Reload()
	if len(s.shown) == 0 {
		t.Fatal("no elders listed")
	}
	screened := 0
	for _, e := range s.shown {
		if e.LastScreening != "" {
			screened++
		}
	}
	if screened == 0 {
		t.Error("no elder shows a last screening")
	}
	e := s.shown[0]
	age := records.ElderAge(e, testNow)
	if age < 0 || !onScreen(x, e.Name+"  "+tr2("elders.age", "Age", age)+"  ") && !strings.Contains(strings.Join(texts(x), "\n"), tr2("elders.age", "Age", age)) {
		t.Errorf("first elder's age %d not shown: %q", age, texts(x))
	}
	all := len(s.shown)
	s.unpaired.SetChecked(true)
	for _, e := range s.shown {
		if e.PairingID != "" {
			t.Errorf("unpaired filter kept %s paired in %s", e.Name, e.PairingID)
		}
	}
	if len(s.shown) >= all {
		t.Errorf("unpaired filter kept %d of %d", len(s.shown), all)
	}
	s.unpaired.SetChecked(false)
	s.band.SetSelectedIndex(3) // 70+
	if len(s.shown) == 0 {
		t.Fatal("no elders of 70 or more")
	}
	for _, e := range s.shown {
		if a := records.ElderAge(e, testNow); a < 70 {
			t.Errorf("70+ filter kept %s aged %d", e.Name, a)
		}
	}
}

// TestVolunteerLogPrefillsNeedAndOffersCoVolunteers: a new log to an
// elder of a two-to-one or many-to-one pairing starts with the elder's
// first screened need and offers the pairing's other volunteers as
// co-volunteers; ticking one names them on the log.
func TestVolunteerLogPrefillsNeedAndOffersCoVolunteers(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleVolunteer)
	elders, err := x.Env.Store.Elders(x.Env.Ctx(), x.Env.Me)
	if err != nil {
		t.Fatal(err)
	}
	var e records.ElderSummary
	for _, c := range elders {
		if c.Mode != "one_to_one" && c.Mode != "" && len(c.Needs) > 0 {
			e = c
		}
	}
	if e.ID == "" {
		t.Skip("the demo volunteer has no shared pairing")
	}
	if err := x.OpenForm(model.FormVolunteerVisit, e.ID); err != nil {
		t.Fatal(err)
	}
	s := x.Visible().(*volunteerVisitScreen)
	if s.v.Need != e.Needs[0] || s.needSel.Selected != kit.Code("need", e.Needs[0]) {
		t.Errorf("need %q (shown %q), want the elder's first need %q", s.v.Need, s.needSel.Selected, e.Needs[0])
	}
	co, err := model.CoVolunteers(x.Env.Ctx(), x.Env.FormsEnv(), e.PairingID)
	if err != nil || len(co) == 0 {
		t.Fatalf("co-volunteers %v %v", co, err)
	}
	test.Tap(checkBox(t, x, co[0].Name))
	if len(s.v.CoVolunteerIDs) != 1 || s.v.CoVolunteerIDs[0] != co[0].ID {
		t.Errorf("co-volunteers on the log %v, want %s", s.v.CoVolunteerIDs, co[0].ID)
	}
}

// TestPairingFromTheElderScreen: a worker ends an elder's pairing with a
// reason, then makes a new one whose mode the latest screening's advice
// pre-sets; a volunteer's elder screen offers neither.
func TestPairingFromTheElderScreen(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	elders, err := x.Env.Store.Elders(x.Env.Ctx(), x.Env.Me)
	if err != nil {
		t.Fatal(err)
	}
	var e records.ElderSummary
	for _, c := range elders {
		if c.PairingID != "" {
			e = c
			break
		}
	}
	if e.ID == "" {
		t.Fatal("no paired elder in the demo")
	}
	x.OpenElder(e.ID)
	s := x.Visible().(*elderScreen)
	test.Tap(button(t, x, "pairing.end"))
	p := s.pairing
	p.confirm() // no reason chosen
	if !p.msg.Visible() || p.msg.Text != tr(model.MsgPairingReason) {
		t.Fatalf("ending without a reason: %q", p.msg.Text)
	}
	p.reason.SetSelected(kit.Code("pairing_end", "re_paired"))
	p.note.SetText("改为二对一")
	p.confirm()
	var ended, reason string
	if err := x.Env.Store.DB().QueryRow(`SELECT coalesce(ended_on,''), coalesce(end_reason,'') FROM volunteer_pairings WHERE id = ?`,
		e.PairingID).Scan(&ended, &reason); err != nil {
		t.Fatal(err)
	}
	if ended == "" || reason != "re_paired" {
		t.Fatalf("pairing after ending: %q %q", ended, reason)
	}
	if !onScreen(x, tr("pairing.none")) {
		t.Fatalf("the elder still shows a pairing: %q", texts(x))
	}

	test.Tap(button(t, x, "pairing.create"))
	p = s.pairing
	if p.advice != "" && p.mode.Selected != kit.Code("pairing_mode", p.advice) {
		t.Errorf("mode %q, the screening advised %q", p.mode.Selected, p.advice)
	}
	p.mode.SetSelected(kit.Code("pairing_mode", "one_to_one"))
	p.picked = nil
	p.confirm() // no volunteer
	if !p.msg.Visible() {
		t.Error("a pairing without volunteers was made")
	}
	p.picked = []string{p.vols[0].ID}
	p.confirm()
	var n int
	if err := x.Env.Store.DB().QueryRow(`SELECT count(*) FROM volunteer_pairings WHERE elder_id = ? AND coalesce(ended_on,'') = ''
		AND mode = 'one_to_one'`, e.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d running one-to-one pairings of the elder, want 1", n)
	}

	v := newTestApp(t, "", nil)
	startDemo(t, v, schema.RoleVolunteer)
	ves, err := v.Env.Store.Elders(v.Env.Ctx(), v.Env.Me)
	if err != nil || len(ves) == 0 {
		t.Fatalf("volunteer's elders %v %v", ves, err)
	}
	v.OpenElder(ves[0].ID)
	for _, key := range []string{"pairing.end", "pairing.create"} {
		if onScreen(v, tr(key)) {
			t.Errorf("a volunteer is offered %q", tr(key))
		}
	}
}

// TestGroupActivityForm: from the Elders screen a worker records a 三小
// activity — type, theme, date, place, volunteers, person-times — and it
// is stored; a volunteer is not offered the form.
func TestGroupActivityForm(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	x.Show("elders")
	test.Tap(button(t, x, "activity.new"))
	s, ok := x.Visible().(*activityScreen)
	if !ok {
		t.Fatalf("visible %T", x.Visible())
	}
	test.Tap(button(t, x, "action.submit"))
	if _, still := x.Visible().(*activityScreen); !still || errorText(s.kit, model.FieldVenue) == "" {
		t.Fatalf("an empty activity was saved or no message: %q", texts(x))
	}
	dismissDialogs(x)
	find(t, x, func(sel *widget.Select) bool {
		return slices.Contains(sel.Options, kit.Code("activity_kind", schema.ActivityKinds[0]))
	}).
		SetSelected(kit.Code("activity_kind", schema.ActivityKinds[0]))
	find(t, x, func(sel *widget.Select) bool {
		return slices.Contains(sel.Options, kit.Code("activity_theme", schema.ActivityThemes[0]))
	}).
		SetSelected(kit.Code("activity_theme", schema.ActivityThemes[0]))
	test.Type(entryWithPlaceholder(t, x, "activity.venue_placeholder"), "社区活动室")
	if len(s.vols) == 0 {
		t.Fatal("no volunteers offered")
	}
	test.Tap(checkBox(t, x, s.vols[0].Name))
	pt := find(t, x, func(e *widget.Entry) bool { return e.PlaceHolder == "" && !e.MultiLine && e.Text == "" })
	test.Type(pt, "60")
	test.Tap(button(t, x, "action.submit"))
	if _, still := x.Visible().(*activityScreen); still {
		t.Fatalf("not saved: %q", texts(x))
	}
	var n int
	if err := x.Env.Store.DB().QueryRow(`SELECT headcount FROM group_activities WHERE id = ?`, s.a.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 60 {
		t.Errorf("person-times %d, want 60", n)
	}

	v := newTestApp(t, "", nil)
	startDemo(t, v, schema.RoleVolunteer)
	v.Show("elders")
	if onScreen(v, tr("activity.new")) {
		t.Error("a volunteer is offered the group activity form")
	}
}

// TestPairingFromScreeningRecommendation: a screening of an unpaired
// elder offers to pair as recommended; the dialog opens with the
// recommended mode chosen and makes the pairing.
func TestPairingFromScreeningRecommendation(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	elders, err := x.Env.Store.Elders(x.Env.Ctx(), x.Env.Me)
	if err != nil {
		t.Fatal(err)
	}
	var e records.ElderSummary
	for _, c := range elders {
		if c.PairingID == "" {
			e = c
			break
		}
	}
	if e.ID == "" {
		t.Skip("every demo elder is paired")
	}
	if err := x.OpenForm(model.FormScreening, e.ID); err != nil {
		t.Fatal(err)
	}
	s := x.Visible().(*screeningScreen)
	r := s.s.Derive(s.env.Today(), s.env.Config)
	if r.Pairing == "" {
		t.Skip("no pairing recommended for this elder")
	}
	test.Tap(button(t, x, "screening.pair_now"))
	p := s.pairing
	if p.mode.Selected != kit.Code("pairing_mode", r.Pairing) {
		t.Fatalf("mode %q, recommended %q", p.mode.Selected, r.Pairing)
	}
	need := map[string]int{"one_to_one": 1, "two_to_one": 2, "many_to_one": 3}[r.Pairing]
	if len(p.vols) < need {
		t.Skipf("%d volunteers in the community, %d needed", len(p.vols), need)
	}
	for _, v := range p.vols[:need] {
		p.picked = append(p.picked, v.ID)
	}
	p.confirm()
	var mode string
	if err := x.Env.Store.DB().QueryRow(`SELECT mode FROM volunteer_pairings WHERE elder_id = ? AND coalesce(ended_on,'') = ''`,
		e.ID).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != r.Pairing {
		t.Errorf("pairing made %q, recommended %q", mode, r.Pairing)
	}
}
