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
// each row in the order given, then every clock and every row's listing
// (one statement each). The data rows are written first, so a scope move
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
	var (
		ct, cid, cc   []string
		ch, cw, cseq  []int64
		rt, rid       []string
		rscope, rpair []string
		rseq          []int64
	)
	for i, w := range ws {
		r := w.r
		r.exists = true
		for _, c := range w.cols {
			ct, cid, cc = append(ct, r.t.Name), append(cid, r.id), append(cc, c)
			ch, cw, cseq = append(ch, r.cells[c].hlc), append(cw, r.cells[c].w), append(cseq, seqs[i])
		}
		rt, rid, rseq = append(rt, r.t.Name), append(rid, r.id), append(rseq, seqs[i])
		rscope, rpair = append(rscope, r.listed(scopeColumnOf(r.t))), append(rpair, r.listed(pairingColumnOf(r.t)))
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sync_cells (t, id, c, hlc, w, seq)
		SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[])
		ON CONFLICT (t, id, c) DO UPDATE SET hlc = excluded.hlc, w = excluded.w, seq = excluded.seq`,
		ct, cid, cc, ch, cw, cseq); err != nil {
		return fmt.Errorf("write clocks of %d rows: %w", len(ws), err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sync_rows (t, id, seq, scope, pairing)
		SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[])
		ON CONFLICT (t, id) DO UPDATE SET seq = excluded.seq, scope = excluded.scope, pairing = excluded.pairing`,
		rt, rid, rseq, rscope, rpair); err != nil {
		return fmt.Errorf("list %d rows: %w", len(ws), err)
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
