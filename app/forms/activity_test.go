package forms

import (
	"errors"
	"testing"

	"doorstep/schema"
)

// TestGroupActivitySave: a 三小 activity needs its type, theme, date (not
// in the future), place, volunteers and a whole number of person-times;
// a volunteer may not record one; a worker's is stored, and saved again
// after an edit it is the same row.
func TestGroupActivitySave(t *testing.T) {
	env := mustEnv(t)
	a := NewGroupActivity(env, "ga1", "c1")
	is := a.Validate(env.Today())
	for _, f := range []string{FieldActivityKind, FieldActivityTheme, FieldVenue, FieldActivityVols, FieldPersonTimes} {
		if !is.Has(f) {
			t.Errorf("no issue on %s: %v", f, fields(is))
		}
	}
	a.Kind, a.Theme, a.Venue, a.VolunteerIDs = schema.ActivityKinds[0], schema.ActivityThemes[0], "社区活动室", []string{"v1"}
	a.PersonTimes, a.HeldOn = "0", "2025-06-16"
	is = a.Validate(env.Today())
	if !is.Has(FieldPersonTimes) || !is.Has(FieldHeldOn) {
		t.Errorf("zero person-times and tomorrow's date accepted: %v", fields(is))
	}
	a.PersonTimes, a.HeldOn = "８０", "2025-06-14" // full-width digits as a Chinese keyboard types them
	if err := a.Save(ctx, env, schema.RoleVolunteer); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("a volunteer recorded an activity: %v", err)
	}
	if err := a.Save(ctx, env, schema.RoleWorker); err != nil {
		t.Fatal(err)
	}
	a.PersonTimes = "85"
	if err := a.Save(ctx, env, schema.RoleWorker); err != nil {
		t.Fatal(err)
	}
	got := one[string](t, env.DB, `SELECT kind || '|' || held_on || '|' || venue || '|' || volunteer_ids || '|' || headcount
		FROM group_activities WHERE id = 'ga1'`)
	if want := schema.ActivityKinds[0] + `|2025-06-14|社区活动室|["v1"]|85`; got != want {
		t.Errorf("stored %s, want %s", got, want)
	}
	if n := one[int](t, env.DB, `SELECT count(*) FROM group_activities`); n != 1 {
		t.Errorf("%d rows after two saves", n)
	}
}
