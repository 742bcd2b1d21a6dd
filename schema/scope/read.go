package scope

import (
	"slices"

	"doorstep/schema"
)

// CanRead reports whether u may receive row r of table t.
//
//   - Workers read their communities' rows. An unannounced spot check is
//     hidden from the household's caseworker unless they are one of its
//     inspectors; inspectors see their checks even in other communities.
//   - Volunteers read district reference data and, through their pairings,
//     the paired elders, the pairings and their visit logs; nothing else.
//   - Supervisors read their street (its street rows and the communities
//     of the street) or, with no street, the whole district.
//   - Community rows with an empty community are district-level only.
//   - A row about another row (a conflict record, a review event) also needs
//     its subject to be readable.
//   - An evidence entry is read by the office and by the user who signed it
//     only (a volunteer: their own visit-log entries).
func CanRead(u *User, t *schema.Table, r Row) bool {
	if u == nil || !t.CanRead(u.Role) {
		return false
	}
	if t.Name == evidenceEntries && !canReadEntry(u, r) {
		return false
	}
	if u.DistrictLevel() || t.Scope == schema.ScopeDistrict {
		return true
	}
	if st, _, ok := Subject(t, r); ok {
		subj, known := schema.Reg.Table(st)
		if !known || r.Subject == nil || !CanRead(u, subj, *r.Subject) {
			return false
		}
	}
	switch u.Role {
	case schema.RoleVolunteer:
		return pairedWith(u, t, r)
	case schema.RoleSupervisor:
		if t.Scope == schema.ScopeStreet {
			return r.Street != "" && r.Street == u.Street
		}
		return r.Community != "" && u.Communities[r.Community]
	case schema.RoleWorker:
		if t.Scope != schema.ScopeCommunity {
			return false
		}
		if t.Name == spotChecks {
			inspector := slices.Contains(r.Inspectors, u.ID)
			if inspector {
				return true
			}
			if r.Unannounced && r.Caseworker == u.ID {
				return false
			}
		}
		return r.Community != "" && u.Communities[r.Community]
	}
	return false
}

func pairedWith(u *User, t *schema.Table, r Row) bool {
	switch t.Pairing {
	case schema.ByElder:
		return r.Pairing != "" && u.Elders[r.Pairing]
	case schema.ByPairing:
		return r.Pairing != "" && u.Pairings[r.Pairing]
	}
	return false
}

// ScopeBounded reports whether every row of t that u may read has its
// scope value among u's: its ScopeColumn value one of u.Communities (a
// community table) or u.Street (a street table). Then a pull can look for
// u's rows of t by scope value alone, even where CanRead needs more of
// each row to decide (rows about other rows, evidence entries). It is
// false for district-level users, district tables, volunteers (who read
// by pairing) and, for workers, spot checks (an inspector reads checks in
// other communities).
func ScopeBounded(u *User, t *schema.Table) bool {
	if u == nil || u.DistrictLevel() || t.Scope == schema.ScopeDistrict {
		return false
	}
	switch u.Role {
	case schema.RoleSupervisor:
		return true
	case schema.RoleWorker:
		return t.Scope == schema.ScopeCommunity && t.Name != spotChecks
	}
	return false
}

// PairingBounded reports whether every row of t that u may read has its
// pairing value (its PairingColumn's, the id when that is "id") among u's
// pairings or paired elders: true for a volunteer on every table but the
// district's, since a volunteer reads a row only through a pairing
// (pairedWith), whatever else its rule needs (an evidence entry's author,
// a conflict's subject). Then a pull can look for u's rows of t by
// pairing value alone — a volunteer's pull no longer lists every evidence
// entry of the district to send a few.
func PairingBounded(u *User, t *schema.Table) bool {
	return u != nil && u.Role == schema.RoleVolunteer && t.Scope != schema.ScopeDistrict
}
