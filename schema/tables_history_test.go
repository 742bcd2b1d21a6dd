package schema

import "testing"

// TestHistoryTableRights checks, table by table, who may read and who may
// write the tables of issue 11 — two rules, each checked on its own.
// Volunteers touch none of them; workers never read institution finances,
// assessments or payout rolls, and write only payee accounts.
func TestHistoryTableRights(t *testing.T) {
	type rights struct{ worker, volunteer, supervisor, admin bool }
	for _, c := range []struct {
		table       string
		read, write rights
	}{
		{"entitlements", rights{true, false, true, true}, rights{false, false, true, true}},
		{"payee_accounts", rights{true, false, true, true}, rights{true, false, true, false}},
		{"payout_rolls", rights{false, false, true, true}, rights{false, false, true, true}},
		{"payout_lines", rights{false, false, true, true}, rights{false, false, true, true}},
		{"care_institutions", rights{true, false, true, true}, rights{false, false, true, true}},
		{"institution_counts", rights{true, false, true, true}, rights{false, false, true, true}},
		{"institution_finances", rights{false, false, true, true}, rights{false, false, true, true}},
		{"institution_assessments", rights{false, false, true, true}, rights{false, false, true, true}},
		{"medical_assistance", rights{true, false, true, true}, rights{false, false, true, true}},
	} {
		tb, ok := Reg.Table(c.table)
		if !ok {
			t.Fatalf("%s not in the registry", c.table)
		}
		for _, x := range []struct {
			role        Role
			read, write bool
		}{
			{RoleWorker, c.read.worker, c.write.worker},
			{RoleVolunteer, c.read.volunteer, c.write.volunteer},
			{RoleSupervisor, c.read.supervisor, c.write.supervisor},
			{RoleAdmin, c.read.admin, c.write.admin},
		} {
			if got := tb.CanRead(x.role); got != x.read {
				t.Errorf("%s: %s may read = %v, want %v", c.table, x.role, got, x.read)
			}
		}
		for _, x := range []struct {
			role  Role
			write bool
		}{
			{RoleWorker, c.write.worker}, {RoleVolunteer, c.write.volunteer},
			{RoleSupervisor, c.write.supervisor}, {RoleAdmin, c.write.admin},
		} {
			if got := tb.CanWrite(x.role); got != x.write {
				t.Errorf("%s: %s may write = %v, want %v", c.table, x.role, got, x.write)
			}
		}
	}
	// Events never change once written.
	for _, name := range []string{"entitlements", "payout_rolls", "payout_lines", "institution_counts",
		"institution_finances", "institution_assessments"} {
		if tb, _ := Reg.Table(name); !tb.AppendOnly {
			t.Errorf("%s is not append-only", name)
		}
	}
	// No worker-readable table carries institution money.
	for _, tb := range Reg.Tables() {
		if !tb.CanRead(RoleWorker) {
			continue
		}
		for _, col := range []string{"total_assets_fen", "net_assets_fen", "award_fen"} {
			if _, ok := tb.Column(col); ok {
				t.Errorf("%s.%s is readable by workers", tb.Name, col)
			}
		}
	}
}
