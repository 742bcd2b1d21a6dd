package demo_test

import (
	"testing"
	"time"

	"doorstep/schema/demo"
	"doorstep/schema/rules"
)

// entitlementsOf reads the district's entitlement rows as the rules see them.
func entitlementsOf(t *testing.T, d *demo.District) map[string][]rules.Entitlement {
	t.Helper()
	day := func(v any) time.Time {
		s, _ := v.(string)
		if s == "" {
			return time.Time{}
		}
		x, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	var all []rules.Entitlement
	for _, r := range d.Table("entitlements") {
		v := r.Values
		rec, err := time.Parse(time.RFC3339, v["recorded_at"].(string))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, rules.Entitlement{ID: r.ID, HouseholdID: v["household_id"].(string),
			DecisionID: v["decision_id"].(string), Kind: v["kind"].(string), DecidedOn: day(v["decided_on"]),
			From: day(v["effective_from"]), Until: day(v["until"]), Status: v["status"].(string),
			BaseFen: v["base_fen"].(int64), TopUpFen: v["topup_fen"].(int64), Covered: int(v["covered"].(int64)),
			SubsidyFen: v["subsidy_fen"].(int64), Reason: v["reason"].(string), RecordedAt: rec})
	}
	return rules.Group(all)
}

// TestHistoryMatchesHouseholds: every household row is the projection of
// its benefit history at the end of the half-year, the history holds every
// kind of decision, every meeting decision took effect exactly once, and
// the six closed rolls pay the report's 4.01 million yuan.
func TestHistoryMatchesHouseholds(t *testing.T) {
	d := testDistrict(t)
	hist := entitlementsOf(t, d)
	kinds := map[string]int{}
	for _, rows := range hist {
		for _, e := range rows {
			kinds[e.Kind]++
		}
	}
	t.Logf("entitlement periods by kind: %v", kinds)
	for _, k := range []string{"approve", "reapprove", "recheck", "suspend", "resume", "cancel", "correct"} {
		if kinds[k] == 0 {
			t.Errorf("no %s decision in the history", k)
		}
	}
	str := func(v any) string {
		s, _ := v.(string)
		return s
	}
	for _, r := range d.Table("households") {
		v := r.Values
		rows := hist[r.ID]
		if v["status"] == "applicant" {
			if len(rows) != 0 {
				t.Fatalf("applicant %s has a history", r.ID)
			}
			continue
		}
		e, approved, ok := rules.Current(rows, d.To)
		if !ok || e.Status != v["status"] || e.BenefitFen() != v["benefit_fen"] || int64(e.Covered) != v["covered_members"] ||
			approved.Format("2006-01-02") != v["approved_on"] {
			t.Fatalf("household %s row %v, history %+v approved %v", r.ID, v, e, approved)
		}
		if e.Status == rules.EntitlementCancelled && (e.From.Format("2006-01-02") != str(v["cancelled_on"]) || e.Reason != str(v["cancel_reason"])) {
			t.Fatalf("household %s cancelled %v %v, history %+v", r.ID, v["cancelled_on"], v["cancel_reason"], e)
		}
	}
	applied := map[string]int{}
	for _, rows := range hist {
		for _, e := range rows {
			applied[e.DecisionID]++
		}
	}
	decisions := d.Table("meeting_decisions")
	for _, r := range decisions {
		if applied[r.ID] != 1 {
			t.Fatalf("meeting decision %s applied %d times", r.ID, applied[r.ID])
		}
	}
	if len(d.Table("approval_meetings")) < 2 || len(decisions) != demo.TargetAdded+demo.TargetCancelled {
		t.Fatalf("%d meetings, %d decisions", len(d.Table("approval_meetings")), len(decisions))
	}
	var paid int64
	for _, r := range d.Table("payout_lines") {
		paid += r.Values["base_fen"].(int64) + r.Values["topup_fen"].(int64)
	}
	if rolls := len(d.Table("payout_rolls")); rolls != 6*9 {
		t.Fatalf("%d closed rolls, want 6 months × 9 streets", rolls)
	}
	if diff := paid - demo.TargetPaidFen; diff*1000 > demo.TargetPaidFen*5 || -diff*1000 > demo.TargetPaidFen*5 {
		t.Fatalf("closed rolls pay %d fen, want 4,010,000 yuan ± 0.5 %%", paid)
	}
}

// TestInstitutionsAndMedical: the seed's institution and medical figures,
// counted from the rows.
func TestInstitutionsAndMedical(t *testing.T) {
	d := testDistrict(t)
	own := map[string]int{}
	for _, r := range d.Table("care_institutions") {
		own[r.Values["ownership"].(string)]++
	}
	var beds, res, staff int64
	for _, r := range d.Table("institution_counts") {
		beds += r.Values["beds"].(int64)
		res += r.Values["residents"].(int64)
		staff += r.Values["staff"].(int64)
	}
	var assets, awards int64
	for _, r := range d.Table("institution_finances") {
		assets += r.Values["total_assets_fen"].(int64)
	}
	for _, r := range d.Table("institution_assessments") {
		awards += r.Values["award_fen"].(int64)
	}
	if own["public"] != 2 || own["private"] != 5 || beds != demo.TargetBeds || res != demo.TargetResidents ||
		staff != demo.TargetInstitutionStaff || assets != demo.TargetInstitutionAssets || awards != demo.TargetAwardsFen {
		t.Fatalf("institutions %v, %d beds, %d residents, %d staff, %d assets, %d awards", own, beds, res, staff, assets, awards)
	}
	var amount int64
	cases := d.Table("medical_assistance")
	for _, r := range cases {
		a := r.Values["amount_fen"].(int64)
		if a <= 0 || a > r.Values["medical_cost_fen"].(int64) {
			t.Fatalf("medical assistance %v", r.Values)
		}
		amount += a
	}
	if len(cases) != demo.TargetMedicalCases || amount != demo.TargetMedicalFen {
		t.Fatalf("%d medical cases, %d fen", len(cases), amount)
	}
}
