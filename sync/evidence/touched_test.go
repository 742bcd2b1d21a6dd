package evidence

import (
	"context"
	"slices"
	"testing"

	"doorstep/sync/change"
)

func TestRecordsTouched(t *testing.T) {
	d := newDevice(t, t.TempDir(), "w1", 1, &idGen{})
	h, first, s := d.visit()
	second, _ := d.recheck(h, 5000)
	spot := d.spotCheck(h)
	elder, screening := d.screening()
	_, other, _ := d.visit()
	ctx := context.Background()
	for _, c := range []struct {
		name string
		rows []change.RowRef
		want []RecordRef
	}{
		{"Income", []change.RowRef{{Table: "incomes", ID: h.incomes[1]}},
			[]RecordRef{{"means_visits", first}, {"means_visits", second}}},
		{"Household", []change.RowRef{{Table: "households", ID: h.id}},
			[]RecordRef{{"means_visits", first}, {"means_visits", second}}},
		{"Record", []change.RowRef{{Table: "spot_checks", ID: spot}, {Table: "means_visits", ID: other}},
			[]RecordRef{{"means_visits", other}, {"spot_checks", spot}}},
		{"Elder", []change.RowRef{{Table: "elders", ID: elder}}, []RecordRef{{"elder_screenings", screening}}},
		{"Entry", []change.RowRef{{Table: "evidence_entries", ID: s.ID}}, []RecordRef{{"means_visits", first}}},
		{"Unrelated", []change.RowRef{{Table: "streets", ID: "st1"}}, nil},
		// A push's rows together: each record once, whatever led to it.
		{"Together", []change.RowRef{{Table: "incomes", ID: h.incomes[0]}, {Table: "incomes", ID: h.incomes[1]},
			{Table: "households", ID: h.id}, {Table: "means_visits", ID: other}, {Table: "elders", ID: elder},
			{Table: "evidence_entries", ID: s.ID}, {Table: "streets", ID: "st1"}},
			sortedRefs(map[RecordRef]bool{{"means_visits", first}: true, {"means_visits", second}: true,
				{"means_visits", other}: true, {"elder_screenings", screening}: true})},
	} {
		got, err := RecordsTouched(ctx, d.rep.DB(), c.rows)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	photo := s.Entry.Attachments[0].Hash.String()
	got, err := RecordsWithAttachment(ctx, d.rep.DB(), photo)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []RecordRef{{"means_visits", first}}) {
		t.Errorf("attachment %s: %v", photo, got)
	}
	if _, err := RecordsWithAttachment(ctx, d.rep.DB(), "%"); err == nil {
		t.Error("a pattern was taken for a hash")
	}
}
