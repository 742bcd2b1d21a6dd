package field

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

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
