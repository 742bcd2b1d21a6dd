package evidence

import (
	"context"
	"encoding/json"
	"fmt"
	"math/bits"
	"strings"
	"time"
)

// verdictChunk bounds the verdicts read or written by one statement (12
// parameters a row written: well within every database's limit).
const verdictChunk = 64

// WriteVerdicts stores verdicts in evidence_verdicts through x (the
// server's replica, as the system user, so they sync to the desk), one row
// per record (VerdictID), touching only rows whose verdict changed. It
// returns how many rows it wrote. Of two verdicts of one record, the later
// in vs is the one stored.
//
// The stored verdicts are read, and the changed ones written, a chunk of
// records a statement: on the server this runs under the store's write
// lock, which on PostgreSQL holds back every process's merges, and two
// round trips a verdict added up there.
func WriteVerdicts(ctx context.Context, x DB, vs []Verdict, now time.Time) (int, error) {
	// The last verdict of each record, in the order records first appear.
	last := map[string]int{}
	var ids []string
	for i, v := range vs {
		id := VerdictID(v.Record)
		if _, ok := last[id]; !ok {
			ids = append(ids, id)
		}
		last[id] = i
	}
	type stored struct{ status, reasons, entry, entryHash string }
	have := map[string]stored{}
	for start := 0; start < len(ids); start += verdictChunk {
		part := ids[start:min(start+verdictChunk, len(ids))]
		// Padded to a power of two (the last id repeated): few statement
		// texts, each prepared once a connection.
		n := padPow2(len(part))
		args := make([]any, n)
		for i := range args {
			args[i] = part[min(i, len(part)-1)]
		}
		rows, err := x.QueryContext(ctx, `SELECT id, coalesce(status,''), coalesce(reasons,''), coalesce(entry_id,''),
			coalesce(entry_hash,'') FROM evidence_verdicts WHERE id IN (`+strings.TrimSuffix(strings.Repeat("?,", n), ",")+`)`, args...)
		if err != nil {
			return 0, fmt.Errorf("read verdicts of %d records: %w", len(part), err)
		}
		for rows.Next() {
			var id string
			var s stored
			if err := rows.Scan(&id, &s.status, &s.reasons, &s.entry, &s.entryHash); err != nil {
				rows.Close()
				return 0, fmt.Errorf("read verdicts of %d records: %w", len(part), err)
			}
			have[id] = s
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return 0, fmt.Errorf("read verdicts of %d records: %w", len(part), err)
		}
	}
	at := now.UTC().Format(timeLayout)
	var write [][]any
	for _, id := range ids {
		v := vs[last[id]]
		reasons := v.Reasons
		if reasons == nil {
			reasons = []Reason{}
		}
		rj, err := json.Marshal(reasons)
		if err != nil {
			return 0, fmt.Errorf("write verdict of %s %s: %w", v.Record.Table, v.Record.ID, err)
		}
		if s, ok := have[id]; ok && s == (stored{string(v.Status), string(rj), v.Entry, v.EntryHash}) {
			continue
		}
		write = append(write, []any{id, v.Record.Table, v.Record.ID, nullText(v.Community), nullText(v.Household),
			nullText(v.Elder), string(v.Status), string(rj), nullText(v.Entry), nullText(v.EntryHash), at})
	}
	for rest := write; len(rest) > 0; {
		// Powers of two rows a statement, for the same reason.
		part := rest[:1<<(bits.Len(uint(min(len(rest), verdictChunk)))-1)]
		rest = rest[len(part):]
		var args []any
		for _, row := range part {
			args = append(args, row...)
		}
		if _, err := x.ExecContext(ctx, `INSERT INTO evidence_verdicts (id, record_table, record_id, community_id,
			household_id, elder_id, status, reasons, entry_id, entry_hash, checked_at, deleted)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`+strings.Repeat(`, (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`, len(part)-1)+`
			ON CONFLICT (id) DO UPDATE SET community_id = excluded.community_id,
			household_id = excluded.household_id, elder_id = excluded.elder_id, status = excluded.status,
			reasons = excluded.reasons, entry_id = excluded.entry_id, entry_hash = excluded.entry_hash,
			checked_at = excluded.checked_at`, args...); err != nil {
			return 0, fmt.Errorf("write verdicts of %d records (%s %s first): %w", len(part), part[0][1], part[0][2], err)
		}
	}
	return len(write), nil
}
