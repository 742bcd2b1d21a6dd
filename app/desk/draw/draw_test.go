package draw

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/internal/testdb"
)

var ctx = context.Background()

// now: 2025-07-10 10:00 China time.
var now = time.Date(2025, 7, 10, 2, 0, 0, 0, time.UTC)

// fixture: street s1 with communities c1 (60 households, caseworkers w1,
// w2) and c2 (30 households, caseworker w3), workers w5 (c1) and w6 (c2)
// who hold no cases; every tenth household a staff relative; h05 and h06
// cancelled before today, h07 not yet approved; street s2 has 10 more.
func fixture(tb testing.TB) *desk.Office {
	tb.Helper()
	db := testdb.Open(tb)
	testdb.Org(tb, db)
	testdb.Insert(tb, db,
		testdb.Row{Table: "staff", ID: "w5", Values: map[string]any{"name": "钱五", "role": "worker", "street_id": "s1", "community_id": "c1"}},
		testdb.Row{Table: "staff", ID: "w6", Values: map[string]any{"name": "孙六", "role": "worker", "street_id": "s1", "community_id": "c2"}},
	)
	add := func(i int, comm, worker string) {
		id := fmt.Sprintf("h%02d", i)
		v := map[string]any{"community_id": comm, "head_name": "户主" + id, "status": "active",
			"approved_on": "2024-01-01", "caseworker_id": worker, "staff_relative": i%10 == 0,
			"last_visit_id": "v" + id}
		switch i {
		case 5, 6:
			v["status"], v["cancelled_on"] = "cancelled", "2025-03-01"
		case 7:
			v["status"], v["approved_on"] = "applicant", nil
		}
		// Each worker's visits last 60 minutes, except h11's: 10 minutes.
		minutes := 60
		if i == 11 {
			minutes = 10
		}
		start := time.Date(2024, 12, 1, 1, 0, 0, 0, time.UTC)
		testdb.Insert(tb, db,
			testdb.Row{Table: "households", ID: id, Values: v},
			testdb.Row{Table: "means_visits", ID: "v" + id, Values: map[string]any{"household_id": id,
				"community_id": comm, "author_id": worker, "state": "submitted",
				"staff_ids":  `["` + worker + `","w5"]`,
				"started_at": start.Format(time.RFC3339), "ended_at": start.Add(time.Duration(minutes) * time.Minute).Format(time.RFC3339)}})
	}
	for i := 1; i <= 100; i++ {
		switch {
		case i <= 30:
			add(i, "c1", "w1")
		case i <= 60:
			add(i, "c1", "w2")
		case i <= 90:
			add(i, "c2", "w3")
		default:
			add(i, "c3", "w4")
		}
	}
	o, _ := testdb.Office(db, "sup", now)
	return o
}

func households(d Draw) []string {
	var out []string
	for _, c := range d.Checks {
		out = append(out, c.HouseholdID)
	}
	return out
}

func TestPopulationAndRisks(t *testing.T) {
	o := fixture(t)
	pop, err := Population(ctx, o, "s1", o.Today())
	if err != nil {
		t.Fatal(err)
	}
	if len(pop) != 87 { // 90 in s1, less two cancelled and one applicant
		t.Fatalf("population %d, want 87", len(pop))
	}
	risky := map[string][]string{}
	for _, c := range pop {
		if len(c.Risks) > 0 {
			risky[c.HouseholdID] = c.Risks
		}
	}
	want := map[string][]string{"h10": {RiskStaffRelative}, "h11": {RiskShortVisit}, "h20": {RiskStaffRelative},
		"h30": {RiskStaffRelative}, "h40": {RiskStaffRelative}, "h50": {RiskStaffRelative},
		"h60": {RiskStaffRelative}, "h70": {RiskStaffRelative}, "h80": {RiskStaffRelative}, "h90": {RiskStaffRelative}}
	if !reflect.DeepEqual(risky, want) {
		t.Fatalf("risks %v, want %v", risky, want)
	}
	// As of a date before the cancellations, h05 and h06 were under 低保.
	pop, _ = Population(ctx, o, "s1", time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC))
	if len(pop) != 89 {
		t.Fatalf("population on 1 February %d, want 89", len(pop))
	}
}

