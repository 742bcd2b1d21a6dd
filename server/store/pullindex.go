package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"doorstep/schema"
	"doorstep/sync/replica"
)

// The SQLite pull index. A pull should cost what the device receives: a
// volunteer's first sync reads its few hundred rows, not the district
// (pgfilter.go). sync/replica lists changed rows by sequence alone, so the
// SQLite store keeps pull_index beside it: for every row of every synced
// table that has a clock row (a captured write gets its clock row when the
// capture log is folded, before any pull reads) its table number, id,
// latest sequence, scope value (k: the
// table's ScopeColumn) and pairing value (p: its PairingColumn, the id
// when that is "id"), with indexes on (t, seq), (k, seq) and (p, seq).
// A filtered pull reads the rows of its rowFilter through those indexes
// and hands them to replica.ChangesAmong, which reads their clocks and
// values in the same transaction.
//
// Triggers keep the index whatever writes the rows (a merged push, an
// admin command, a purge; see pullIndexTriggerSQL).
// Rows of district tables and of tables every user reads whole carry no k
// or p and are read through (t, seq).

// pullIndexSchema creates the index table; installPullIndex fills it.
var pullIndexSchema = []string{
	`CREATE TABLE IF NOT EXISTS pull_index (
    t INTEGER NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    k TEXT,
    p TEXT,
    PRIMARY KEY (t, id)
) WITHOUT ROWID`,
	`CREATE INDEX IF NOT EXISTS pull_index_t ON pull_index(t, seq)`,
	`CREATE INDEX IF NOT EXISTS pull_index_k ON pull_index(k, seq) WHERE k IS NOT NULL`,
	`CREATE INDEX IF NOT EXISTS pull_index_p ON pull_index(p, seq) WHERE p IS NOT NULL`,
}

// pullIndexed is one synced table as the pull index sees it: its number
// and the expressions of its scope and pairing values over a row alias.
type pullIndexed struct {
	t    *schema.Table
	num  int64
	k, p func(alias string) string
}

// pullIndexTables returns every synced table with its number in rep.
func pullIndexTables(rep *replica.Replica) ([]pullIndexed, error) {
	var out []pullIndexed
	for _, t := range schema.Reg.Tables() {
		num, ok := rep.TableNumber(t.Name)
		if !ok {
			return nil, fmt.Errorf("pull index: table %s not synced", t.Name)
		}
		pi := pullIndexed{t: t, num: num,
			k: func(string) string { return "NULL" }, p: func(string) string { return "NULL" }}
		if t.Scope != schema.ScopeDistrict && t.ScopeColumn != "" {
			col := t.ScopeColumn
			pi.k = func(a string) string { return a + "." + col }
		}
		if t.Pairing != schema.NoPairingAccess && t.PairingColumn != "" {
			col := t.PairingColumn
			pi.p = func(a string) string { return a + "." + col }
		}
		out = append(out, pi)
	}
	return out, nil
}

// pullIndexTriggerSQL returns the index's triggers by name.
//
// A row's clock row is written after its data row in every write path (a
// merge writes the data rows, then the clocks; a captured write is folded
// into the clocks later), so the entry of a new row is made by the insert
// of its clock row, reading the data row (one lookup), and a later
// sequence is set by the clock row's update. The data tables' triggers
// catch the rest: a change of a row's scope or pairing value, a deleted
// row, and — should a data row ever come after its clock row — an insert
// whose clock row already exists (a lookup that finds nothing otherwise).
func pullIndexTriggerSQL(tables []pullIndexed) map[string]string {
	out := map[string]string{
		"pull_index_rows_au": `CREATE TRIGGER pull_index_rows_au AFTER UPDATE OF seq ON sync_rows BEGIN
  UPDATE pull_index SET seq = new.seq WHERE t = new.t AND id = new.id;
END`,
	}
	for _, pi := range tables {
		name := "pull_index_rows_ai_" + pi.t.Name
		out[name] = fmt.Sprintf(`CREATE TRIGGER %[1]s AFTER INSERT ON sync_rows WHEN new.t = %[2]d BEGIN
  INSERT INTO pull_index (t, id, seq, k, p) SELECT %[2]d, new.id, new.seq, %[3]s, %[4]s FROM %[5]s d WHERE d.id = new.id
    ON CONFLICT (t, id) DO UPDATE SET seq = excluded.seq, k = excluded.k, p = excluded.p;
END`, name, pi.num, pi.k("d"), pi.p("d"), pi.t.Name)
		set := fmt.Sprintf(`INSERT INTO pull_index (t, id, seq, k, p) VALUES (%[1]d, new.id,
    coalesce((SELECT seq FROM sync_rows WHERE t = %[1]d AND id = new.id), 0), %[2]s, %[3]s)
    ON CONFLICT (t, id) DO UPDATE SET seq = excluded.seq, k = excluded.k, p = excluded.p;`, pi.num, pi.k("new"), pi.p("new"))
		name = "pull_index_ai_" + pi.t.Name
		out[name] = fmt.Sprintf("CREATE TRIGGER %s AFTER INSERT ON %s WHEN EXISTS (SELECT 1 FROM sync_rows WHERE t = %d AND id = new.id) BEGIN\n  %s\nEND",
			name, pi.t.Name, pi.num, set)
		name = "pull_index_ad_" + pi.t.Name
		out[name] = fmt.Sprintf("CREATE TRIGGER %s AFTER DELETE ON %s BEGIN\n  DELETE FROM pull_index WHERE t = %d AND id = old.id;\nEND", name, pi.t.Name, pi.num)
		cols := []string{"id"}
		for _, c := range []string{pi.k("new"), pi.p("new")} {
			if c, ok := strings.CutPrefix(c, "new."); ok && c != "id" {
				cols = append(cols, c)
			}
		}
		name = "pull_index_au_" + pi.t.Name
		out[name] = fmt.Sprintf("CREATE TRIGGER %s AFTER UPDATE OF %s ON %s BEGIN\n  DELETE FROM pull_index WHERE t = %d AND id = old.id AND old.id IS NOT new.id;\n  %s\nEND",
			name, strings.Join(cols, ", "), pi.t.Name, pi.num, set)
	}
	return out
}

