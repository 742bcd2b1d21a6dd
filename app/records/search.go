package records

import (
	"context"
	"database/sql"
	"slices"
	"strings"
)

// Index is an in-memory search index over the households a user may see:
// head and member names (as written, full pinyin and pinyin initials), ID
// numbers, address, community and reference code. Build it with
// HouseholdIndex and rebuild it after data changes; an Index is immutable
// and safe for concurrent use.
type Index struct {
	entries []indexEntry
}

type indexEntry struct {
	HouseholdSummary
	hay     string   // every searchable key, lower-case, joined by \x00
	head    []string // head name keys: the name, full pinyin, initials
	sortKey string   // community name, then head name in pinyin
}

// sep separates keys in a haystack so no query matches across two keys.
const sep = "\x00"

// HouseholdIndex reads every household me may see and indexes it.
// Volunteers get ErrForbidden.
func (s *Store) HouseholdIndex(ctx context.Context, me Identity) (*Index, error) {
	if me.IsVolunteer() {
		return nil, ErrForbidden
	}
	byID := map[string]*indexEntry{}
	var order []string
	keys := map[string][]string{}
	err := s.queryRows(ctx, "households", `SELECT `+summaryCols+`
		FROM households h LEFT JOIN communities c ON c.id = h.community_id
		WHERE h.deleted = 0`, nil, func(r *sql.Rows) error {
		var e indexEntry
		if err := scanSummary(r, &e.HouseholdSummary); err != nil {
			return err
		}
		if !me.InCommunity(e.CommunityID) {
			return nil
		}
		e.head = nameKeys(e.HeadName)
		e.sortKey = e.Community + sep + pinyinSortKey(e.HeadName) + sep + e.HeadName
		byID[e.ID] = &e
		order = append(order, e.ID)
		keys[e.ID] = slices.Concat(e.head, []string{lower(e.Address), lower(e.Community), lower(e.RefCode), lower(e.CaseNo)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = s.queryRows(ctx, "member names", `SELECT household_id, coalesce(name,''), coalesce(id_number,'')
		FROM members WHERE deleted = 0`, nil, func(r *sql.Rows) error {
		var hid, name, idn string
		if err := r.Scan(&hid, &name, &idn); err != nil {
			return err
		}
		if _, ok := byID[hid]; !ok {
			return nil
		}
		keys[hid] = append(keys[hid], lower(idn))
		if name != byID[hid].HeadName {
			keys[hid] = append(keys[hid], nameKeys(name)...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ix := &Index{entries: make([]indexEntry, 0, len(order))}
	for _, id := range order {
		e := byID[id]
		e.hay = strings.Join(keys[id], sep)
		ix.entries = append(ix.entries, *e)
	}
	slices.SortFunc(ix.entries, func(a, b indexEntry) int { return strings.Compare(a.sortKey, b.sortKey) })
	return ix, nil
}

// nameKeys returns a name as written followed by its pinyin spellings (all
// full spellings, then all initials).
func nameKeys(name string) []string {
	full, initials := PinyinKeys(name)
	return slices.Concat([]string{lower(name)}, full, initials)
}

func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Len returns the number of indexed households.
func (ix *Index) Len() int { return len(ix.entries) }

// Search returns the households matching every word of query, best first:
// a head of household whose name (or its pinyin or initials) equals a word
// comes first, then heads starting with it, then any other match (a member,
// ID number, address, community or reference code containing it). Within a
// rank the order is by community, then head name. An empty query returns
// every household.
func (ix *Index) Search(query string) []HouseholdSummary {
	words := strings.Fields(strings.ToLower(query))
	type hit struct {
		rank int
		i    int
	}
	hits := make([]hit, 0, 64)
	for i := range ix.entries {
		e := &ix.entries[i]
		ok := true
		for _, w := range words {
			if !strings.Contains(e.hay, w) {
				ok = false
				break
			}
		}
		if ok {
			hits = append(hits, hit{rank: headRank(e.head, words), i: i})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return a.rank - b.rank })
	out := make([]HouseholdSummary, len(hits))
	for j, h := range hits {
		out[j] = ix.entries[h.i].HouseholdSummary
	}
	return out
}

// headRank is 0 when a query word equals one of the head's keys, 1 when one
// starts one, 2 otherwise.
func headRank(head, words []string) int {
	rank := 2
	for _, w := range words {
		for _, k := range head {
			if k == w {
				return 0
			}
			if strings.HasPrefix(k, w) {
				rank = 1
			}
		}
	}
	return rank
}
