package scope

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"doorstep/schema"
)

// Columns of spot_checks that hide an unannounced check from the
// household's own caseworker.
const (
	spotChecks       = "spot_checks"
	colUnannounced   = "unannounced"
	colCaseworker    = "caseworker_id"
	colInspectorList = "inspector_ids"
)

// subjectColumns names, for tables whose rows are about another row, the
// columns holding that row's table and id. Such a row is readable only by
// someone who may read its subject: a conflict record or review event of an
// unannounced spot check stays hidden from the household's caseworker.
var subjectColumns = map[string][2]string{
	"conflicts":     {"tbl", "row_id"},
	"review_events": {"record_table", "record_id"},
}

// Row is the scope-relevant part of one row: its id and the values of the
// columns Columns(t) names. Missing values are empty.
type Row struct {
	ID string
	// Community is the ScopeColumn value of a community-scoped table.
	Community string
	// Street is the ScopeColumn value of a street-scoped table.
	Street string
	// Pairing is the PairingColumn value (the row id when the column is "id").
	Pairing string
	// Spot checks only.
	Unannounced bool
	Caseworker  string
	Inspectors  []string
	// SubjectTable and SubjectID name the row this one is about (conflict
	// records, review events); Subject is that row, filled in by the caller
	// (nil when it does not exist).
	SubjectTable, SubjectID string
	Subject                 *Row
	// Evidence entries only: the user who signed the entry and the table
	// of the record it is about.
	Author, RecordTable string
}

// AboutTables lists the tables whose rows are about another row (conflict
// records, review events), sorted.
func AboutTables() []string {
	out := make([]string, 0, len(subjectColumns))
	for name := range subjectColumns {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// AboutColumns returns the columns of table holding the table and id of the
// row each of its rows is about; ok is false for other tables.
func AboutColumns(table string) (tableCol, idCol string, ok bool) {
	sc, ok := subjectColumns[table]
	return sc[0], sc[1], ok
}

// Subject returns the table and id of the row r is about, if t is a table
// of rows about other rows.
func Subject(t *schema.Table, r Row) (table, id string, ok bool) {
	if _, has := subjectColumns[t.Name]; !has || r.SubjectTable == "" {
		return "", "", false
	}
	return r.SubjectTable, r.SubjectID, true
}

// Columns lists the columns of t whose values decide who may see a row,
// in a stable order. A change to one of them can move a row into or out of
// someone's scope.
func Columns(t *schema.Table) []string {
	var out []string
	if t.ScopeColumn != "" {
		out = append(out, t.ScopeColumn)
	}
	if t.Pairing != schema.NoPairingAccess && t.PairingColumn != "id" && t.PairingColumn != t.ScopeColumn {
		out = append(out, t.PairingColumn)
	}
	if t.Name == spotChecks {
		out = append(out, colUnannounced, colCaseworker, colInspectorList)
	}
	if sc, ok := subjectColumns[t.Name]; ok {
		out = append(out, sc[0], sc[1])
	}
	if t.Name == evidenceEntries {
		out = append(out, evidenceColumns...)
	}
	return out
}

// IsScopeColumn reports whether col is one of Columns(t).
func IsScopeColumn(t *schema.Table, col string) bool {
	for _, c := range Columns(t) {
		if c == col {
			return true
		}
	}
	return false
}

// NewRow builds a Row of table t from its id and a lookup of column values
// (nil for a missing or NULL value). Values are the Go types a SQLite
// driver returns: string, int64, float64, []byte or nil.
func NewRow(t *schema.Table, id string, get func(col string) any) Row {
	r := Row{ID: id}
	switch t.Scope {
	case schema.ScopeCommunity:
		r.Community = text(get(t.ScopeColumn))
	case schema.ScopeStreet:
		r.Street = text(get(t.ScopeColumn))
	}
	if t.Pairing != schema.NoPairingAccess {
		if t.PairingColumn == "id" {
			r.Pairing = id
		} else {
			r.Pairing = text(get(t.PairingColumn))
		}
	}
	if t.Name == spotChecks {
		r.Unannounced = truthy(get(colUnannounced))
		r.Caseworker = text(get(colCaseworker))
		r.Inspectors = list(get(colInspectorList))
	}
	if sc, ok := subjectColumns[t.Name]; ok {
		r.SubjectTable, r.SubjectID = text(get(sc[0])), text(get(sc[1]))
	}
	if t.Name == evidenceEntries {
		r.Author, r.RecordTable = text(get(colEntryAuthor)), text(get(colEntryRecordTb))
	}
	return r
}

func text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func truthy(v any) bool {
	switch x := v.(type) {
	case int64:
		return x != 0
	case float64:
		return x != 0
	case string:
		return x != "" && x != "0"
	}
	return false
}

// list reads a JSON array of strings; anything else is an empty list, so a
// malformed inspector list grants nothing.
func list(v any) []string {
	s := text(v)
	if s == "" {
		return nil
	}
	var out []string
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil
	}
	return out
}
