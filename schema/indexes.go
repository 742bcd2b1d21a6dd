package schema

import (
	"fmt"
	"regexp"
	"strings"
)

// Index is one index the migrations create on a synced table.
type Index struct {
	Name    string
	Table   string
	Columns string // as written between the parentheses: "household_id", "row_id, col"
	Unique  bool
	Where   string // a partial index's condition, "" for none
}

// SQL returns the statement creating the index when missing; its text is
// valid for SQLite and PostgreSQL alike.
func (x Index) SQL() string {
	u := ""
	if x.Unique {
		u = "UNIQUE "
	}
	s := fmt.Sprintf("CREATE %sINDEX IF NOT EXISTS %s ON %s(%s)", u, x.Name, x.Table, x.Columns)
	if x.Where != "" {
		s += " WHERE " + x.Where
	}
	return s
}

var (
	createIndexRE = regexp.MustCompile(`(?is)^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s+ON\s+(\w+)\s*\(([^)]*)\)\s*(?:WHERE\s+(.+?))?\s*$`)
	dropIndexRE   = regexp.MustCompile(`(?is)^\s*DROP\s+INDEX\s+(?:IF\s+EXISTS\s+)?(\w+)\s*$`)
)

// SyncedIndexes returns the indexes the server's migrations leave on the
// synced tables (the registry's), in the order created. They are what a
// store on another database (the server's PostgreSQL backend, which builds
// the synced tables from the registry rather than from these migrations)
// must create too: without members(household_id) and the like, every
// lookup of a household's members there was a scan of the table.
func SyncedIndexes() ([]Index, error) {
	ms, err := Migrations(Server)
	if err != nil {
		return nil, err
	}
	var out []Index
	for _, m := range ms {
		// Statement by statement, in order (a trigger's body splits into
		// fragments that match neither form).
		for _, st := range strings.Split(stripComments(m.SQL), ";") {
			if d := dropIndexRE.FindStringSubmatch(st); d != nil {
				out = deleteIndex(out, d[1])
				continue
			}
			c := createIndexRE.FindStringSubmatch(st)
			if c == nil {
				continue
			}
			if _, ok := Reg.Table(c[3]); !ok {
				continue
			}
			out = deleteIndex(out, c[2])
			out = append(out, Index{Name: c[2], Table: c[3], Columns: strings.TrimSpace(c[4]),
				Unique: c[1] != "", Where: strings.TrimSpace(c[5])})
		}
	}
	return out, nil
}

func deleteIndex(xs []Index, name string) []Index {
	for i, x := range xs {
		if strings.EqualFold(x.Name, name) {
			return append(xs[:i:i], xs[i+1:]...)
		}
	}
	return xs
}

// stripComments drops SQL line comments ("-- …" to the end of the line).
func stripComments(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if j := strings.Index(l, "--"); j >= 0 {
			lines[i] = l[:j]
		}
	}
	return strings.Join(lines, "\n")
}