// installPullIndex creates the pull index and its triggers, and fills the
// index from the tables when a trigger was missing or differed (a new
// database, a store from before the index, a registry change): inside one
// write transaction, so no write slips between the fill and the triggers.
// When every trigger is as wanted nothing is written, so opening the store
// beside a running server does not disturb it.
func (s *Store) installPullIndex(ctx context.Context, rep *replica.Replica) error {
	tables, err := pullIndexTables(rep)
	if err != nil {
		return err
	}
	fill := []string{`DELETE FROM pull_index`}
	for _, pi := range tables {
		fill = append(fill, fmt.Sprintf(`INSERT INTO pull_index (t, id, seq, k, p)
  SELECT %[1]d, d.id, r.seq, %[2]s, %[3]s FROM %[4]s d JOIN sync_rows r ON r.t = %[1]d AND r.id = d.id`,
			pi.num, pi.k("d"), pi.p("d"), pi.t.Name))
	}
	return s.installTriggers(ctx, "pull index", "pull_index_", pullIndexTriggerSQL(tables), pullIndexSchema, fill)
}

// pullIndexQuery builds the SELECT of (t, id) that ChangesAmong runs for a
// filtered pull: the rows of f changed after after, in sequence order, at
// most limit. Each condition reads one index range, named with INDEXED BY
// (left to itself SQLite's planner walked every row of the listed tables
// through the primary key, checking seq row by row: a pull's listing took
// ten times as long), and yields at most limit rows in sequence order, so
// a page costs what it returns however far behind the cursor is; UNION
// drops a row listed by two, and the first limit of the union by sequence
// are among the branches' first limit.
func pullIndexQuery(rep *replica.Replica, f *rowFilter, after int64, limit int) (string, []any, error) {
	nums := func(names []string) (string, error) {
		out := make([]int64, 0, len(names))
		for _, n := range names {
			t, ok := rep.TableNumber(n)
			if !ok {
				return "", fmt.Errorf("pull index: table %s not synced", n)
			}
			out = append(out, t)
		}
		b, err := json.Marshal(out)
		return string(b), err
	}
	list := func(v []string) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	var parts []string
	var args []any
	if len(f.All) > 0 {
		all, err := nums(f.All)
		if err != nil {
			return "", nil, err
		}
		parts = append(parts, `SELECT t, id, seq FROM pull_index INDEXED BY pull_index_t WHERE t IN (SELECT value FROM json_each(?)) AND seq > ?`)
		args = append(args, all, after)
	}
	if len(f.ScopeTables) > 0 && len(f.Scopes) > 0 {
		ts, err := nums(f.ScopeTables)
		if err != nil {
			return "", nil, err
		}
		parts = append(parts, `SELECT t, id, seq FROM pull_index INDEXED BY pull_index_k WHERE k IN (SELECT value FROM json_each(?)) AND seq > ? AND t IN (SELECT value FROM json_each(?))`)
		args = append(args, list(f.Scopes), after, ts)
	}
	if len(f.PairTables) > 0 && len(f.Pairings) > 0 {
		ts, err := nums(f.PairTables)
		if err != nil {
			return "", nil, err
		}
		parts = append(parts, `SELECT t, id, seq FROM pull_index INDEXED BY pull_index_p WHERE p IN (SELECT value FROM json_each(?)) AND seq > ? AND t IN (SELECT value FROM json_each(?))`)
		args = append(args, list(f.Pairings), after, ts)
	}
	if len(f.MovedTables) > 0 {
		pairs := make([][2]any, len(f.MovedTables))
		for i, name := range f.MovedTables {
			t, ok := rep.TableNumber(name)
			if !ok {
				return "", nil, fmt.Errorf("pull index: table %s not synced", name)
			}
			pairs[i] = [2]any{t, f.MovedIDs[i]}
		}
		b, err := json.Marshal(pairs)
		if err != nil {
			return "", nil, err
		}
		parts = append(parts, `SELECT x.t, x.id, x.seq FROM json_each(?) j JOIN pull_index x ON x.t = j.value->>0 AND x.id = j.value->>1 WHERE x.seq > ?`)
		args = append(args, string(b), after)
	}
	if len(parts) == 0 {
		return `SELECT NULL AS t, NULL AS id WHERE 0`, nil, nil
	}
	// Each branch's args, then its limit: rebuild the list branch by branch.
	var limited []string
	var largs []any
	i := 0
	for _, p := range parts {
		n := strings.Count(p, "?")
		limited = append(limited, `SELECT t, id, seq FROM (`+p+` ORDER BY seq LIMIT ?)`)
		largs = append(largs, args[i:i+n]...)
		largs = append(largs, limit)
		i += n
	}
	largs = append(largs, limit)
	return `SELECT t, id FROM (` + strings.Join(limited, "\nUNION ") + `) ORDER BY seq LIMIT ?`, largs, nil
}
