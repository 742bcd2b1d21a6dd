package records

import (
	"context"
	"testing"

	"doorstep/schema"
)

func kinds(items []TodayItem) map[string][]string {
	out := map[string][]string{}
	for _, it := range items {
		ref := it.HouseholdID
		if ref == "" {
			ref = it.ElderID
		}
		if ref == "" {
			ref = it.RecordID
		}
		out[it.Kind] = append(out[it.Kind], ref)
	}
	return out
}

func TestTodayWorker(t *testing.T) {
	s := mustStore(t)
	seed(t, s)
	ctx := context.Background()
	db := s.DB()
	// A spot check of h3 assigned to w1, one already done, one for someone else.
	mustExec(t, db, `INSERT INTO spot_checks(id, household_id, community_id, inspector_ids, planned_on, checked_at)
		VALUES ('sc1', 'h3', 'c2', '["w1","w5"]', '2025-06-18', NULL),
		       ('sc2', 'h1', 'c1', '["w1"]', '2025-06-01', '2025-06-02T03:00:00Z'),
		       ('sc3', 'h1', 'c1', '["w5"]', '2025-06-18', NULL)`)
	// w1's visit of h1 was returned; w1's visit of h2 was returned, then
	// resubmitted as a new visit superseding it.
	mustExec(t, db, `INSERT INTO means_visits(id, household_id, community_id, author_id, state, submitted_at, supersedes_id)
		VALUES ('mv1', 'h1', 'c1', 'w1', 'submitted', '2025-06-01T00:00:00Z', NULL),
		       ('mv2', 'h2', 'c1', 'w1', 'submitted', '2025-06-01T00:00:00Z', NULL),
		       ('mv3', 'h2', 'c1', 'w1', 'submitted', '2025-06-05T00:00:00Z', 'mv2')`)
	mustExec(t, db, `INSERT INTO review_events(id, record_table, record_id, household_id, community_id, action, comment, field_comments, at)
		VALUES ('r1', 'means_visits', 'mv1', 'h1', 'c1', 'return', '收入材料不全', '{"incomes":"缺少工资证明"}', '2025-06-03T00:00:00Z'),
		       ('r2', 'means_visits', 'mv2', 'h2', 'c1', 'return', '重填', '', '2025-06-03T00:00:00Z')`)
	if err := s.SaveDraft(ctx, Draft{Form: "means_visit", RecordID: "new1", SubjectID: "h1", Title: "张三"}); err != nil {
		t.Fatal(err)
	}

	items, err := s.Today(ctx, worker)
	if err != nil {
		t.Fatal(err)
	}
	got := kinds(items)
	want := map[string][]string{
		TodayReturned:  {"h1"},
		TodayOverdue:   {"h2"},
		TodayRecheck:   {"h1"},
		TodaySpotCheck: {"h3"},
		TodayRiskAlert: {"e1"},
		TodayDraft:     {"new1"},
	}
	for k, w := range want {
		if len(got[k]) != len(w) || got[k][0] != w[0] {
			t.Errorf("%s: got %v, want %v", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("kinds = %v, want %v", got, want)
	}
	if items[0].Kind != TodayReturned || items[0].Comment != "收入材料不全" || items[0].FieldComments["incomes"] != "缺少工资证明" {
		t.Errorf("first item = %+v, want the returned visit with its comments", items[0])
	}

	// Approving after the return clears it.
	mustExec(t, db, `INSERT INTO review_events(id, record_table, record_id, action, at)
		VALUES ('r3', 'means_visits', 'mv1', 'approve', '2025-06-04T00:00:00Z')`)
	items, err = s.Today(ctx, worker)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(kinds(items)[TodayReturned]); n != 0 {
		t.Errorf("after approval %d returned items, want 0", n)
	}
}

func TestTodayVolunteer(t *testing.T) {
	s := mustStore(t)
	seed(t, s)
	items, err := s.Today(context.Background(), volunteer)
	if err != nil {
		t.Fatal(err)
	}
	got := kinds(items)
	// e1's next visit (2025-06-17) is within a week of 2025-06-15; e2 is
	// someone else's elder. Volunteers get no household items.
	if len(got) != 1 || len(got[TodayVisitDue]) != 1 || got[TodayVisitDue][0] != "e1" {
		t.Fatalf("volunteer today = %v, want only e1's visit due", got)
	}
}

func TestElders(t *testing.T) {
	s := mustStore(t)
	seed(t, s)
	ctx := context.Background()
	es, err := s.Elders(ctx, volunteer)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].ID != "e1" || es[0].PairingID != "p1" || es[0].NextVisit != "2025-06-17" {
		t.Fatalf("volunteer elders = %+v, want e1 via p1 with next visit 2025-06-17", es)
	}
	if _, err := s.Elder(ctx, volunteer, "e2"); err != ErrNotFound {
		t.Fatalf("volunteer reading another's elder: err = %v, want ErrNotFound", err)
	}
	es, err = s.Elders(ctx, worker)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 {
		t.Fatalf("worker sees %d elders, want 2", len(es))
	}
	el, err := s.Elder(ctx, worker, "e1")
	if err != nil {
		t.Fatal(err)
	}
	if len(el.Visits) != 1 || el.Visits[0].RiskFlags[0] != "fall" {
		t.Fatalf("e1 visits = %+v", el.Visits)
	}
}

func TestTodaySupervisorSeesOverdueRechecks(t *testing.T) {
	s := mustStore(t)
	seed(t, s)
	sup := Identity{UserID: "sv1", Role: schema.RoleSupervisor, Street: "s1"}
	items, err := s.Today(context.Background(), sup)
	if err != nil {
		t.Fatal(err)
	}
	got := kinds(items)
	// h2 is overdue; h1 and h3 are only due soon, which is their
	// caseworkers' business. The volunteer's risk flag at e1 is listed too.
	if len(got[TodayRecheck]) != 0 || len(got[TodayOverdue]) != 1 || got[TodayOverdue][0] != "h2" {
		t.Fatalf("supervisor today = %v, want h2 overdue and nothing due soon", got)
	}
}
