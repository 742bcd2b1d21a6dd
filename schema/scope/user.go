package scope

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"

	"doorstep/schema"
)

// User is a signed-in user with everything the policy needs, resolved from
// the server database at request time. The zero value sees nothing.
type User struct {
	ID   string
	Role schema.Role
	// Street is a supervisor's street; "" for a district-level supervisor.
	Street string
	// Communities a worker covers; for a street supervisor the communities of
	// their street plus any assigned directly.
	Communities map[string]bool
	// Pairings a volunteer belongs to.
	Pairings map[string]bool
	// Elders of those pairings (volunteer_pairings.elder_id).
	Elders map[string]bool
	// PairingCommunity maps each of the volunteer's pairings to the
	// community the pairing row names, when the server knows it.
	PairingCommunity map[string]string
}

// DistrictLevel reports whether the user sees the whole district.
func (u *User) DistrictLevel() bool {
	return u.Role == schema.RoleAdmin || u.Role == schema.RoleSupervisor && u.Street == ""
}

// Fingerprint summarises everything that decides what the user sees. A
// pull cursor carries it: when it changes (new communities, pairings,
// elders), the device fetches again from the start so that rows which
// became visible are not missed.
func (u *User) Fingerprint() string {
	h := sha256.New()
	put := func(s string) { h.Write([]byte(s)); h.Write([]byte{0}) }
	set := func(name string, m map[string]bool) {
		put(name)
		keys := make([]string, 0, len(m))
		for k, ok := range m {
			if ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			put(k)
		}
	}
	put(u.ID)
	put(string(u.Role))
	put(u.Street)
	if !u.DistrictLevel() {
		set("c", u.Communities)
	}
	set("p", u.Pairings)
	set("e", u.Elders)
	return hex.EncodeToString(h.Sum(nil)[:8])
}
