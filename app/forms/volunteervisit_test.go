package forms

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestVolunteerVisitSave(t *testing.T) {
	env := mustEnv(t)
	env.UserID = "v1"
	v, err := NewVolunteerVisit(ctx, env, "vv1", "e1", "p1")
	if err != nil {
		t.Fatal(err)
	}
	if v.Date != "2025-06-15" || v.Start != "09:00" || v.NextVisit != "2025-06-22" || v.CommunityID != "c1" {
		t.Fatalf("new log %+v", v)
	}
	v.Start, v.End = "08:00", "07:30"
	err = v.Save(ctx, env, nil, true)
	is, _ := AsIssues(err)
	for _, f := range []string{FieldEnd, FieldServices, FieldWellbeing} {
		if !is.Has(f) {
			t.Errorf("no issue on %s: %v", f, fields(is))
		}
	}
	v.End = "08:45"
	v.Services = []string{"chat", "cleaning"}
	v.Wellbeing, v.Need, v.Feedback = "poor", "emotional_comfort", "腿疼，需要就医"
	v.RiskFlags = []string{"health_worse", "fall"}
	if err := v.Save(ctx, env, nil, true); err != nil {
		t.Fatal(err)
	}
	var started, ended, flags, vol string
	if err := env.DB.QueryRow(`SELECT started_at, ended_at, risk_flags, volunteer_id FROM volunteer_visits WHERE id = 'vv1'`).
		Scan(&started, &ended, &flags, &vol); err != nil {
		t.Fatal(err)
	}
	wantStart := instantOf(refNow.Add(-time.Hour))
	if started != wantStart || vol != "v1" || !strings.Contains(flags, "fall") {
		t.Errorf("row started %s (want %s) ended %s flags %s volunteer %s", started, wantStart, ended, flags, vol)
	}
	var list []string
	if json.Unmarshal([]byte(flags), &list) != nil || len(list) != 2 {
		t.Errorf("risk flags %s", flags)
	}
	back, err := LoadVolunteerVisit(ctx, env, "vv1")
	if err != nil || back.Start != "08:00" || back.End != "08:45" || back.Date != "2025-06-15" {
		t.Errorf("reloaded %+v %v", back, err)
	}
}

func TestVolunteerVisitOnlyOwnPairing(t *testing.T) {
	env := mustEnv(t)
	env.UserID = "v9" // not in p1
	v, err := NewVolunteerVisit(ctx, env, "vv2", "e1", "p1")
	if err != nil {
		t.Fatal(err)
	}
	v.End, v.Start, v.Services, v.Wellbeing = "08:30", "08:00", []string{"chat"}, "good"
	is, _ := AsIssues(v.Save(ctx, env, nil, true))
	if !is.Has(FieldElder) {
		t.Errorf("saved to someone else's pairing: %v", fields(is))
	}
	if n := one[int](t, env.DB, `SELECT count(*) FROM volunteer_visits`); n != 0 {
		t.Error("row written")
	}
	// Belonging through the identity's pairing list is enough.
	if err := v.Save(ctx, env, []string{"p1"}, true); err != nil {
		t.Errorf("pairing from identity refused: %v", err)
	}
}

// TestVolunteerVisitNeedsAndCoVolunteers: a new log starts with the
// elder's first screened need; on a two-to-one pairing the other
// volunteer may be named as a co-volunteer and is stored and read back;
// someone outside the pairing, or the writer themself, is refused.
func TestVolunteerVisitNeedsAndCoVolunteers(t *testing.T) {
	env := mustEnv(t)
	exec(t, env.DB, `INSERT INTO staff(id, name, role, community_id) VALUES ('v2', '钱多', 'volunteer', 'c1'), ('v3', '孙立', 'volunteer', 'c1')`)
	exec(t, env.DB, `UPDATE volunteer_pairings SET mode = 'two_to_one', volunteer_ids = '["v1","v2"]' WHERE id = 'p1'`)
	env.UserID = "v1"
	v, err := NewVolunteerVisit(ctx, env, "vv2", "e1", "p1")
	if err != nil {
		t.Fatal(err)
	}
	if v.Need != "emotional_comfort" {
		t.Errorf("need pre-filled %q, want the elder's emotional_comfort", v.Need)
	}
	co, err := CoVolunteers(ctx, env, "p1")
	if err != nil {
		t.Fatal(err)
	}
	if len(co) != 1 || co[0].ID != "v2" || co[0].Name != "钱多" {
		t.Fatalf("co-volunteers %+v, want only v2 钱多", co)
	}
	v.End, v.Services, v.Wellbeing = "09:00", []string{"chat"}, "good"
	v.Start = "08:00"
	for _, bad := range [][]string{{"v3"}, {"v1"}} {
		v.CoVolunteerIDs = bad
		if is, ok := AsIssues(v.Save(ctx, env, nil, true)); !ok || !is.Has(FieldCoVolunteers) {
			t.Errorf("co-volunteers %v accepted", bad)
		}
	}
	v.CoVolunteerIDs = []string{"v2"}
	if err := v.Save(ctx, env, nil, true); err != nil {
		t.Fatal(err)
	}
	back, err := LoadVolunteerVisit(ctx, env, "vv2")
	if err != nil {
		t.Fatal(err)
	}
	if len(back.CoVolunteerIDs) != 1 || back.CoVolunteerIDs[0] != "v2" || back.Need != "emotional_comfort" {
		t.Errorf("read back co-volunteers %v need %q", back.CoVolunteerIDs, back.Need)
	}
}
