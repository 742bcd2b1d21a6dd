package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// A merge writes what it decided in a handful of statements, whatever the
// number of rows: each statement is a round trip to PostgreSQL made while
// the write lock (pgWriteLock) holds every other writer of every process
// back, and per-row statements (four a row) made a group of pushes cost
// hundreds of round trips under the lock.

// pgWrite is a row a merge writes: the columns it won, in first-written
// order, and the last run of the changeset's changes that wrote it.
type pgWrite struct {
	r    *pgRow
	cols []string
	run  int
}

// pgMaxParams is the most parameters one statement may carry (the
// protocol's 16-bit count).
const pgMaxParams = 65535

// writeAll writes rows merged in one transaction: the data rows (one
// upsert per table and set of columns), then a new sequence number for
// each row in the order given, then every row's listing with its clocks
// (one statement). The data rows are written first, so a scope move
// one of them causes records a sequence before every change of the merge
// (moves.go).
func writeAll(ctx context.Context, tx *sql.Tx, ws []pgWrite) error {
	if len(ws) == 0 {
		return nil
	}
	if err := writeDataRows(ctx, tx, ws); err != nil {
		return err
	}
	seqs, err := nextSeqs(ctx, tx, len(ws))
	if err != nil {
		return err
	}
	rows := make([]*pgRow, len(ws))
	for i, w := range ws {
		r := w.r
		r.exists = true
		for _, c := range w.cols {
			cell := r.cells[c]
			cell.seq = seqs[i]
			r.cells[c] = cell
		}
		rows[i] = r
	}
	return listRows(ctx, tx, rows, seqs)
}

// listRows writes the sync_rows row of each row: sequence number seqs[i],
// scope and pairing values, and every cell's clock (pgcells.go), in one
// statement.
func listRows(ctx context.Context, tx *sql.Tx, rows []*pgRow, seqs []int64) error {
	n := len(rows)
	ts, ids, scopes, pairings := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	cols, hlcs, ws, cseqs := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, r := range rows {
		ts[i], ids[i] = r.t.Name, r.id
		scopes[i], pairings[i] = r.listed(scopeColumnOf(r.t)), r.listed(pairingColumnOf(r.t))
		p := encodeCells(r.t, r.cells)
		cols[i], hlcs[i], ws[i], cseqs[i] = p.cols, p.hlcs, p.ws, p.seqs
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sync_rows (t, id, seq, scope, pairing, cols, hlcs, ws, seqs)
		SELECT t, id, seq, scope, pairing, cols::text[], hlcs::bigint[], ws::bigint[], seqs::bigint[]
		FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
			AS u(t, id, seq, scope, pairing, cols, hlcs, ws, seqs)
		ON CONFLICT (t, id) DO UPDATE SET seq = excluded.seq, scope = excluded.scope, pairing = excluded.pairing,
			cols = excluded.cols, hlcs = excluded.hlcs, ws = excluded.ws, seqs = excluded.seqs`,
		ts, ids, seqs, scopes, pairings, cols, hlcs, ws, cseqs); err != nil {
		return fmt.Errorf("list %d rows: %w", n, err)
	}
	return nil
}

// nextSeqs draws n sequence numbers, in increasing order.
func nextSeqs(ctx context.Context, tx *sql.Tx, n int) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT nextval('sync_seq') FROM generate_series(1, ?::int) ORDER BY 1`, n)
	if err != nil {
		return nil, fmt.Errorf("sequence: %w", err)
	}
	defer rows.Close()
	seqs := make([]int64, 0, n)
	for rows.Next() {
		var s int64
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("sequence: %w", err)
		}
		seqs = append(seqs, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sequence: %w", err)
	}
	if len(seqs) != n {
		return nil, fmt.Errorf("sequence: %d numbers for %d rows", len(seqs), n)
	}
	return seqs, nil
}

// writeDataRows upserts the data rows: rows of one table writing the same
// columns go in multi-row statements of a power of two rows each (as many
// as its parameters allow).
func writeDataRows(ctx context.Context, tx *sql.Tx, ws []pgWrite) error {
	type shape struct{ table, cols string }
	var order []shape
	groups := map[shape][]pgWrite{}
	for _, w := range ws {
		k := shape{w.r.t.Name, strings.Join(w.cols, ",")}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], w)
	}
	for _, k := range order {
		g := groups[k]
		cols := g[0].cols
		per := pgMaxParams / (len(cols) + 1)
		for len(g) > 0 {
			// Powers of two: few statement texts, each prepared once a
			// connection (inList).
			n := floorPow2(min(per, len(g)))
			if err := upsertRows(ctx, tx, k.table, cols, g[:n]); err != nil {
				return err
			}
			g = g[n:]
		}
	}
	return nil
}

// upsertRows writes columns cols of rows of table in one statement.
func upsertRows(ctx context.Context, tx *sql.Tx, table string, cols []string, ws []pgWrite) error {
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = excluded." + c
	}
	tuple := "(?" + strings.Repeat(", ?", len(cols)) + ")"
	var q strings.Builder
	fmt.Fprintf(&q, "INSERT INTO %s (id, %s) VALUES ", table, strings.Join(cols, ", "))
	args := make([]any, 0, len(ws)*(len(cols)+1))
	for i, w := range ws {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString(tuple)
		args = append(args, w.r.id)
		for _, c := range cols {
			args = append(args, w.r.vals[c])
		}
	}
	fmt.Fprintf(&q, " ON CONFLICT (id) DO UPDATE SET %s", strings.Join(set, ", "))
	if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("write %d rows of %s: %w", len(ws), table, err)
	}
	return nil
}
