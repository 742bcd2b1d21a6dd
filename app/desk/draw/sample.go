package draw

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"math"
	"slices"
	"strconv"
)

// Candidate is an active household that may be drawn.
type Candidate struct {
	HouseholdID  string
	Head         string
	CommunityID  string
	Community    string
	CaseworkerID string
	// Risks are the flags it carries (RiskStaffRelative, RiskShortVisit, …).
	Risks []string
	// LastVisitStaff are the staff at its last approved visit.
	LastVisitStaff []string
}

// StaffRelative reports whether the household is a staff relative.
func (c Candidate) StaffRelative() bool { return slices.Contains(c.Risks, RiskStaffRelative) }

// Lottery returns a household's lottery number for a seed: a number in
// (0, 1] read from SHA-256("<seed>:<household id>"). It depends on nothing
// else, so anyone with the seed can recompute the draw.
func Lottery(seed int64, id string) float64 {
	h := sha256.Sum256([]byte(strconv.FormatInt(seed, 10) + ":" + id))
	return float64(binary.BigEndian.Uint64(h[:8])>>11+1) / (1 << 53)
}

// key is the weighted-sampling key (Efraimidis–Spirakis): the households
// with the largest u^(1/w) form a weighted random sample without
// replacement. Compared as logarithms to keep precision.
func key(seed int64, c Candidate, riskWeight int) float64 {
	w := 1.0
	if riskWeight > 1 {
		for _, r := range c.Risks {
			if r != RiskStaffRelative {
				w *= float64(riskWeight)
			}
		}
	}
	return math.Log(Lottery(seed, c.HouseholdID)) / w
}

// sampleSize returns how many households of n to draw.
func sampleSize(n, count, ratePct int) int {
	if count > 0 {
		return min(count, n)
	}
	return min(n, (n*ratePct+99)/100)
}

// Select draws the sample from pop: the share relativePct (rounded up) of
// staff-relative households first, then the rest up to size from the
// others, by lottery key, in strata of community and caseworker when
// stratify is set (proportional allocation, largest remainders). The
// result is sorted by community then household id, independent of pop's
// order.
func Select(pop []Candidate, size int, stratify bool, riskWeight int, relativePct int, seed int64) []Candidate {
	var rel, rest []Candidate
	for _, c := range pop {
		if c.StaffRelative() {
			rel = append(rel, c)
		} else {
			rest = append(rest, c)
		}
	}
	out := top(rel, (len(rel)*relativePct+99)/100, seed, 0)
	m := min(max(0, size-len(out)), len(rest))
	if !stratify {
		out = append(out, top(rest, m, seed, riskWeight)...)
	} else {
		strata := map[string][]Candidate{}
		for _, c := range rest {
			k := c.CommunityID + "\x00" + c.CaseworkerID
			strata[k] = append(strata[k], c)
		}
		for k, q := range allocate(strata, m, len(rest)) {
			out = append(out, top(strata[k], q, seed, riskWeight)...)
		}
	}
	slices.SortFunc(out, func(a, b Candidate) int {
		return cmp.Or(cmp.Compare(a.CommunityID, b.CommunityID), cmp.Compare(a.HouseholdID, b.HouseholdID))
	})
	return out
}

// top returns the n candidates with the largest keys.
func top(cs []Candidate, n int, seed int64, riskWeight int) []Candidate {
	type keyed struct {
		c Candidate
		k float64
	}
	ks := make([]keyed, len(cs))
	for i, c := range cs {
		ks[i] = keyed{c, key(seed, c, riskWeight)}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(b.k, a.k), cmp.Compare(a.c.HouseholdID, b.c.HouseholdID))
	})
	out := make([]Candidate, 0, n)
	for _, x := range ks[:min(n, len(ks))] {
		out = append(out, x.c)
	}
	return out
}

// allocate shares m draws among strata in proportion to their sizes (of
// total): each gets the floor of its share, and the remaining draws go to
// the largest remainders (ties: larger stratum, then key order).
func allocate(strata map[string][]Candidate, m, total int) map[string]int {
	out := map[string]int{}
	if total == 0 || m == 0 {
		return out
	}
	keys := make([]string, 0, len(strata))
	for k := range strata {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	left := m
	rem := map[string]int{}
	for _, k := range keys {
		n := len(strata[k])
		out[k] = n * m / total
		rem[k] = n * m % total
		left -= out[k]
	}
	slices.SortStableFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(rem[b], rem[a]), cmp.Compare(len(strata[b]), len(strata[a])))
	})
	for _, k := range keys {
		if left == 0 {
			break
		}
		if out[k] < len(strata[k]) {
			out[k]++
			left--
		}
	}
	return out
}
