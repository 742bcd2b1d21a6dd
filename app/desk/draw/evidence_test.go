package draw

import (
	"slices"
	"testing"

	"doorstep/app/desk/internal/testdb"
)

// TestFlaggedEvidenceRisk: a household whose visit the server flagged
// carries the flagged_evidence risk (weighted like the others), one whose
// visit was verified does not, and a weighted draw prefers it.
func TestFlaggedEvidenceRisk(t *testing.T) {
	o := fixture(t)
	testdb.Insert(t, o.DB,
		testdb.Row{Table: "evidence_verdicts", ID: "vd1", Values: map[string]any{"record_table": "means_visits",
			"record_id": "vh12", "community_id": "c1", "status": "flagged", "reasons": `[]`}},
		testdb.Row{Table: "evidence_verdicts", ID: "vd2", Values: map[string]any{"record_table": "means_visits",
			"record_id": "vh13", "community_id": "c1", "status": "verified", "reasons": `[]`}},
	)
	pop, err := Population(ctx, o, "s1", o.Today())
	if err != nil {
		t.Fatal(err)
	}
	risks := map[string][]string{}
	for _, c := range pop {
		risks[c.HouseholdID] = c.Risks
	}
	if !slices.Equal(risks["h12"], []string{RiskFlaggedEvidence}) || len(risks["h13"]) != 0 {
		t.Fatalf("risks of h12 %v, h13 %v", risks["h12"], risks["h13"])
	}
	// Weighted 50×, the flagged household is drawn in most seeds' samples
	// of 5 of 87; unweighted, in few.
	weighted, plain := 0, 0
	for seed := int64(1); seed <= 40; seed++ {
		for _, c := range Select(pop, 5, false, 50, 0, seed) {
			if c.HouseholdID == "h12" {
				weighted++
			}
		}
		for _, c := range Select(pop, 5, false, 1, 0, seed) {
			if c.HouseholdID == "h12" {
				plain++
			}
		}
	}
	if weighted < 30 || plain > 10 {
		t.Errorf("h12 drawn in %d of 40 weighted draws and %d of 40 plain ones", weighted, plain)
	}
}
