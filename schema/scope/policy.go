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
func CanRead(u *User, t *schema.Table, r Row) bool {
	if u == nil || !t.CanRead(u.Role) {
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

// CheckWrite returns nil when u may write row r of table t, or a *Refusal
// of kind RefuseRole (the role never writes the table) or RefuseScope (the
// row is outside the user's scope). The store calls
// it for a row as it is before a push and as the push would leave it, so a
// user can neither edit a row outside their scope nor move one out of it.
//
// District reference tables (streets, communities, staff) are written only
// by district-level users; every other write needs the row to be readable
// by the writer.
func CheckWrite(u *User, t *schema.Table, r Row) error {
	if u == nil || !t.CanWrite(u.Role) {
		role := schema.Role("")
		if u != nil {
			role = u.Role
		}
		return refuse(RefuseRole, "role %q may not write %s", role, t.Name)
	}
	if u.DistrictLevel() {
		return nil
	}
	if t.Scope == schema.ScopeDistrict {
		return refuse(RefuseScope, "%s is district reference data; only district-level users write it (row %s)", t.Name, r.ID)
	}
	if !CanRead(u, t, r) {
		return refuse(RefuseScope, "%s row %s is outside your %s", t.Name, r.ID, scopeNoun(u))
	}
	if u.Role == schema.RoleVolunteer && t.Scope == schema.ScopeCommunity {
		if c, known := u.PairingCommunity[r.Pairing]; known && c != r.Community {
			return refuse(RefuseScope, "%s row %s names community %q, its pairing is in %q", t.Name, r.ID, r.Community, c)
		}
	}
	return nil
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

func scopeNoun(u *User) string {
	switch u.Role {
	case schema.RoleVolunteer:
		return "pairings"
	case schema.RoleSupervisor:
		return "street"
	}
	return "communities"
}
