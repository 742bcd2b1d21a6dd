package forms

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
)

// approveVisit stores an approved visit of h1 whose snapshot has members
// m1 and m2, per-capita income 90 yuan and benefit 220 yuan.
func approveVisit(t *testing.T, env Env) {
	t.Helper()
	v, err := NewVisit(ctx, env, "va", "h1", "")
	if err != nil {
		t.Fatal(err)
	}
	live := v.Compute(env.Today(), env.Config)
	snap, _ := json.Marshal(v.Snapshot(env.Today()))
	exec(t, env.DB, `INSERT INTO means_visits(id, household_id, community_id, state, snapshot, per_capita_fen, benefit_fen)
		VALUES ('va', 'h1', 'c1', 'submitted', ?, ?, ?)`, string(snap), live.Income.PerCapitaFen, live.BenefitFen)
	exec(t, env.DB, `INSERT INTO review_events(id, record_table, record_id, household_id, community_id, action, at)
		VALUES ('r1', 'means_visits', 'va', 'h1', 'c1', 'approve', '2025-05-01T00:00:00Z')`)
}

func TestSpotCheckBaselineAndDiscrepancies(t *testing.T) {
	env := mustEnv(t)
	approveVisit(t, env)
	// Since approval, a member was added and the wages changed.
	exec(t, env.DB, `INSERT INTO members(id, household_id, community_id, name, relationship, counted) VALUES ('m3', 'h1', 'c1', '张小', 'child', 1)`)
	exec(t, env.DB, `UPDATE incomes SET monthly_fen = 30000 WHERE id = 'i1'`)

	b, err := LoadBaseline(ctx, env, "h1", env.Today())
	if err != nil {
		t.Fatal(err)
	}
	if !b.FromVisit || b.VisitID != "va" || b.ApprovedPerCapitaFen != 9000 || b.StandardFen != 20000 {
		t.Fatalf("baseline from visit %v %q per capita %d standard %d", b.FromVisit, b.VisitID, b.ApprovedPerCapitaFen, b.StandardFen)
	}
	if got := b.MemberChanges(); len(got) != 1 || got["m3"] != RowAdded {
		t.Errorf("member changes %v, want m3 added", got)
	}
	if b.CurrentPerCapitaFen != 10000 {
		t.Errorf("current per capita %d, want 10000 (300 / 3)", b.CurrentPerCapitaFen)
	}

	env.UserID = "w2" // h1 is w1's own caseload
	s, err := NewSpotCheck(ctx, env, "sc1", "h1")
	if err != nil {
		t.Fatal(err)
	}
	s.Found, s.LivingThere, s.MakeupMatches, s.AssetsFit = Yes, Yes, No, Yes
	s.RecomputedIncome = "120"
	var keys []string
	for _, d := range b.Discrepancies(s) {
		keys = append(keys, d.Key)
	}
	for _, want := range []string{MsgDiscMakeup, MsgDiscMembersChanged, MsgDiscIncome} {
		if !slices.Contains(keys, want) {
			t.Errorf("discrepancies %v lack %s", keys, want)
		}
	}
	if got := b.SuggestOutcome(s); got != "reduce" {
		t.Errorf("suggested %q, want reduce", got)
	}
	s.RecomputedIncome = "250"
	if got := b.SuggestOutcome(s); got != "stop" {
		t.Errorf("suggested %q above the standard, want stop", got)
	}
}

func TestSpotCheckBaselineWithoutApprovedVisit(t *testing.T) {
	env := mustEnv(t)
	b, err := LoadBaseline(ctx, env, "h1", env.Today())
	if err != nil {
		t.Fatal(err)
	}
	if b.FromVisit || len(b.Approved.Members) != 2 || len(b.MemberChanges()) != 0 {
		t.Errorf("baseline from current rows: from visit %v, %d members, changes %v", b.FromVisit, len(b.Approved.Members), b.MemberChanges())
	}
}

func TestSpotCheckSave(t *testing.T) {
	env := mustEnv(t)
	exec(t, env.DB, `INSERT INTO spot_checks(id, batch_id, household_id, community_id, caseworker_id, inspector_ids, unannounced, planned_on)
		VALUES ('sc1', 'b1', 'h1', 'c1', 'w9', '["w1"]', 1, '2025-06-16')`)
	s, err := LoadSpotCheck(ctx, env, "sc1")
	if err != nil {
		t.Fatal(err)
	}
	s.Found = Yes
	err = s.Save(ctx, env, true)
	is, ok := AsIssues(err)
	if !ok {
		t.Fatalf("Save = %v, want issues", err)
	}
	for _, f := range []string{FieldInspectors, FieldLivingThere, FieldRecomputedIncome, FieldOutcome} {
		if !is.Has(f) {
			t.Errorf("no issue on %s: %v", f, fields(is))
		}
	}
	s.SetInspector("w2", true)
	s.LivingThere, s.MakeupMatches, s.AssetsFit, s.BenefitPaidFull, s.FeesCharged = Yes, Yes, Yes, Yes, No
	s.RecomputedIncome, s.Outcome, s.Deadline = "95.5", "reduce", "2025-06-01"
	if is, _ := AsIssues(s.Save(ctx, env, true)); !is.Has(FieldDeadline) {
		t.Errorf("a past deadline was accepted: %v", fields(is))
	}
	s.Deadline = "2025-07-15"
	if err := s.Save(ctx, env, true); err != nil {
		t.Fatal(err)
	}
	got := one[string](t, env.DB, `SELECT state || '|' || found || living_there || makeup_matches || fees_charged || '|' ||
		recomputed_income_fen || '|' || outcome || '|' || deadline || '|' || inspector_ids || '|' || checked_at FROM spot_checks WHERE id = 'sc1'`)
	if want := `submitted|1110|9550|reduce|2025-07-15|["w1","w2"]|` + env.stamp(); got != want {
		t.Errorf("row %s\nwant %s", got, want)
	}
}