func TestDrawIsReproducibleAndSafe(t *testing.T) {
	o := fixture(t)
	plan := Plan{Streets: []string{"s1"}, RatePct: 30, Stratify: true, Seed: 20250710, Unannounced: true}
	a, err := Preview(ctx, o, plan)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Preview(ctx, o, plan)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a[0].Checks, b[0].Checks) {
		t.Fatal("the same seed drew differently")
	}
	if n := len(a[0].Checks); n != 27 { // ceil(30 % of 87)
		t.Fatalf("sample of %d, want 27", n)
	}
	plan.Seed++
	c, _ := Preview(ctx, o, plan)
	if reflect.DeepEqual(households(a[0]), households(c[0])) {
		t.Fatal("another seed drew the same households")
	}

	// The same draw over many seeds, without re-reading the database.
	pop, err := Population(ctx, o, "s1", o.Today())
	if err != nil {
		t.Fatal(err)
	}
	pool, err := inspectors(ctx, o, "s1")
	if err != nil {
		t.Fatal(err)
	}
	for seed := int64(0); seed < 500; seed++ {
		checks, err := Assign(Select(pop, 27, true, 0, 100, seed), pool, 2, seed)
		if err != nil {
			t.Fatal(err)
		}
		d := Draw{Checks: checks}
		hs := households(d)
		for _, rel := range []string{"h10", "h20", "h30", "h40", "h50", "h60", "h70", "h80", "h90"} {
			if !slices.Contains(hs, rel) {
				t.Fatalf("seed %d: staff relative %s not drawn", seed, rel)
			}
		}
		for _, ch := range d.Checks {
			if len(ch.InspectorIDs) != 2 || slices.Contains(ch.InspectorIDs, ch.CaseworkerID) {
				t.Fatalf("seed %d: %s (caseworker %s) assigned %v", seed, ch.HouseholdID, ch.CaseworkerID, ch.InspectorIDs)
			}
			if slices.ContainsFunc(ch.InspectorIDs, func(id string) bool { return id == "w4" }) {
				t.Fatalf("seed %d: inspector from another street", seed)
			}
		}
		// Stratified: the 18 non-relatives are shared 6/6/6 among w1's
		// 26, w2's 27 and w3's 27 households (proportional, rounded).
		per := map[string]int{}
		for _, ch := range d.Checks {
			if !ch.StaffRelative() {
				per[ch.CaseworkerID]++
			}
		}
		for w, n := range per {
			if n < 5 || n > 7 {
				t.Fatalf("seed %d: %d checks for %s's households: %v", seed, n, w, per)
			}
		}
	}
}

func TestRiskWeight(t *testing.T) {
	o := fixture(t)
	ds, err := Preview(ctx, o, Plan{Streets: []string{"s1"}, Count: 20, RiskWeight: 10, Seed: 1})
	if err != nil || ds[0].Method != MethodTargeted {
		t.Fatalf("weighted draw: %v", err)
	}
	pop, err := Population(ctx, o, "s1", o.Today())
	if err != nil {
		t.Fatal(err)
	}
	hits := map[bool]int{}
	for seed := int64(0); seed < 300; seed++ {
		picked := Select(pop, 20, false, 10, 100, seed)
		hits[slices.ContainsFunc(picked, func(c Candidate) bool { return c.HouseholdID == "h11" })]++
	}
	// Unweighted, h11 would be drawn about 11 times in 78 (14 %); weighted
	// ten times it is drawn most of the time.
	if hits[true] < 200 {
		t.Fatalf("h11 (short visit) drawn %d of 300 times with weight 10", hits[true])
	}
}

func TestPreviewRefuses(t *testing.T) {
	o := fixture(t)
	for _, c := range []struct {
		code string
		plan Plan
	}{
		{"streets", Plan{}},
		{"size", Plan{Streets: []string{"s1"}, RatePct: 101}},
		{"size", Plan{Streets: []string{"s1"}, Count: -1}},
		{"inspectors_min", Plan{Streets: []string{"s1"}, Inspectors: 1}},
		{"planned_on", Plan{Streets: []string{"s1"}, PlannedOn: time.Date(2025, 7, 9, 0, 0, 0, 0, time.UTC)}},
		{"inspectors", Plan{Streets: []string{"s2"}}}, // one worker: w4, the caseworker
	} {
		t.Run(c.code, func(t *testing.T) {
			_, err := Preview(ctx, o, c.plan)
			var ie *desk.InputError
			if !errors.As(err, &ie) || ie.Code != c.code {
				t.Fatalf("got %v, want %s", err, c.code)
			}
		})
	}
	o.Street = "s1"
	if _, err := Preview(ctx, o, Plan{Streets: []string{"s2"}}); err == nil {
		t.Fatal("street supervisor drew another street")
	}
}

