package meeting

import (
	"reflect"
	"sort"
	"testing"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/history"
	"doorstep/app/desk/internal/testdb"
)

// waiting returns the ids of the decisions waiting to be applied.
func waiting(t *testing.T, o *desk.Office) []string {
	t.Helper()
	ns, err := Notices(ctx, o, desk.Area{}, true)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range ns {
		out = append(out, n.VisitID)
	}
	sort.Strings(out)
	return out
}

// TestAgainstAdviceOvertakenWithdrawn: a meeting approves h5 although the
// means test failed it (an amount and a reason are required, the amount
// pre-filled from its incomes), cancels h2, approves h4; before the
// cancellation is applied a later meeting approves h2 at a new amount, so
// the cancellation is overtaken; the h4 approval is withdrawn.
func TestAgainstAdviceOvertakenWithdrawn(t *testing.T) {
	o, clock := fixture(t)
	cs, err := Cases(ctx, o, desk.Area{})
	if err != nil {
		t.Fatal(err)
	}
	// h5: one counted member, no income: (200.00 − 0) × 1.
	if cs[3].VisitID != "v5" || cs[3].Eligible || cs[3].DifferenceFen != 20000 {
		t.Fatalf("h5 case %+v", cs[3])
	}
	m := Meeting{HeldOn: day(10), Attendees: []string{"周主任", "王一", "李二"},
		Decisions: []Decision{
			{VisitID: "v5", Outcome: DecideApprove, For: 3},
			{VisitID: "v2", Outcome: DecideCancel, For: 3},
			{VisitID: "v4", Outcome: DecideApprove, For: 3},
		}}
	if _, err := Hold(ctx, o, m); !isCode(err, "amount_required") {
		t.Fatalf("approval against advice without an amount: %v", err)
	}
	m.Decisions[0].AmountFen = 18000
	if _, err := Hold(ctx, o, m); !isCode(err, "reason_required") {
		t.Fatalf("approval against advice without a reason: %v", err)
	}
	m.Decisions[0].Reason = "车辆系借用亲属，已核实"
	m.Decisions[2].AmountFen = -1
	if _, err := Hold(ctx, o, m); !isCode(err, "amount_required") {
		t.Fatalf("negative amount: %v", err)
	}
	m.Decisions[2].AmountFen = 0 // the visit's 250.00
	held, err := Hold(ctx, o, m)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, d := range held.Decisions {
		ids[d.VisitID] = d.ID
	}
	if held.Decisions[0].AmountFen != 18000 || held.Decisions[2].AmountFen != 25000 || held.Decisions[1].AmountFen != 0 {
		t.Fatalf("amounts %+v", held.Decisions)
	}

	// h2 gets a new re-check visit, reviewed; a later meeting approves it.
	testdb.Insert(t, o.DB,
		testdb.Row{Table: "means_visits", ID: "v2b", Values: map[string]any{"household_id": "h2", "community_id": "c1",
			"purpose": "recheck", "eligible": 1, "benefit_fen": 22000, "snapshot": members1, "state": "submitted",
			"submitted_at": "2025-07-12T02:00:00Z", "author_id": "w1"}},
		testdb.Row{Table: "review_events", ID: "e2b", Values: map[string]any{"record_table": "means_visits",
			"record_id": "v2b", "community_id": "c1", "action": "approve", "at": "2025-07-13T02:00:00Z"}})
	clock.T = time.Date(2025, 7, 18, 2, 0, 0, 0, time.UTC)
	if got := waiting(t, o); !reflect.DeepEqual(got, []string{"v2", "v4", "v5"}) {
		t.Fatalf("waiting on the 18th: %v", got)
	}
	m2, err := Hold(ctx, o, Meeting{HeldOn: day(18), Attendees: []string{"周主任", "王一"},
		Decisions: []Decision{{VisitID: "v2b", Outcome: DecideApprove, For: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	// The 10 July cancellation of h2 is overtaken: no longer waiting,
	// and applying it is refused.
	if got := waiting(t, o); !reflect.DeepEqual(got, []string{"v4", "v5"}) {
		t.Fatalf("waiting after the later meeting: %v", got)
	}
	if err := Apply(ctx, o, ids["v2"], "income_above_standard"); !isCode(err, "overtaken") {
		t.Fatalf("apply an overtaken decision: %v", err)
	}
	// Against advice: h5 active at the meeting's 180.00, price subsidy 15.00.
	if err := Apply(ctx, o, ids["v5"], ""); err != nil {
		t.Fatal(err)
	}
	ps, err := history.Periods(ctx, o, "h5")
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Kind != "approve" || ps[0].BaseFen != 18000 || ps[0].TopUpFen != 0 || ps[0].Covered != 1 ||
		ps[0].SubsidyFen != 1500 || ps[0].DecisionID != ids["v5"] || ps[0].From.Format(desk.DateLayout) != "2025-07-17" {
		t.Fatalf("h5 history %+v", ps)
	}
	var status string
	var benefit int64
	if err := o.DB.QueryRow(`SELECT status, benefit_fen FROM households WHERE id = 'h5'`).Scan(&status, &benefit); err != nil {
		t.Fatal(err)
	}
	if status != "active" || benefit != 18000 {
		t.Fatalf("h5 row %s %d", status, benefit)
	}
	// Withdrawn: the h4 approval is no longer waiting, cannot be applied,
	// and its case waits for a meeting again.
	if err := Withdraw(ctx, o, ids["v4"], " "); !isCode(err, "reason_required") {
		t.Fatalf("withdraw without a reason: %v", err)
	}
	if err := Withdraw(ctx, o, ids["v5"], "公示有异议"); !isCode(err, "already_effective") {
		t.Fatalf("withdraw an applied decision: %v", err)
	}
	if err := Withdraw(ctx, o, ids["v4"], "公示期间收到实名异议"); err != nil {
		t.Fatal(err)
	}
	if err := Apply(ctx, o, ids["v4"], ""); !isCode(err, "withdrawn") {
		t.Fatalf("apply a withdrawn decision: %v", err)
	}
	cs, _ = Cases(ctx, o, desk.Area{})
	if len(cs) != 2 || cs[0].VisitID != "v1" || cs[1].VisitID != "v4" {
		t.Fatalf("cases after the withdrawal: %+v", cs)
	}
	if got := waiting(t, o); len(got) != 0 {
		t.Fatalf("waiting after applying and withdrawing: %v", got)
	}
	// The later approval of h2 applies after its notice: a re-check at 220.00.
	clock.T = time.Date(2025, 7, 25, 2, 0, 0, 0, time.UTC)
	if got := waiting(t, o); !reflect.DeepEqual(got, []string{"v2b"}) {
		t.Fatalf("waiting on the 25th: %v", got)
	}
	if err := Apply(ctx, o, m2.Decisions[0].ID, ""); err != nil {
		t.Fatal(err)
	}
	if err := Apply(ctx, o, m2.Decisions[0].ID, ""); !isCode(err, "already_effective") {
		t.Fatalf("apply twice: %v", err)
	}
	ps, _ = history.Periods(ctx, o, "h2")
	if len(ps) != 1 || ps[0].Kind != "recheck" || ps[0].BenefitFen() != 22000 {
		t.Fatalf("h2 history %+v", ps)
	}
	// Still overtaken once the later decision is applied.
	if err := Apply(ctx, o, ids["v2"], "income_above_standard"); !isCode(err, "overtaken") {
		t.Fatalf("apply the overtaken cancellation after the later decision: %v", err)
	}
	if got := waiting(t, o); len(got) != 0 {
		t.Fatalf("waiting at the end: %v", got)
	}
}