func TestUnannouncedSpotCheckHiddenFromCaseworker(t *testing.T) {
	env := mustEnv(t)
	exec(t, env.DB, `INSERT INTO spot_checks(id, household_id, community_id, caseworker_id, inspector_ids, unannounced)
		VALUES ('sc2', 'h1', 'c1', 'w1', '["w2","w3"]', 1)`)
	if _, err := LoadSpotCheck(ctx, env, "sc2"); !errors.Is(err, ErrHidden) {
		t.Errorf("caseworker opened an unannounced check: %v", err)
	}
	env.UserID = "w2"
	if _, err := LoadSpotCheck(ctx, env, "sc2"); err != nil {
		t.Errorf("inspector could not open it: %v", err)
	}
}

func TestSpotCheckBaselineFromLastVisit(t *testing.T) {
	env := mustEnv(t)
	// A visit approved at a meeting: no review event here, but the
	// household's last visit points at it. Its snapshot uses 0/1 booleans,
	// as the demo district and every writer store them.
	exec(t, env.DB, `INSERT INTO means_visits(id, household_id, community_id, state, per_capita_fen, benefit_fen, snapshot)
		VALUES ('vm', 'h1', 'c1', 'submitted', 9000, 22000, ?)`,
		`{"household":{"id":"h1","address":"民主路12号","urban":1,"head_name":"张三","hukou_local":1},
		  "members":[{"id":"m1","name":"张三","counted":1,"relationship":"self"},{"id":"m9","name":"张老","counted":0,"relationship":"parent"}],
		  "incomes":[{"id":"i1","member_id":"m1","kind":"wages","monthly_fen":18000}],"assets":[]}`)
	exec(t, env.DB, `UPDATE households SET last_visit_id = 'vm', approved_on = '2025-03-01' WHERE id = 'h1'`)
	b, err := LoadBaseline(ctx, env, "h1", env.Today())
	if err != nil {
		t.Fatal(err)
	}
	if !b.FromVisit || b.VisitID != "vm" || b.ApprovedAt != "2025-03-01" || b.ApprovedPerCapitaFen != 9000 {
		t.Fatalf("baseline %+v", b)
	}
	if b.Approved.CountedMembers() != 1 || b.Approved.IncomeTotal() != 18000 {
		t.Errorf("snapshot counted %d income %d", b.Approved.CountedMembers(), b.Approved.IncomeTotal())
	}
	ch := b.MemberChanges()
	if ch["m9"] != RowRemoved || ch["m2"] != RowAdded {
		t.Errorf("member changes %v", ch)
	}
}

// TestSpotCheckIndependence: the household's caseworker (w1) cannot start
// a spot check of it; another worker can, with only themself pre-selected;
// the caseworker as an inspector is refused, draft or submission.
func TestSpotCheckIndependence(t *testing.T) {
	env := mustEnv(t)
	if _, err := NewSpotCheck(ctx, env, "sc1", "h1"); !errors.Is(err, ErrOwnCaseload) {
		t.Fatalf("caseworker's own spot check: err %v, want ErrOwnCaseload", err)
	}
	if MaySpotCheck("w1", "w1") || !MaySpotCheck("w2", "w1") {
		t.Error("MaySpotCheck")
	}
	env.UserID = "w2"
	s, err := NewSpotCheck(ctx, env, "sc2", "h1")
	if err != nil {
		t.Fatal(err)
	}
	if s.CaseworkerID != "w1" || !slices.Equal(s.InspectorIDs, []string{"w2"}) {
		t.Fatalf("caseworker %q inspectors %v", s.CaseworkerID, s.InspectorIDs)
	}
	for _, submit := range []bool{false, true} {
		if slices.Contains(fields(s.Validate(env.Today(), env.Config, submit)), FieldInspectors) && !submit {
			t.Error("a single independent inspector refused in a draft")
		}
	}
	s.SetInspector("w1", true)
	for _, submit := range []bool{false, true} {
		is := s.Validate(env.Today(), env.Config, submit).For(FieldInspectors)
		if !slices.ContainsFunc(is, func(i Issue) bool { return i.Key == MsgInspectorCaseworker }) {
			t.Errorf("submit %v: caseworker as inspector not refused: %v", submit, is)
		}
	}
}
