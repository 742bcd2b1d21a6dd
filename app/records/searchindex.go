package records

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"

	"doorstep/sync/change"
	"doorstep/sync/replica"
)

// searchCache keeps the last household index a Store made, with the
// replica Mark it was read at, so the next HouseholdIndex reads only the
// households changed since. The zero value is empty and ready.
type searchCache struct {
	mu   sync.Mutex
	who  string // the identity the index is for (JSON)
	ix   *Index
	mark replica.Mark
	// rebuilds and updates count full builds and incremental updates (for
	// tests and benchmarks).
	rebuilds, updates int
}

// indexTables are the tables whose rows an index entry shows.
var indexTables = []string{"households", "members", "communities"}

// index returns the index for me, updating the cached one when it can.
func (c *searchCache) index(ctx context.Context, s *Store, me Identity) (*Index, error) {
	who, err := json.Marshal(me)
	if err != nil {
		return nil, fmt.Errorf("index households: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	mark := c.mark
	if c.ix == nil || c.who != string(who) {
		mark = replica.Mark{}
	}
	// The mark is read before the data, so a change committed meanwhile is
	// read again next time rather than missed.
	changed, next, full, err := replica.ChangedRows(ctx, s.db, mark, indexTables...)
	if err != nil {
		// Not a replica database: no change tracking, rebuild every time.
		c.ix = nil
		return s.fullIndex(ctx, me)
	}
	var ix *Index
	if full || len(changed) > max(256, len(c.ix.entries)/4) {
		c.rebuilds++
		ix, err = s.fullIndex(ctx, me)
	} else {
		c.updates++
		ix, err = s.updateIndex(ctx, me, c.ix, changed)
	}
	if err != nil {
		return nil, err
	}
	c.who, c.ix, c.mark = string(who), ix, next
	return ix, nil
}

// fullIndex builds the index of every household me may see.
func (s *Store) fullIndex(ctx context.Context, me Identity) (*Index, error) {
	entries, err := s.buildIndex(ctx, me, nil)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(entries, func(a, b indexEntry) int { return entryLess(&a, &b) })
	return &Index{entries: entries}, nil
}

// updateIndex returns old with the households the changed rows touch read
// again: a changed household; the household a changed member belongs to
// now and the one it belonged to (a member moved or deleted); every
// household of a changed community (its name is shown). Households that
// are gone, deleted or out of me's communities leave the index.
func (s *Store) updateIndex(ctx context.Context, me Identity, old *Index, changed []change.RowRef) (*Index, error) {
	affected := map[string]bool{}
	var members []string
	communities := map[string]bool{}
	for _, r := range changed {
		switch r.Table {
		case "households":
			affected[r.ID] = true
		case "members":
			members = append(members, r.ID)
		case "communities":
			communities[r.ID] = true
		}
	}
	if len(members) > 0 {
		moved := map[string]bool{}
		for _, id := range members {
			moved[id] = true
		}
		for i := range old.entries {
			e := &old.entries[i]
			for _, m := range e.members {
				if moved[m] {
					affected[e.ID] = true
				}
			}
		}
		list, err := json.Marshal(members)
		if err != nil {
			return nil, fmt.Errorf("index households: %w", err)
		}
		err = s.queryRows(ctx, "changed members", `SELECT DISTINCT coalesce(household_id, '') FROM members
			WHERE id IN (SELECT value FROM json_each(?))`, []any{string(list)}, func(r *sql.Rows) error {
			var hid string
			if err := r.Scan(&hid); err != nil {
				return err
			}
			affected[hid] = true
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(communities) > 0 {
		for i := range old.entries {
			if communities[old.entries[i].CommunityID] {
				affected[old.entries[i].ID] = true
			}
		}
		list, err := json.Marshal(slices.Collect(maps.Keys(communities)))
		if err != nil {
			return nil, fmt.Errorf("index households: %w", err)
		}
		err = s.queryRows(ctx, "households of changed communities", `SELECT id FROM households
			WHERE community_id IN (SELECT value FROM json_each(?))`, []any{string(list)}, func(r *sql.Rows) error {
			var hid string
			if err := r.Scan(&hid); err != nil {
				return err
			}
			affected[hid] = true
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(affected) == 0 {
		return old, nil
	}
	fresh, err := s.buildIndex(ctx, me, slices.Collect(maps.Keys(affected)))
	if err != nil {
		return nil, err
	}
	slices.SortFunc(fresh, func(a, b indexEntry) int { return entryLess(&a, &b) })
	// Merge the kept entries (still in order) with the fresh ones.
	out := make([]indexEntry, 0, len(old.entries)+len(fresh))
	j := 0
	for i := range old.entries {
		e := &old.entries[i]
		if affected[e.ID] {
			continue
		}
		for j < len(fresh) && entryLess(&fresh[j], e) < 0 {
			out = append(out, fresh[j])
			j++
		}
		out = append(out, *e)
	}
	out = append(out, fresh[j:]...)
	return &Index{entries: out}, nil
}
