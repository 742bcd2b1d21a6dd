package scope

import (
	"slices"

	"doorstep/schema"
)

// Write is one row write as the policy sees it.
type Write struct {
	// Before is the row as stored; nil when the write creates it.
	Before *Row
	// After is the row as the write would leave it (the written scope
	// values, whether or not they would win the merge, over the stored
	// ones).
	After Row
	// Columns are the columns the write changes (for a new row, every
	// column it writes).
	Columns []string
}

// inspectorColumns are the spot-check columns an inspector records: the
// checklist, the outcome and its deadline. An inspector from outside the
// check's community writes these of a check assigned to them, nothing else.
var inspectorColumns = map[string]bool{
	"checked_at": true, "found": true, "living_there": true, "makeup_matches": true,
	"assets_fit": true, "recomputed_income_fen": true, "benefit_paid_full": true,
	"fees_charged": true, "neighbour_interview": true, "outcome": true, "deadline": true,
	"notes": true, "state": true, "author_id": true,
}

// InspectorColumns lists, sorted, the columns of table an assigned
// inspector may write wherever the row is (the result columns of a spot
// check); nil for other tables.
func InspectorColumns(table string) []string {
	if table != spotChecks {
		return nil
	}
	out := make([]string, 0, len(inspectorColumns))
	for c := range inspectorColumns {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// ColumnRules reports whether who may write a row of t can depend on which
// columns the write changes (the inspectors' result columns; an evidence
// entry resent unchanged is no edit), so the
// caller must know every changed column, not only the scope columns.
func ColumnRules(t *schema.Table) bool { return t.Name == spotChecks || t.Name == evidenceEntries }

// CheckWrite returns nil when u may make write w to a row of table t, or a
// *Refusal: RefuseRole when the user's role never writes the table,
// RefuseScope when the row as stored or as the write would leave it is
// outside what the user may write. It is a rule of its own, not "whatever
// the user may read":
//
//   - District-level users (administrators, district supervisors) write
//     every table their role writes; district reference tables (streets,
//     communities, staff) are written only by them.
//   - Every other write needs the row's community (or street), before and
//     after the write, to be one the user writes in: a worker's
//     communities, a street supervisor's street and its communities. A row
//     with an empty community is district-level only.
//   - Volunteers write rows of their own pairings only, naming the
//     pairing's community.
//   - An unannounced spot check is not written by the household's
//     caseworker unless they are one of its inspectors (they may not even
//     see it).
//   - Inspectors see their checks in any community, but outside their own
//     communities they may only record the result columns
//     (InspectorColumns) of an existing check that lists them as inspector.
//   - A row about another row (a conflict record, a review event) also
//     needs its subject, when it has one, to be readable by the user.
//   - An evidence entry is written only as a new row, by the user who
//     signed it, about a record in a table the user's role writes — by
//     district-level users too (checkEntryWrite).
func CheckWrite(u *User, t *schema.Table, w Write) error {
	id := w.After.ID
	if u == nil || !t.CanWrite(u.Role) {
		role := schema.Role("")
		if u != nil {
			role = u.Role
		}
		return refuse(RefuseRole, "role %q may not write %s", role, t.Name)
	}
	if t.Name == evidenceEntries {
		if err := checkEntryWrite(u, t, w); err != nil {
			return err
		}
	}
	if u.DistrictLevel() {
		return nil
	}
	if t.Scope == schema.ScopeDistrict {
		return refuse(RefuseScope, "%s is district reference data; only district-level users write it (row %s)", t.Name, id)
	}
	states := []Row{w.After}
	if w.Before != nil {
		states = []Row{*w.Before, w.After}
	}
	var first *Refusal
	for _, r := range states {
		if err := writableAt(u, t, r); err != nil {
			first = err
			break
		}
	}
	if first == nil {
		return nil
	}
	if inspectorResult(u, t, w) {
		return nil
	}
	return first
}

// writableAt says whether the row, in one state, lies where u writes.
func writableAt(u *User, t *schema.Table, r Row) *Refusal {
	if st, _, ok := Subject(t, r); ok {
		subj, known := schema.Reg.Table(st)
		if !known || r.Subject == nil || !CanRead(u, subj, *r.Subject) {
			return refuse(RefuseScope, "%s row %s is about a %s row you may not see", t.Name, r.ID, st)
		}
	}
	switch u.Role {
	case schema.RoleVolunteer:
		if !pairedWith(u, t, r) {
			return refuse(RefuseScope, "%s row %s is outside your pairings", t.Name, r.ID)
		}
		if c, known := u.PairingCommunity[r.Pairing]; !known || c != r.Community {
			return refuse(RefuseScope, "%s row %s names community %q, its pairing is in %q", t.Name, r.ID, r.Community, c)
		}
		return nil
	case schema.RoleSupervisor:
		if t.Scope == schema.ScopeStreet {
			if r.Street == "" || r.Street != u.Street {
				return refuse(RefuseScope, "%s row %s is outside your street", t.Name, r.ID)
			}
			return nil
		}
		if r.Community == "" || !u.Communities[r.Community] {
			return refuse(RefuseScope, "%s row %s is outside your street", t.Name, r.ID)
		}
		return nil
	case schema.RoleWorker:
		if t.Scope != schema.ScopeCommunity || r.Community == "" || !u.Communities[r.Community] {
			return refuse(RefuseScope, "%s row %s is outside your communities", t.Name, r.ID)
		}
		if t.Name == spotChecks && r.Unannounced && r.Caseworker == u.ID && !slices.Contains(r.Inspectors, u.ID) {
			return refuse(RefuseScope, "%s row %s is an unannounced check of your own household", t.Name, r.ID)
		}
		return nil
	}
	return refuse(RefuseRole, "role %q may not write %s", u.Role, t.Name)
}

// inspectorResult is the inspectors' exception: a worker listed as an
// inspector of an existing spot check (as stored and after the write)
// records its result columns, and nothing else, wherever the check is.
func inspectorResult(u *User, t *schema.Table, w Write) bool {
	if u.Role != schema.RoleWorker || t.Name != spotChecks || w.Before == nil {
		return false
	}
	if !slices.Contains(w.Before.Inspectors, u.ID) || !slices.Contains(w.After.Inspectors, u.ID) {
		return false
	}
	if len(w.Columns) == 0 {
		return false
	}
	for _, c := range w.Columns {
		if !inspectorColumns[c] {
			return false
		}
	}
	return true
}
