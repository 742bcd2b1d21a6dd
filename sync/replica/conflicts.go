package replica

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"doorstep/schema"
	"doorstep/sync/change"
)

// conflictNamespace is the UUID v5 namespace of conflict record ids.
var conflictNamespace = uuid.MustParse("6f1c2a7e-3b0d-5e8f-9a41-d00257e90000")

// side is one of two concurrent writes of a column.
type side struct {
	clock change.Clock
	user  string
	value any
}

// conflict is a concurrent edit detected by Apply.
type conflict struct {
	meta          *tableMeta
	id, col       string
	winner, loser side
}

// resolve marks open conflicts on a column whose winner a later write
// (based on it) has replaced.
type resolve struct {
	meta    *tableMeta
	id, col string
	winner  change.Clock
	by      string
}

// ConflictID returns the id of the conflict record for two concurrent
// writes of one column: a UUID v5 of the table, row, column and both
// clocks, so every replica that detects the same conflict names it alike.
func ConflictID(table, rowID, column string, winner, loser change.Clock) string {
	key := table + "\x00" + rowID + "\x00" + column + "\x00" +
		strconv.FormatUint(uint64(winner.HLC), 10) + "\x00" + winner.Site + "\x00" +
		strconv.FormatUint(uint64(loser.HLC), 10) + "\x00" + loser.Site
	return uuid.NewSHA1(conflictNamespace, []byte(key)).String()
}

// jsonValue encodes a change value for conflicts.winner_value/loser_value.
func jsonValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Only float infinities fail; keep them readable.
		return strconv.Quote(fmt.Sprint(v))
	}
	return string(b)
}

// record writes the conflict records and resolutions the merge found. The
// writes go through the capture triggers: they are this replica's own
// changes and sync like any other. Conflict records are inserted in
// batches; resolutions are tried only on cells with an open conflict
// (read with one query per batch of rows), in the order found.
func (m *merger) record(res *Result) error {
	s := m.s
	now := s.r.now().UTC().Format(time.RFC3339)
	const cols = 18
	for rest := m.conflicts; len(rest) > 0; {
		part := rest[:chunkLen(len(rest))]
		rest = rest[len(part):]
		args := make([]any, 0, len(part)*cols)
		for _, c := range part {
			community := ""
			if c.meta.table.Scope == schema.ScopeCommunity {
				v, err := m.value(c.meta, c.id, m.data[rowKey{c.meta.t, c.id}], c.meta.col[c.meta.byCol[c.meta.table.ScopeColumn]])
				if err != nil {
					return err
				}
				community, _ = v.(string)
			}
			id := ConflictID(c.meta.table.Name, c.id, c.col, c.winner.clock, c.loser.clock)
			args = append(args, id, c.meta.table.Name, c.id, c.col, community, jsonValue(c.winner.value), jsonValue(c.loser.value),
				int64(c.winner.clock.HLC), int64(c.loser.clock.HLC), c.winner.clock.Site, c.loser.clock.Site,
				c.winner.user, c.loser.user, now, 0, "", "", 0)
		}
		q := `INSERT INTO conflicts (id, tbl, row_id, col, community_id,
			winner_value, loser_value, winner_hlc, loser_hlc, winner_site, loser_site, winner_user, loser_user,
			detected_at, resolved, resolved_by, resolved_at, deleted) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?"+strings.Repeat(", ?", cols-1)+"), ", len(part)), ", ") +
			` ON CONFLICT (id) DO NOTHING`
		r, err := s.tx.ExecContext(s.ctx, q, args...)
		if err != nil {
			return fmt.Errorf("record %d conflicts (first on %s/%s.%s): %w", len(part), part[0].meta.table.Name, part[0].id, part[0].col, err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			return fmt.Errorf("record conflicts: %w", err)
		}
		res.Conflicts += int(n)
	}
	open, err := m.openCells()
	if err != nil {
		return err
	}
	for _, v := range m.resolves {
		if !open[cell{v.id, v.col}] {
			continue
		}
		r, err := s.tx.ExecContext(s.ctx, `UPDATE conflicts SET resolved = 1, resolved_by = ?, resolved_at = ?
			WHERE row_id = ? AND col = ? AND resolved = 0 AND tbl = ? AND winner_hlc = ? AND winner_site = ?`,
			v.by, now, v.id, v.col, v.meta.table.Name, int64(v.winner.HLC), v.winner.Site)
		if err != nil {
			return fmt.Errorf("resolve conflicts on %s/%s.%s: %w", v.meta.table.Name, v.id, v.col, err)
		}
		n, _ := r.RowsAffected()
		res.Resolved += int(n)
	}
	return nil
}

// cell is a row id and column.
type cell struct{ id, col string }

// openCells returns the cells, among the rows of m.resolves, that have an
// open conflict record now.
func (m *merger) openCells() (map[cell]bool, error) {
	open := map[cell]bool{}
	if len(m.resolves) == 0 {
		return open, nil
	}
	seen := map[string]bool{}
	var ids []string
	for _, v := range m.resolves {
		if !seen[v.id] {
			seen[v.id] = true
			ids = append(ids, v.id)
		}
	}
	arg, err := idList(ids)
	if err != nil {
		return nil, fmt.Errorf("read open conflicts: %w", err)
	}
	rows, err := m.s.tx.QueryContext(m.s.ctx, `SELECT row_id, col FROM conflicts
		WHERE resolved = 0 AND row_id IN (SELECT value FROM json_each(?))`, arg)
	if err != nil {
		return nil, fmt.Errorf("read open conflicts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c cell
		if err := rows.Scan(&c.id, &c.col); err != nil {
			return nil, fmt.Errorf("read open conflicts: %w", err)
		}
		open[c] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read open conflicts: %w", err)
	}
	return open, nil
}
