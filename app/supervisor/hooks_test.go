package supervisor

import (
	"testing"

	"doorstep/app/desk/review"
	"doorstep/schema"
)

// TestSupervisorDemoHasDecisions: the supervisor's local demo holds the
// street's review decisions, so a reviewed visit opens as decided and the
// worker's returned visit as returned.
func TestSupervisorDemoHasDecisions(t *testing.T) {
	x := newTestApp(t)
	startDemo(t, x, schema.RoleSupervisor)
	for _, action := range []string{"approve", "return"} {
		var visit string
		if err := x.Env.Store.DB().QueryRow(`SELECT e.record_id FROM review_events e
			WHERE e.record_table = 'means_visits' AND e.action = ? AND NOT EXISTS (SELECT 1 FROM review_events l
				WHERE l.record_id = e.record_id AND l.at > e.at)
			ORDER BY e.at DESC LIMIT 1`, action).Scan(&visit); err != nil {
			t.Fatalf("no %s decision on the supervisor's device: %v", action, err)
		}
		if err := x.OpenReview("means_visits", visit); err != nil {
			t.Fatal(err)
		}
		s, ok := x.Visible().(*reviewRecordScreen)
		if !ok {
			t.Fatalf("OpenReview showed %T", x.Visible())
		}
		want := map[string]review.State{"approve": review.Approved, "return": review.Returned}[action]
		if s.rec.State != want {
			t.Errorf("visit with a %s decision is %s", action, s.rec.State)
		}
	}
}
