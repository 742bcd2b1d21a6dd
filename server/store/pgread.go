package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"doorstep/schema"
)

// Reading stored rows on PostgreSQL: one statement for any rows of any
// tables, their values with their listing and clocks. A pull page spans a
// dozen tables; read a table at a time, with the clocks apart and a
// transaction around them for one snapshot, it cost fifteen round trips or
// so, and on a busy machine each waits for a core. One statement is one
// snapshot, so values and clocks agree without a transaction.
//
// The statement has a branch for every synced table (UNION ALL), each
// taking its ids as one array parameter (empty for a table the read does
// not need), so its text is always the same and each connection prepares
// it once. A row's values travel as JSON (row_to_json), the one form every
// table's row shares; the registry's column types turn them back into
// what a column read gives (int64, float64, string, nil).

// pgStored is a row as stored: its values, its cells' clocks, and the
// sequence number of its latest change (0: the row has no listing).
type pgStored struct {
	vals  map[string]any
	cells map[string]pgCell
	seq   int64
}

var pgReadStmt struct {
	once sync.Once
	q    string
	// at is each table's parameter index.
	at map[string]int
}

// pgReadQuery returns the read statement and each table's parameter index.
func pgReadQuery() (string, map[string]int) {
	pgReadStmt.once.Do(func() {
		pgReadStmt.at = map[string]int{}
		var b strings.Builder
		for i, t := range schema.Reg.Tables() {
			if i > 0 {
				b.WriteString("\nUNION ALL\n")
			}
			pgReadStmt.at[t.Name] = i
			fmt.Fprintf(&b, `SELECT '%[1]s', d.id, row_to_json(d)::text, r.seq, r.cols::text, r.hlcs::text, r.ws::text, r.seqs::text
  FROM %[1]s d LEFT JOIN sync_rows r ON r.t = '%[1]s' AND r.id = d.id WHERE d.id = ANY(?::text[])`, t.Name)
		}
		pgReadStmt.q = b.String()
	})
	return pgReadStmt.q, pgReadStmt.at
}

// readStored reads the given rows (ids by table) in one statement. Rows
// not stored are absent from the result, keyed by table then id.
func readStored(ctx context.Context, q querier, ids map[string][]string) (map[string]map[string]*pgStored, error) {
	query, at := pgReadQuery()
	args := make([]any, len(at))
	for i := range args {
		args[i] = []string{}
	}
	n := 0
	for name, list := range ids {
		i, ok := at[name]
		if !ok {
			return nil, fmt.Errorf("read rows: table %s not synced", name)
		}
		args[i] = list
		n += len(list)
	}
	out := make(map[string]map[string]*pgStored, len(ids))
	if n == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read %d rows: %w", n, err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, id, js string
		var seq sql.NullInt64
		var cols, hlcs, ws, seqs sql.NullString
		if err := rows.Scan(&name, &id, &js, &seq, &cols, &hlcs, &ws, &seqs); err != nil {
			return nil, fmt.Errorf("read %d rows: %w", n, err)
		}
		t, _ := schema.Reg.Table(name)
		st := &pgStored{seq: seq.Int64}
		if st.vals, err = decodeRowJSON(t, js); err != nil {
			return nil, fmt.Errorf("read %s/%s: %w", name, id, err)
		}
		if seq.Valid {
			p := pgCells{cols.String, hlcs.String, ws.String, seqs.String}
			if st.cells, err = p.decode(); err != nil {
				return nil, fmt.Errorf("read %s/%s: %w", name, id, err)
			}
		} else {
			st.cells = map[string]pgCell{}
		}
		if out[name] == nil {
			out[name] = map[string]*pgStored{}
		}
		out[name][id] = st
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read %d rows: %w", n, err)
	}
	return out, nil
}

// decodeRowJSON turns a row_to_json object back into the values of t's
// columns as a column read gives them: int64 for integers, float64 for
// reals (PostgreSQL writes NaN and the infinities as strings), string for
// text, nil for NULL.
func decodeRowJSON(t *schema.Table, js string) (map[string]any, error) {
	var raw map[string]any
	d := json.NewDecoder(strings.NewReader(js))
	d.UseNumber()
	if err := d.Decode(&raw); err != nil {
		return nil, fmt.Errorf("row values: %w", err)
	}
	out := make(map[string]any, len(t.Columns))
	for _, c := range t.Columns {
		v, err := columnValue(c.Type, raw[c.Name])
		if err != nil {
			return nil, fmt.Errorf("row values: %s: %w", c.Name, err)
		}
		out[c.Name] = v
	}
	return out, nil
}

// columnValue converts one JSON value to the Go value of a column of type
// typ.
func columnValue(typ schema.Type, v any) (any, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case json.Number:
		switch typ {
		case schema.TypeInt:
			return strconv.ParseInt(string(v), 10, 64)
		case schema.TypeReal:
			return strconv.ParseFloat(string(v), 64)
		default:
			return string(v), nil
		}
	case string:
		if typ == schema.TypeReal {
			switch v {
			case "NaN":
				return math.NaN(), nil
			case "Infinity":
				return math.Inf(1), nil
			case "-Infinity":
				return math.Inf(-1), nil
			}
			return nil, fmt.Errorf("real column holds %q", v)
		}
		return v, nil
	default:
		return nil, fmt.Errorf("unexpected JSON value %T", v)
	}
}
