package scope

import "doorstep/schema"

// Evidence tables (docs/EVIDENCE.md) and the columns their rules read.
const (
	evidenceEntries  = "evidence_entries"
	colEntryAuthor   = "user_id"
	colEntryRecordTb = "record_table"
)

// evidenceColumns are the scope columns of an evidence entry beyond its
// community and pairing: who signed it and which table its record is in.
var evidenceColumns = []string{colEntryAuthor, colEntryRecordTb}

// canReadEntry is the extra read rule of evidence entries: outside the
// office (supervisors, administrators) a user reads only the entries they
// signed themselves — a worker not the rest of the community's, a
// volunteer only their own visit-log entries of their own pairings.
func canReadEntry(u *User, r Row) bool {
	switch u.Role {
	case schema.RoleSupervisor, schema.RoleAdmin:
		return true
	case schema.RoleVolunteer:
		return r.Author != "" && r.Author == u.ID && r.RecordTable == "volunteer_visits"
	}
	return r.Author != "" && r.Author == u.ID
}

// checkEntryWrite is the write rule of evidence entries, checked before the
// role's scope rule and for every role, district-level users included: an
// entry is written once, by the user who signed it (its user_id), about a
// record in a table that user's role writes. An existing entry is never
// changed (a resent entry that changes no column is no change).
func checkEntryWrite(u *User, t *schema.Table, w Write) *Refusal {
	id := w.After.ID
	if w.Before != nil && len(w.Columns) > 0 {
		return refuse(RefuseScope, "%s row %s is signed evidence; it is never changed", t.Name, id)
	}
	for _, r := range []*Row{w.Before, &w.After} {
		if r == nil {
			continue
		}
		if r.Author == "" || r.Author != u.ID {
			return refuse(RefuseScope, "%s row %s is signed by user %q; only that user submits it", t.Name, id, r.Author)
		}
		rt, ok := schema.Reg.Table(r.RecordTable)
		if !ok || !rt.CanWrite(u.Role) {
			return refuse(RefuseScope, "%s row %s is about a %q record, which role %q does not write", t.Name, id, r.RecordTable, u.Role)
		}
	}
	return nil
}
