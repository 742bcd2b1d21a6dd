package store

import (
	"sync"

	"doorstep/schema"
)

// A PostgreSQL server process keeps the rows its pulls read most recently,
// each as it was at one sequence number: its values and cell clocks. The
// tablets of one community pull the same rows within minutes of each other
// (thirty devices of a community, every push read by each of them), and a
// pull page whose listed rows are all held is answered with the listing
// alone: no transaction, no value or clock reads.
//
// Why a held row is never stale: every write to a synced row gives its
// sync_rows row a new sequence number, in the write's own transaction
// (a merge's writes, and the capture trigger for everything else), so the
// state of a row at a given sequence number never changes. An entry is
// used only for a listing of the same sequence number or an older one (a
// row read after its listing may be newer than the listing: sending the
// newer columns is what an uncached read does too, pgchanges.go). The
// cache lives as long as its process: a database restored from a backup
// is served by processes started after the restore (which start a new
// epoch, epoch.go), so no state of the history the restore undid is held.

// pgRowCacheRows bounds the rows held, about a kilobyte each: about two
// minutes of a city district's pushes (make load: 20,000 rows a minute).
const pgRowCacheRows = 32768

// rowState is a row as of sequence number seq: every column's value and
// cell clock, in its table's registry column order (a nil value when the
// table row is missing, a zero clock for a cell that has none: sequence
// numbers start at 1). Slices, not maps: a third of the memory a row. It
// is shared by every pull that reads it and never changed.
type rowState struct {
	seq   int64
	vals  []any
	cells []pgCell
}

// newRowState lays out the values and cell clocks of a row of t.
func newRowState(t *schema.Table, seq int64, vals map[string]any, cells map[string]pgCell) *rowState {
	st := &rowState{seq: seq, vals: make([]any, len(t.Columns)), cells: make([]pgCell, len(t.Columns))}
	for i, col := range t.Columns {
		st.vals[i] = vals[col.Name]
		st.cells[i] = cells[col.Name]
	}
	return st
}

// value returns the value of column name of a row of t (nil for none).
func (st *rowState) value(t *schema.Table, name string) any {
	if i := t.ColumnIndex(name); i >= 0 {
		return st.vals[i]
	}
	return nil
}

// rowKey names a synced row.
type rowKey struct{ t, id string }

// rowCache holds up to max row states, the oldest inserted leaving first.
type rowCache struct {
	mu   sync.Mutex
	max  int
	m    map[rowKey]*rowState
	ring []rowKey // insertion order; each key once
	next int      // the ring slot the next insertion takes once full
	// hits and misses count lookups (tests and /metrics).
	hits, misses int64
}

func newRowCache(max int) *rowCache {
	return &rowCache{max: max, m: make(map[rowKey]*rowState, max)}
}

// get returns the state of k held for sequence number seq or a later one.
func (c *rowCache) get(k rowKey, seq int64) (*rowState, bool) {
	if c == nil || c.max <= 0 {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.m[k]
	if !ok || st.seq < seq {
		c.misses++
		return nil, false
	}
	c.hits++
	return st, true
}

// put holds st as k's state unless a later one is held.
func (c *rowCache) put(k rowKey, st *rowState) {
	if c == nil || c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[k]; ok {
		if old.seq < st.seq {
			c.m[k] = st
		}
		return
	}
	if len(c.ring) < c.max {
		c.ring = append(c.ring, k)
	} else {
		delete(c.m, c.ring[c.next])
		c.ring[c.next] = k
		c.next = (c.next + 1) % c.max
	}
	c.m[k] = st
}

// counts returns the lookups that found a row and those that did not.
func (c *rowCache) counts() (hits, misses int64) {
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}

// RowCacheStats returns how many pull rows a PostgreSQL process found in
// its row cache and how many it read from the database (pgrowcache.go);
// zero for SQLite, whose reads are local.
func (s *Store) RowCacheStats() (hits, misses int64) {
	if e, ok := s.eng.(*pgEngine); ok {
		return e.rows.counts()
	}
	return 0, 0
}