func TestSaveAndVerify(t *testing.T) {
	o := fixture(t)
	planned := time.Date(2025, 7, 15, 0, 0, 0, 0, time.UTC)
	ds, err := Preview(ctx, o, Plan{Streets: []string{"s1"}, Count: 12, Stratify: true, Seed: 7,
		Unannounced: true, PlannedOn: planned, Note: "第三季度"})
	if err != nil {
		t.Fatal(err)
	}
	if err := Save(ctx, o, ds); err != nil {
		t.Fatal(err)
	}
	bs, err := Batches(ctx, o, "s1")
	if err != nil || len(bs) != 1 {
		t.Fatalf("batches %+v %v", bs, err)
	}
	b := bs[0]
	if b.ID != ds[0].BatchID || b.Seed != 7 || b.SampleSize != 12 || b.Method != MethodRandom ||
		!b.Unannounced() || b.AsOf() != "2025-07-10" || b.DrawnBy != "周主任" || b.Street != "焦北街道" {
		t.Fatalf("batch %+v", b)
	}
	if sh := BatchesSheet(bs, time.UTC); len(sh.Rows) != 1 || sh.Rows[0][4] != int64(7) || sh.Rows[0][6] != 12 {
		t.Fatalf("batches sheet %+v", sh.Rows)
	}
	var n, unannounced int
	var planned1, risks, ins string
	if err := o.DB.QueryRow(`SELECT count(*), sum(unannounced), min(planned_on) FROM spot_checks WHERE batch_id = ?`, b.ID).Scan(&n, &unannounced, &planned1); err != nil {
		t.Fatal(err)
	}
	if n != 12 || unannounced != 12 || planned1 != "2025-07-15" {
		t.Fatalf("checks %d, unannounced %d, planned %s", n, unannounced, planned1)
	}
	if err := o.DB.QueryRow(`SELECT risk_reasons, inspector_ids FROM spot_checks WHERE household_id = 'h10' AND batch_id = ?`, b.ID).Scan(&risks, &ins); err != nil {
		t.Fatal(err)
	}
	if risks != `["staff_relative"]` || ins == "" {
		t.Fatalf("h10: risks %s inspectors %s", risks, ins)
	}

	v, err := Verify(ctx, o, b.ID)
	if err != nil || !v.Same || len(v.Reassigned) != 0 {
		t.Fatalf("verify untouched batch: %+v %v", v, err)
	}
	// Tampering: a drawn household swapped for another.
	var swapped string
	if err := o.DB.QueryRow(`SELECT household_id FROM spot_checks WHERE batch_id = ? AND household_id <> 'h10' LIMIT 1`, b.ID).Scan(&swapped); err != nil {
		t.Fatal(err)
	}
	if _, err := o.DB.Exec(`UPDATE spot_checks SET household_id = 'h02' WHERE batch_id = ? AND household_id = ?`, b.ID, swapped); err != nil {
		t.Fatal(err)
	}
	v, err = Verify(ctx, o, b.ID)
	if err != nil || v.Same || !reflect.DeepEqual(v.Missing, []string{swapped}) {
		t.Fatalf("verify tampered batch: %+v %v (swapped %s)", v, err, swapped)
	}
}

