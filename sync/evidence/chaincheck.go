package evidence

import (
	"fmt"
	"sort"
)

// checkChains checks every device's chain of authentic entries: indexes
// 0, 1, 2, … with no gap; one entry per index (no fork, no duplicate);
// each entry's prev naming the hash of the entry before it; clocks rising
// along the chain. Entries that are not authentic take no part: a forged
// entry neither breaks nor mends a chain, it is flagged on its own.
func checkChains(checks []*entryCheck) {
	bySite := map[string]map[uint64][]*entryCheck{}
	for _, c := range checks {
		if !c.authentic {
			continue
		}
		e := c.s.Entry
		if bySite[e.Site] == nil {
			bySite[e.Site] = map[uint64][]*entryCheck{}
		}
		bySite[e.Site][e.Index] = append(bySite[e.Site][e.Index], c)
	}
	for _, byIndex := range bySite {
		indexes := make([]uint64, 0, len(byIndex))
		for i, cs := range byIndex {
			indexes = append(indexes, i)
			sort.Slice(cs, func(a, b int) bool { return cs[a].s.ID < cs[b].s.ID })
		}
		sort.Slice(indexes, func(a, b int) bool { return indexes[a] < indexes[b] })
		for _, i := range indexes {
			distinct := distinctEntries(byIndex[i])
			for _, c := range byIndex[i] {
				if distinct[c.hash] != c {
					c.reason(&c.chain, Reason{Code: CodeChainDuplicate, Detail: fmt.Sprintf("same entry as %s", distinct[c.hash].s.ID)})
				}
				if len(distinct) > 1 {
					c.reason(&c.chain, Reason{Code: CodeChainFork, Detail: fmt.Sprintf("%d different entries at index %d", len(distinct), i)})
				}
			}
			for _, c := range distinct {
				checkLink(c, i, byIndex)
			}
		}
	}
}

// distinctEntries maps each entry hash at one index to its first entry.
func distinctEntries(cs []*entryCheck) map[Hash]*entryCheck {
	out := map[Hash]*entryCheck{}
	for _, c := range cs {
		if _, ok := out[c.hash]; !ok {
			out[c.hash] = c
		}
	}
	return out
}

// checkLink checks entry c at index i against the entries at i-1.
func checkLink(c *entryCheck, i uint64, byIndex map[uint64][]*entryCheck) {
	e := c.s.Entry
	if i == 0 {
		if !e.Prev.IsZero() {
			c.reason(&c.chain, Reason{Code: CodeChainBroken, Detail: "the first entry names a predecessor"})
		}
		return
	}
	preds := byIndex[i-1]
	if len(preds) == 0 {
		c.reason(&c.chain, Reason{Code: CodeChainGap, Detail: fmt.Sprintf("entry %d of device %s is missing", i-1, e.Site)})
		return
	}
	for _, p := range preds {
		if p.hash == e.Prev {
			if e.HLC <= p.s.Entry.HLC {
				c.reason(&c.chain, Reason{Code: CodeChainOrder,
					Detail: fmt.Sprintf("clock %s is not after %s of entry %d", e.HLC, p.s.Entry.HLC, i-1)})
			}
			return
		}
	}
	c.reason(&c.chain, Reason{Code: CodeChainBroken, Detail: fmt.Sprintf("prev_hash is not the hash of entry %d", i-1)})
}
