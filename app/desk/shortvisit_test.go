package desk_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/internal/testdb"
	districtcfg "doorstep/schema/district"
)

// shortFixture: means-test visits in street s1 (and one in s2), each with
// its recorded start and end and, for some, an evidence entry's open and
// submit times and section seconds.
func shortFixture(t *testing.T) *desk.Office {
	t.Helper()
	db := testdb.Open(t)
	testdb.Org(t, db)
	start := time.Date(2025, 6, 2, 1, 0, 0, 0, time.UTC)
	at := func(min int) string { return start.Add(time.Duration(min) * time.Minute).Format(time.RFC3339) }
	visit := func(id, comm, author, state string, recorded int) {
		v := map[string]any{"community_id": comm, "household_id": "h-" + id, "author_id": author, "state": state}
		if recorded > 0 {
			v["started_at"], v["ended_at"] = at(0), at(recorded)
		}
		testdb.Insert(t, db, testdb.Row{Table: "means_visits", ID: id, Values: v})
	}
	entry := func(id, visit string, open int, sections string) {
		testdb.Insert(t, db, testdb.Row{Table: "evidence_entries", ID: id, Values: map[string]any{
			"record_table": "means_visits", "record_id": visit, "opened_at": at(-open),
			"submitted_at": start.Format("2006-01-02T15:04:05.000Z07:00"), "sections": sections}})
	}
	visit("va", "c1", "w1", "submitted", 60) // 50 min open, 40 worked: fine
	entry("ea", "va", 50, `[{"name":"visit.household","seconds":1200},{"name":"visit.members","seconds":1200}]`)
	visit("vb", "c1", "w1", "submitted", 60) // open 8 minutes
	entry("eb", "vb", 8, `[]`)
	visit("vc", "c1", "w1", "submitted", 60) // open an hour, 5 minutes worked
	entry("ec", "vc", 60, `[{"name":"visit.household","seconds":300}]`)
	visit("vd", "c2", "w3", "submitted", 10) // no evidence yet, recorded 10 minutes
	visit("ve", "c2", "w3", "submitted", 0)  // nothing known: never short
	visit("vf", "c1", "w1", "draft", 2)      // not submitted
	for i := 1; i <= 3; i++ {                // w2's usual visit: an hour
		visit(fmt.Sprintf("vw%d", i), "c1", "w2", "submitted", 60)
	}
	visit("vg", "c1", "w2", "submitted", 25) // 25 < half of 60
	visit("vh", "c3", "w4", "submitted", 5)  // another street
	o, _ := testdb.Office(db, "sup", start.Add(24*time.Hour))
	return o
}

func TestShortVisitsOneRule(t *testing.T) {
	o := shortFixture(t)
	got, err := desk.ShortVisits(ctx, o, desk.Area{StreetID: "s1"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"vb": desk.ShortOpen, "vc": desk.ShortSections, "vd": desk.ShortRecorded, "vg": desk.ShortMedian}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("short visits %v, want %v", got, want)
	}
	if got, _ := desk.ShortVisits(ctx, o, desk.Area{CommunityID: "c2"}); !reflect.DeepEqual(got, map[string]string{"vd": desk.ShortRecorded}) {
		t.Errorf("in c2: %v", got)
	}

	// The district's limit: at 45 minutes, va's 40 minutes in its sections
	// are short too; at 5, only what is short against the median is left.
	cfg := districtcfg.Default()
	cfg.Process.ShortVisitMinutes = 45
	o.Config = &cfg
	got, _ = desk.ShortVisits(ctx, o, desk.Area{StreetID: "s1"})
	if got["va"] != desk.ShortSections || got["vg"] != desk.ShortRecorded || len(got) != 5 {
		t.Errorf("at 45 minutes: %v", got)
	}
	cfg.Process.ShortVisitMinutes = 5
	got, _ = desk.ShortVisits(ctx, o, desk.Area{StreetID: "s1"})
	if !reflect.DeepEqual(got, map[string]string{"vg": desk.ShortMedian}) {
		t.Errorf("at 5 minutes: %v", got)
	}
}
