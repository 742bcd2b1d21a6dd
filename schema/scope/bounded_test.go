package scope

import (
	"testing"

	"doorstep/schema"
)

// TestScopeBounded checks ScopeBounded against CanRead on every table: for
// each user and table it calls bounded, no row CanRead admits has a scope
// value outside the user's, over rows of every combination of community,
// street, spot-check roles, subject and author; and it is false where
// such a row exists (an inspector's check elsewhere).
func TestScopeBounded(t *testing.T) {
	users := []*User{worker, caseworker, inspector, volunteer, streetSup, districtSup, admin}
	inScope := func(u *User, tb *schema.Table, r Row) bool {
		if tb.Scope == schema.ScopeStreet {
			return r.Street != "" && r.Street == u.Street
		}
		return r.Community != "" && u.Communities[r.Community]
	}
	var rows []Row
	for _, c := range []string{"", "c1", "c2", "c9"} {
		for _, st := range []string{"", "st1", "st2"} {
			for _, insp := range [][]string{nil, {"in"}, {"w1"}} {
				for _, unannounced := range []bool{false, true} {
					for _, author := range []string{"", "w1", "cw", "s1"} {
						for _, subj := range []*Row{nil, {ID: "h", Community: "c1"}, {ID: "h", Community: "c9"}} {
							rows = append(rows, Row{ID: "r", Community: c, Street: st, Pairing: "p1", Inspectors: insp,
								Unannounced: unannounced, Caseworker: "cw", Author: author, RecordTable: "households",
								SubjectTable: "households", SubjectID: "h", Subject: subj})
						}
					}
				}
			}
		}
	}
	sawUnbounded := false
	for _, u := range users {
		for _, tb := range schema.Reg.Tables() {
			bounded := ScopeBounded(u, tb)
			for _, r := range rows {
				if !CanRead(u, tb, r) || inScope(u, tb, r) {
					continue
				}
				if bounded {
					t.Errorf("%s %s reads a row of %s outside their scope (%+v), yet ScopeBounded", u.Role, u.ID, tb.Name, r)
				}
				if u == inspector && tb.Name == spotChecks {
					sawUnbounded = true
				}
			}
		}
	}
	if !sawUnbounded {
		t.Error("no inspector read a spot check outside their communities: the test rows miss the case ScopeBounded excludes")
	}
	if !ScopeBounded(worker, table(t, "review_events")) || !ScopeBounded(streetSup, table(t, "spot_checks")) {
		t.Error("review events for a worker, spot checks for a street supervisor: want bounded")
	}
}

// TestPairingBounded checks PairingBounded against CanRead on every table:
// for each user and table it calls bounded, no row CanRead admits has a
// pairing value outside the user's pairings and elders, over rows of
// every combination of pairing value, community, author, record table and
// subject; and a volunteer does read rows of such tables (the check is
// not vacuous).
func TestPairingBounded(t *testing.T) {
	users := []*User{worker, caseworker, inspector, volunteer, streetSup, districtSup, admin}
	var rows []Row
	for _, p := range []string{"", "p1", "e1", "p9", "e9"} {
		for _, c := range []string{"", "c1", "c9"} {
			for _, author := range []string{"", "v1", "w1"} {
				for _, rt := range []string{"volunteer_visits", "households"} {
					for _, subj := range []*Row{nil, {ID: "x", Pairing: "p1", Community: "c1"}, {ID: "x", Pairing: "p9", Community: "c9"}} {
						rows = append(rows, Row{ID: "r", Community: c, Pairing: p, Author: author, RecordTable: rt,
							SubjectTable: "volunteer_pairings", SubjectID: "x", Subject: subj})
					}
				}
			}
		}
	}
	read := map[string]bool{}
	for _, u := range users {
		for _, tb := range schema.Reg.Tables() {
			if !PairingBounded(u, tb) {
				continue
			}
			for _, r := range rows {
				if !CanRead(u, tb, r) {
					continue
				}
				read[tb.Name] = true
				if !u.Pairings[r.Pairing] && !u.Elders[r.Pairing] {
					t.Errorf("%s %s reads a row of %s whose pairing value %q is not theirs (%+v), yet PairingBounded", u.Role, u.ID, tb.Name, r.Pairing, r)
				}
			}
		}
	}
	for _, name := range []string{"evidence_entries", "volunteer_visits", "elders"} {
		if !read[name] {
			t.Errorf("the volunteer read no row of %s: the test rows miss what PairingBounded is for", name)
		}
	}
	if PairingBounded(volunteer, table(t, "communities")) || PairingBounded(worker, table(t, "elders")) {
		t.Error("a district table for a volunteer, a community table for a worker: want not bounded by pairing")
	}
}
