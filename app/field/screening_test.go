package field

import (
	"slices"
	"testing"

	model "doorstep/app/forms"
	"doorstep/app/kit"
	"doorstep/schema"
	"doorstep/schema/rules"
)

// TestBarthelItemsOfferOnlyAllowedValues: each Barthel item's widget
// offers exactly the values rules.BarthelItems allows, a value forced in
// anyway is rejected by the model, and the total, grade and pairing advice
// follow the answers.
func TestBarthelItemsOfferOnlyAllowedValues(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	var elder string
	if err := x.Env.Store.DB().QueryRow(`SELECT id FROM elders ORDER BY id LIMIT 1`).Scan(&elder); err != nil {
		t.Fatal(err)
	}
	if err := x.OpenForm(model.FormScreening, elder); err != nil {
		t.Fatal(err)
	}
	s := x.Visible().(*screeningScreen)
	for _, it := range rules.BarthelItems() {
		r := s.barthel[it.Key]
		var want []string
		for i := range it.Allowed { // best first, each with what it means
			want = append(want, barthelOption(it.Key, it.Allowed[len(it.Allowed)-1-i]))
		}
		if !slices.Equal(r.Options, want) {
			t.Errorf("%s offers %v, want %v", it.Key, r.Options, want)
		}
	}
	// bathing allows 0 and 5 only: forcing 10 changes nothing.
	s.barthel["bathing"].SetSelected(barthelOption("bathing", 5))
	s.barthel["bathing"].SetSelected(barthelOption("bathing", 10))
	if v := s.s.Barthel["bathing"]; v != 5 {
		t.Errorf("bathing is %d after an illegal 10, want 5", v)
	}
	if err := s.s.SetBarthel("bathing", 10); err == nil {
		t.Error("the model took bathing = 10")
	}

	// Score everything at its lowest: severe dependence; living alone too
	// makes the advice many-to-one.
	for _, it := range rules.BarthelItems() {
		s.barthel[it.Key].SetSelected(barthelOption(it.Key, 0))
	}
	s.s.LivingArrangement = "alone"
	s.kit.Changed()
	r := s.s.Derive(s.env.Today(), s.env.Config)
	if r.BarthelGrade != rules.CodeBarthelSevere || r.Pairing != "many_to_one" {
		t.Errorf("derived grade %s pairing %s", r.BarthelGrade, r.Pairing)
	}
	if !onScreen(x, kit.Code("pairing_mode", "many_to_one")) || !onScreen(x, rules.CodeBarthelSevere.Text(kit.CurrentLanguage())) {
		t.Errorf("advice not shown: %q", texts(x))
	}
}
