package draw

import (
	"cmp"
	"slices"

	"doorstep/app/desk"
)

// Inspector is a staff member who can carry out spot checks.
type Inspector struct {
	ID          string
	Name        string
	CommunityID string
}

// Check is one drawn household with its inspectors.
type Check struct {
	Candidate
	InspectorIDs []string
}

// Assign gives each drawn household k inspectors from pool, never its own
// caseworker. Among the others it prefers, in order: staff who were not at
// the household's last approved visit, staff from another community, the
// least loaded so far, then the lottery of seed. It is deterministic.
// Too small a pool is desk.ErrInvalid with code "inspectors".
func Assign(drawn []Candidate, pool []Inspector, k int, seed int64) ([]Check, error) {
	load := map[string]int{}
	out := make([]Check, 0, len(drawn))
	for _, c := range drawn {
		var cands []Inspector
		for _, in := range pool {
			if in.ID != c.CaseworkerID && in.ID != "" {
				cands = append(cands, in)
			}
		}
		if len(cands) < k {
			return nil, desk.Invalid("inspectors", "household %s: %d possible inspectors, %d needed",
				c.HouseholdID, len(cands), k)
		}
		b2i := func(b bool) int {
			if b {
				return 1
			}
			return 0
		}
		slices.SortFunc(cands, func(a, b Inspector) int {
			return cmp.Or(
				cmp.Compare(b2i(slices.Contains(c.LastVisitStaff, a.ID)), b2i(slices.Contains(c.LastVisitStaff, b.ID))),
				cmp.Compare(b2i(a.CommunityID == c.CommunityID), b2i(b.CommunityID == c.CommunityID)),
				cmp.Compare(load[a.ID], load[b.ID]),
				cmp.Compare(Lottery(seed, c.HouseholdID+":"+a.ID), Lottery(seed, c.HouseholdID+":"+b.ID)),
				cmp.Compare(a.ID, b.ID))
		})
		ch := Check{Candidate: c}
		for _, in := range cands[:k] {
			ch.InspectorIDs = append(ch.InspectorIDs, in.ID)
			load[in.ID]++
		}
		slices.Sort(ch.InspectorIDs)
		out = append(out, ch)
	}
	return out, nil
}