// TestDrawSkipsOpenChecks: a new draw leaves out the households whose
// check from an earlier batch is still open, takes them again once that
// check is submitted, and both batches still verify.
func TestDrawSkipsOpenChecks(t *testing.T) {
	o := fixture(t)
	first, err := Preview(ctx, o, Plan{Streets: []string{"s1"}, RatePct: 50, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := Save(ctx, o, first); err != nil {
		t.Fatal(err)
	}
	open := households(first[0])
	plan := Plan{Streets: []string{"s1"}, RatePct: 50, Seed: 4}
	second, err := Preview(ctx, o, plan)
	if err != nil {
		t.Fatal(err)
	}
	if second[0].Skipped != len(open) {
		t.Fatalf("skipped %d households, %d have an open check", second[0].Skipped, len(open))
	}
	for _, h := range households(second[0]) {
		if slices.Contains(open, h) {
			t.Fatalf("household %s drawn again while its check is open", h)
		}
	}
	if err := Save(ctx, o, second); err != nil {
		t.Fatal(err)
	}
	for _, d := range []Draw{first[0], second[0]} {
		if v, err := Verify(ctx, o, d.BatchID); err != nil || !v.Same || len(v.Reassigned) != 0 {
			t.Fatalf("verify batch %s: %+v %v", d.BatchID, v, err)
		}
	}
	// Checks done: their households may be drawn again.
	if _, err := o.DB.Exec(`UPDATE spot_checks SET state = 'submitted'`); err != nil {
		t.Fatal(err)
	}
	third, err := Preview(ctx, o, plan)
	if err != nil {
		t.Fatal(err)
	}
	if third[0].Skipped != 0 {
		t.Fatalf("skipped %d households with every check submitted", third[0].Skipped)
	}
}

func TestSelectOrderIndependent(t *testing.T) {
	var pop []Candidate
	for i := 0; i < 50; i++ {
		pop = append(pop, Candidate{HouseholdID: fmt.Sprintf("x%02d", i), CommunityID: fmt.Sprint(i % 3), CaseworkerID: fmt.Sprint(i % 4)})
	}
	a := Select(pop, 10, true, 0, 100, 99)
	slices.Reverse(pop)
	b := Select(pop, 10, true, 0, 100, 99)
	if !reflect.DeepEqual(a, b) || len(a) != 10 {
		t.Fatalf("population order changed the draw:\n%v\n%v", a, b)
	}
	if l := Lottery(1, "x"); l <= 0 || l > 1 || l != Lottery(1, "x") || l == Lottery(2, "x") {
		t.Fatalf("lottery %v", l)
	}
}

func TestResultsCompareWithApproved(t *testing.T) {
	o := fixture(t)
	ds, err := Preview(ctx, o, Plan{Streets: []string{"s1"}, Count: 10, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := Save(ctx, o, ds); err != nil {
		t.Fatal(err)
	}
	// The inspectors' device submits one check: household not living
	// there, benefit not paid in full, income recomputed above the
	// standard.
	var id string
	if err := o.DB.QueryRow(`SELECT id FROM spot_checks WHERE household_id = 'h10'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := o.DB.Exec(`UPDATE spot_checks SET state = 'submitted', checked_at = '2025-07-12T03:00:00Z',
		found = 1, living_there = 0, makeup_matches = 1, assets_fit = 1, benefit_paid_full = 0, fees_charged = 0,
		recomputed_income_fen = 25000, outcome = 'stop' WHERE id = ?`, id); err != nil {
		t.Fatal(err)
	}
	rs, err := Results(ctx, o, ds[0].BatchID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 10 {
		t.Fatalf("%d results, want 10", len(rs))
	}
	var done []Result
	for _, r := range rs {
		if r.Done {
			done = append(done, r)
		} else if len(r.Discrepancies) != 0 {
			t.Fatalf("check not done has discrepancies: %+v", r)
		}
	}
	if len(done) != 1 || done[0].HouseholdID != "h10" || done[0].Outcome != "stop" || done[0].Suggested != "stop" {
		t.Fatalf("done %+v", done)
	}
	var keys []string
	for _, d := range done[0].Discrepancies {
		keys = append(keys, d.Key)
	}
	want := []string{"forms.spot.disc.not_living", "forms.spot.disc.income", "forms.spot.disc.income_standard",
		"forms.spot.disc.not_paid_full"}
	if !reflect.DeepEqual(keys, want) {
		t.Fatalf("discrepancies %q, want %q", keys, want)
	}
	if len(done[0].Inspectors) != 2 || done[0].Inspectors[0] == "" {
		t.Fatalf("inspector names %q", done[0].Inspectors)
	}
	one, err := Compare(ctx, o, id)
	if err != nil || !reflect.DeepEqual(one.Discrepancies, done[0].Discrepancies) {
		t.Fatalf("Compare(%s) = %+v, %v", id, one, err)
	}
	o.Street = "s2"
	if _, err := Compare(ctx, o, id); !errors.Is(err, desk.ErrNotFound) {
		t.Fatalf("a check outside the street: %v", err)
	}
	s := ResultsSheet(rs, time.UTC)
	if len(s.Rows) != 10 || len(s.Rows[0]) != len(s.Columns) {
		t.Fatalf("results sheet %+v", s)
	}
}
