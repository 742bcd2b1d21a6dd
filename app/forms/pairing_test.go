package forms

import (
	"errors"
	"testing"

	"doorstep/schema"
)

// TestPairingLife: a volunteer may not make or end a pairing; the number
// of volunteers must fit the mode; an elder with a running pairing gets no
// second one; ending needs a reason, after which a new pairing can be
// made; an ended pairing cannot be ended again.
func TestPairingLife(t *testing.T) {
	env := mustEnv(t)
	exec(t, env.DB, `INSERT INTO staff(id, name, role, community_id) VALUES ('v2', '钱多', 'volunteer', 'c1'), ('v3', '孙立', 'volunteer', 'c1')`)
	p := NewPairing{ID: "p2", ElderID: "e1", Mode: "two_to_one", VolunteerIDs: []string{"v1", "v2"}, StartedOn: "2025-06-15"}
	if err := CreatePairing(ctx, env, schema.RoleVolunteer, p); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("a volunteer made a pairing: %v", err)
	}
	if err := EndPairing(ctx, env, schema.RoleVolunteer, "p1", "2025-06-15", "volunteer_left", ""); !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("a volunteer ended a pairing: %v", err)
	}
	bad := p
	bad.Mode = "many_to_one"
	if is, ok := AsIssues(CreatePairing(ctx, env, schema.RoleWorker, bad)); !ok || !is.Has(FieldPairingVols) {
		t.Errorf("two volunteers as many-to-one: %v", is)
	}
	bad = p
	bad.VolunteerIDs = []string{"v1", "w2"}
	if is, ok := AsIssues(CreatePairing(ctx, env, schema.RoleWorker, bad)); !ok || !is.Has(FieldPairingVols) {
		t.Errorf("a worker as volunteer: %v", is)
	}
	if is, ok := AsIssues(CreatePairing(ctx, env, schema.RoleWorker, p)); !ok || !is.Has(FieldPairingMode) {
		t.Fatalf("second running pairing of e1: %v", is)
	}
	if is, ok := AsIssues(EndPairing(ctx, env, schema.RoleWorker, "p1", "2025-06-15", "", "")); !ok || !is.Has(FieldPairingReason) {
		t.Errorf("ending without a reason: %v", is)
	}
	if err := EndPairing(ctx, env, schema.RoleWorker, "p1", "2025-06-15", "re_paired", "改为二对一"); err != nil {
		t.Fatal(err)
	}
	if _, ok := AsIssues(EndPairing(ctx, env, schema.RoleWorker, "p1", "2025-06-16", "re_paired", "")); !ok {
		t.Error("an ended pairing was ended again")
	}
	if err := CreatePairing(ctx, env, schema.RoleSupervisor, p); err != nil {
		t.Fatal(err)
	}
	got := one[string](t, env.DB, `SELECT mode || '|' || volunteer_ids || '|' || started_on FROM volunteer_pairings WHERE id = 'p2'`)
	if got != `two_to_one|["v1","v2"]|2025-06-15` {
		t.Errorf("stored pairing %s", got)
	}
	if r := one[string](t, env.DB, `SELECT ended_on || '|' || end_reason || '|' || end_note FROM volunteer_pairings WHERE id = 'p1'`); r != "2025-06-15|re_paired|改为二对一" {
		t.Errorf("ended pairing %s", r)
	}
	vols, err := Volunteers(ctx, env, "c1")
	if err != nil || len(vols) != 3 {
		t.Errorf("volunteers of c1 %v %v", vols, err)
	}
}
