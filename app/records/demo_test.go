package records

import (
	"context"
	"testing"
	"time"

	"doorstep/schema"
	"doorstep/schema/demo"
)

// demoRef is a reference date whose half-year is January–June 2025.
var demoRef = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)

func count(t *testing.T, s *Store, table string) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLoadDemoWorker(t *testing.T) {
	s := mustStore(t)
	ctx := context.Background()
	me, err := s.LoadDemo(ctx, schema.RoleWorker, demo.DefaultSeed, demoRef, "dev1")
	if err != nil {
		t.Fatal(err)
	}
	if me.Role != schema.RoleWorker || len(me.Communities) != 1 || me.UserName == "" || me.DeviceID != "dev1" {
		t.Fatalf("demo identity = %+v", me)
	}
	var other int
	if err := s.DB().QueryRow(`SELECT count(*) FROM households WHERE community_id <> ?`, me.Communities[0]).Scan(&other); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, "households"); n < 50 || other != 0 {
		t.Fatalf("worker device holds %d households, %d outside their community", n, other)
	}
	ix, err := s.HouseholdIndex(ctx, me)
	if err != nil {
		t.Fatal(err)
	}
	if ix.Len() != count(t, s, "households") {
		t.Fatalf("index has %d of %d households", ix.Len(), count(t, s, "households"))
	}
	items, err := s.Today(ctx, me)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) == 0 {
		t.Fatal("the demo worker has nothing to do today")
	}
	// Review events are about records: the scope filter needs their
	// subject, or it drops every one of them.
	if n := count(t, s, "review_events"); n < 50 {
		t.Fatalf("worker device holds %d review events", n)
	}
	returned := 0
	for _, it := range items {
		if it.Kind == TodayReturned {
			returned++
			if it.RecordTable != "means_visits" || it.HouseholdID == "" || it.Comment == "" || len(it.FieldComments) == 0 {
				t.Errorf("returned item %+v", it)
			}
		}
	}
	if returned == 0 {
		t.Error("the demo worker's Today lists no visit returned for correction")
	}
}

// TestLoadDemoVolunteerHoldsNoIncome: a volunteer's device database holds
// no income, asset, member, household or ID-number data at all.
func TestLoadDemoVolunteerHoldsNoIncome(t *testing.T) {
	s := mustStore(t)
	ctx := context.Background()
	me, err := s.LoadDemo(ctx, schema.RoleVolunteer, demo.DefaultSeed, demoRef, "dev2")
	if err != nil {
		t.Fatal(err)
	}
	if me.Role != schema.RoleVolunteer || len(me.Pairings) == 0 {
		t.Fatalf("demo identity = %+v", me)
	}
	for _, table := range []string{"households", "members", "incomes", "assets", "means_visits",
		"elder_screenings", "spot_checks", "review_events"} {
		if n := count(t, s, table); n != 0 {
			t.Errorf("volunteer device holds %d rows of %s", n, table)
		}
	}
	es, err := s.Elders(ctx, me)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != len(me.Pairings) || count(t, s, "elders") != len(es) {
		t.Fatalf("volunteer sees %d elders (%d on the device) for %d pairings", len(es), count(t, s, "elders"), len(me.Pairings))
	}
}

func TestLoadDemoSupervisor(t *testing.T) {
	s := mustStore(t)
	me, err := s.LoadDemo(context.Background(), schema.RoleSupervisor, demo.DefaultSeed, demoRef, "dev3")
	if err != nil {
		t.Fatal(err)
	}
	if me.Role != schema.RoleSupervisor || me.Street == "" || len(me.Communities) < 2 {
		t.Fatalf("demo identity = %+v", me)
	}
	var outside int
	if err := s.DB().QueryRow(`SELECT count(*) FROM households h JOIN communities c ON c.id = h.community_id
		WHERE c.street_id <> ?`, me.Street).Scan(&outside); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, "households"); n < 200 || outside != 0 {
		t.Fatalf("supervisor device holds %d households, %d outside the street", n, outside)
	}
	var events, foreign int
	if err := s.DB().QueryRow(`SELECT count(*), coalesce(sum(c.street_id <> ?), 0) FROM review_events e
		JOIN communities c ON c.id = e.community_id`, me.Street).Scan(&events, &foreign); err != nil {
		t.Fatal(err)
	}
	if events < 200 || foreign != 0 {
		t.Fatalf("supervisor device holds %d review events, %d outside the street", events, foreign)
	}
}
