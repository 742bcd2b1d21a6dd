package evidence

import (
	"context"
	"database/sql"
	"math/bits"
	"strings"
)

// inChunk bounds the values of one IN list.
const inChunk = 256

// queryIn runs query once for every chunk of vals, with "(?, …)" in place
// of its IN list's %s, and calls scan for every row. Lists are padded to
// a power of two (the last value repeated), so that a statement's text is
// one of a few and each is prepared once a connection; a value in vals
// twice is sent once.
func queryIn(ctx context.Context, q Querier, query string, vals []string, scan func(*sql.Rows) error) error {
	seen := make(map[string]bool, len(vals))
	var uniq []string
	for _, v := range vals {
		if !seen[v] {
			seen[v] = true
			uniq = append(uniq, v)
		}
	}
	for start := 0; start < len(uniq); start += inChunk {
		part := uniq[start:min(start+inChunk, len(uniq))]
		n := padPow2(len(part))
		args := make([]any, n)
		for i := range args {
			args[i] = part[min(i, len(part)-1)]
		}
		rows, err := q.QueryContext(ctx, strings.Replace(query, "%s", strings.TrimSuffix(strings.Repeat("?,", n), ","), 1), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// padPow2 is n rounded up to a power of two (n ≥ 1).
func padPow2(n int) int {
	if n <= 1 {
		return n
	}
	return 1 << bits.Len(uint(n-1))
}
