package forms

import (
	"slices"
	"sync"
	"testing"
)

// TestOutlineProgressAndProblems: a spot check's sections count their
// required answers and problems; the problem list is in form order
// whatever order the model reported; progress follows later edits.
func TestOutlineProgressAndProblems(t *testing.T) {
	env := mustEnv(t)
	s := &SpotCheck{ID: "sc", HouseholdID: "h1", CaseworkerID: "w1", InspectorIDs: []string{"w2", "w3"}}
	s.Found = Yes
	s.MakeupMatches, s.AssetsFit, s.BenefitPaidFull, s.FeesCharged = Yes, Yes, Yes, No
	is := s.Validate(env.Today(), env.Config, true)
	req := s.RequiredFields()
	got := SpotCheckOutline.Progress(req, is)
	want := []Progress{
		{Key: "spot.inspection", Required: 1, Done: 1},
		{Key: "spot.checklist", Required: 7, Done: 5, Problems: 2},
		{Key: "spot.outcome", Required: 1, Done: 0, Problems: 1},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("progress\n got %+v\nwant %+v", got, want)
	}
	if got[0].Complete() != true || got[1].Complete() {
		t.Error("Complete")
	}
	// Reported out of order, listed in form order.
	shuffled := Issues{is[2], is[0], is[1]}
	if got := fields(SpotCheckOutline.Problems(shuffled)); !slices.Equal(got,
		[]string{FieldLivingThere, FieldRecomputedIncome, FieldOutcome}) {
		t.Errorf("problems in order %v", got)
	}

	// An outcome needing a deadline makes the deadline required.
	s.Outcome = "reduce"
	if !IsRequired(s.RequiredFields(), FieldDeadline) {
		t.Error("deadline not required for a reduction")
	}
	p := SpotCheckOutline.Progress(s.RequiredFields(), s.Validate(env.Today(), env.Config, true))
	if p[2].Required != 2 || p[2].Done != 1 {
		t.Errorf("outcome section %+v, want 1 of 2", p[2])
	}
	// Household not found: the checklist asks nothing more.
	s.Found = No
	if p := SpotCheckOutline.Progress(s.RequiredFields(), s.Validate(env.Today(), env.Config, true)); p[1].Required != 1 || p[1].Done != 1 {
		t.Errorf("checklist of a household not found %+v", p[1])
	}
}

// TestVisitOutlineHoldsEveryField: every field a visit's validation can
// name, rows included, belongs to a section, and a new visit's required
// fields are missing but for its defaults; the outlines are safe to read concurrently.
func TestVisitOutlineHoldsEveryField(t *testing.T) {
	env := mustEnv(t)
	v, err := NewVisit(ctx, env, "v1", "", "c1")
	if err != nil {
		t.Fatal(err)
	}
	v.AddMember("m9")
	v.AddIncome("i9", "")
	v.AddAsset("a9", "")
	v.SetStaff("w2", true)
	is := v.Validate(env.Today(), env.Config, true)
	for _, i := range is {
		if VisitOutline.SectionOf(i.Field) < 0 {
			t.Errorf("issue field %q in no section", i.Field)
		}
	}
	for _, f := range v.RequiredFields() {
		if VisitOutline.SectionOf(f) < 0 {
			t.Errorf("required field %q in no section", f)
		}
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			total := 0
			for _, p := range VisitOutline.Progress(v.RequiredFields(), is) {
				total += p.Done
			}
			// Done on a new visit of c1: the community, the purpose and
			// method (defaults), the members list and the first member's
			// relationship (the applicant), the staff (w1 and w2).
			if total != 6 {
				t.Errorf("%d required fields done on a new visit, want 6", total)
			}
		}()
	}
	wg.Wait()
}
