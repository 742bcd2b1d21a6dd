package field

import (
	"strings"
	"testing"

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
