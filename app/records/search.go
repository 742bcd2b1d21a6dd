package records

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Index is an in-memory search index over the households a user may see:
// head and member names (as written, full pinyin and pinyin initials), ID
// numbers, address, community and reference code. Get it with
// HouseholdIndex, again after data changes (the store updates it for just
// the changed households); an Index is immutable and safe for concurrent
// use.
type Index struct {
	entries []indexEntry // by entryLess
}

type indexEntry struct {
	HouseholdSummary
	hay     string   // every searchable key, lower-case, joined by \x00
	head    []string // head name keys: the name, full pinyin, initials
	sortKey string   // community name, then head name in pinyin
	members []string // ids of the household's members (not deleted)
}

// sep separates keys in a haystack so no query matches across two keys.
const sep = "\x00"

// entryLess orders index entries: by community, head name in pinyin, head
// name, then id (so the order is the same however the index was made).
func entryLess(a, b *indexEntry) int {
	if c := strings.Compare(a.sortKey, b.sortKey); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// HouseholdIndex returns the search index of every household me may see.
// The store keeps the last index it made and, on the next call, reads
// again only the households changed since (by local saves or by sync; see
// replica.ChangedRows), so a search after a save does not pay for a full
// rebuild. Volunteers get ErrForbidden.
func (s *Store) HouseholdIndex(ctx context.Context, me Identity) (*Index, error) {
	if me.IsVolunteer() {
		return nil, ErrForbidden
	}
	return s.search.index(ctx, s, me)
}

// buildIndex reads the households me may see — only those in ids when ids
// is not nil — and makes their index entries, in no particular order.
func (s *Store) buildIndex(ctx context.Context, me Identity, ids []string) ([]indexEntry, error) {
	byID := map[string]*indexEntry{}
	var order []string
	keys := map[string][]string{}
	filter, args := "", []any(nil)
	if ids != nil {
		list, err := json.Marshal(ids)
		if err != nil {
			return nil, fmt.Errorf("index households: %w", err)
		}
		filter, args = ` AND h.id IN (SELECT value FROM json_each(?))`, []any{string(list)}
	}
	err := s.queryRows(ctx, "households", `SELECT `+summaryCols+`
		FROM households h LEFT JOIN communities c ON c.id = h.community_id
		WHERE h.deleted = 0`+filter, args, func(r *sql.Rows) error {
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
	if ids != nil {
		filter = ` AND household_id IN (SELECT value FROM json_each(?))`
	}
	err = s.queryRows(ctx, "member names", `SELECT id, household_id, coalesce(name,''), coalesce(id_number,'')
		FROM members WHERE deleted = 0`+filter+` ORDER BY rowid`, args, func(r *sql.Rows) error {
		var id, hid, name, idn string
		if err := r.Scan(&id, &hid, &name, &idn); err != nil {
			return err
		}
		e, ok := byID[hid]
		if !ok {
			return nil
		}
		e.members = append(e.members, id)
		keys[hid] = append(keys[hid], lower(idn))
		if name != e.HeadName {
			keys[hid] = append(keys[hid], nameKeys(name)...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]indexEntry, 0, len(order))
	for _, id := range order {
		e := byID[id]
		e.hay = strings.Join(keys[id], sep)
		out = append(out, *e)
	}
	return out, nil
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
