package store

import (
	"slices"
	"sort"
	"strings"

	"doorstep/schema"
	"doorstep/schema/scope"
)

// A pull should cost what the device receives, not the district: a
// volunteer's first sync reads its few thousand rows, not every row. So
// Pull gives the engine a rowFilter: a superset, computed from the read
// policy (scope.CanRead), of the changed rows the user may see — every
// row of the tables where deciding takes more than a row's scope and
// pairing values (district tables, spot checks, rows about other rows)
// unless the user reads none of them outside their scope
// (scope.ScopeBounded: a worker's review events) or their pairings
// (scope.PairingBounded: a volunteer's evidence entries), and elsewhere only rows
// whose scope or pairing value is the user's —
// plus the rows that moved during the device's round (they may have to be
// sent as gone). Pull still decides every listed row exactly
// (visibleRows); the filter only spares it the rows it would drop.
//
// The PostgreSQL engine reads the filter through indexes on sync_rows
// (scope, seq) and (pairing, seq); the SQLite engine through its pull
// index (pullindex.go).

// rowFilter is a superset of the rows a user may receive. nil means every
// row (a district-level user).
type rowFilter struct {
	// All: tables whose every changed row is listed.
	All []string
	// ScopeTables' rows are listed when their scope value is in Scopes.
	ScopeTables, Scopes []string
	// PairTables' rows are listed when their pairing value is in
	// Pairings.
	PairTables, Pairings []string
	// MovedTables/MovedIDs (pairwise) are rows listed whatever their
	// values: they moved during the device's round.
	MovedTables, MovedIDs []string
}

// pullFilter builds the filter of u's pull; mv are the moves of the
// device's round.
func pullFilter(u *scope.User, mv moves) *rowFilter {
	if u.DistrictLevel() {
		return nil
	}
	about := scope.AboutTables()
	f := &rowFilter{}
	for _, t := range schema.Reg.Tables() {
		if !t.CanRead(u.Role) {
			continue
		}
		if t.Scope == schema.ScopeDistrict || needsRead(t) || slices.Contains(about, t.Name) {
			if !scope.ScopeBounded(u, t) && !scope.PairingBounded(u, t) {
				f.All = append(f.All, t.Name)
				continue
			}
		}
		switch u.Role {
		case schema.RoleVolunteer:
			if t.Pairing != schema.NoPairingAccess {
				f.PairTables = append(f.PairTables, t.Name)
			}
		case schema.RoleSupervisor:
			f.ScopeTables = append(f.ScopeTables, t.Name)
		case schema.RoleWorker:
			if t.Scope == schema.ScopeCommunity {
				f.ScopeTables = append(f.ScopeTables, t.Name)
			}
		}
	}
	f.Scopes = keys(u.Communities)
	if u.Street != "" {
		f.Scopes = append(f.Scopes, u.Street)
	}
	f.Pairings = append(keys(u.Pairings), keys(u.Elders)...)
	for k := range mv {
		t, id, _ := strings.Cut(k, "/")
		f.MovedTables, f.MovedIDs = append(f.MovedTables, t), append(f.MovedIDs, id)
	}
	return f
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k, ok := range m {
		if ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
