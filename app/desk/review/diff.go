package review

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"doorstep/schema"
)

// Snapshot is what a means-test visit recorded about its household
// (means_visits.snapshot): the household row and its member, income and
// asset rows, each a map of registry column names (plus "id") to values.
type Snapshot struct {
	Household map[string]any   `json:"household"`
	Members   []map[string]any `json:"members"`
	Incomes   []map[string]any `json:"incomes"`
	Assets    []map[string]any `json:"assets"`
}

// ParseSnapshot decodes a visit's snapshot JSON, keeping numbers exact.
// An empty string is an empty snapshot.
func ParseSnapshot(s string) (Snapshot, error) {
	var snap Snapshot
	if s == "" {
		return snap, nil
	}
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	if err := d.Decode(&snap); err != nil {
		return Snapshot{}, fmt.Errorf("parse snapshot: %w", err)
	}
	return snap, nil
}

// Sections of a snapshot, in the order a diff lists them; each is the
// registry table its rows come from.
const (
	SectionHousehold = "households"
	SectionMembers   = "members"
	SectionIncomes   = "incomes"
	SectionAssets    = "assets"
)

// Op says how a row or field changed.
type Op string

// The changes a diff reports.
const (
	Added   Op = "added"   // a row (member, income, asset) that is new
	Removed Op = "removed" // a row that is gone
	Changed Op = "changed" // a field whose value differs
)

// Change is one difference between two snapshots.
type Change struct {
	Op      Op
	Section string // SectionHousehold, SectionMembers, …
	RowID   string // "" for the household
	// Who is the member the row is about (members, incomes; an asset's
	// owner), What the row's code (income kind, asset kind).
	Who, What string
	// Field is the changed column; "" when a whole row was added or removed.
	Field string
	// Old and New are the values as stored (codes untranslated, money in
	// fen); "" for none.
	Old, New string
}

// Key is the field-comment key of the change, as the visit form names its
// fields: "household.address", "members.<id>.health", or "members.<id>"
// for a whole row.
func (c Change) Key() string {
	if c.Section == SectionHousehold {
		return "household." + c.Field
	}
	if c.Field == "" {
		return c.Section + "." + c.RowID
	}
	return FieldKey(c.Section, c.RowID, c.Field)
}

// ignored are columns that say where a row belongs, not what it says.
var ignored = []string{"id", "deleted", "community_id", "household_id", "last_visit_id", "member_id"}

// Diff lists what changed from prev to cur, field by field: household
// fields first, then members, incomes and assets (rows matched by id;
// current rows in order, then removed ones).
func Diff(prev, cur Snapshot) []Change {
	names := memberNames(prev, cur)
	var out []Change
	out = append(out, diffRow(SectionHousehold, "", "", "", prev.Household, cur.Household, names)...)
	out = append(out, diffRows(SectionMembers, prev.Members, cur.Members, names)...)
	out = append(out, diffRows(SectionIncomes, prev.Incomes, cur.Incomes, names)...)
	out = append(out, diffRows(SectionAssets, prev.Assets, cur.Assets, names)...)
	return out
}

func memberNames(snaps ...Snapshot) map[string]string {
	out := map[string]string{}
	for _, s := range snaps {
		for _, m := range s.Members {
			out[Value(m["id"])] = Value(m["name"])
		}
	}
	return out
}

// label returns who and what a row is about.
func label(section string, row map[string]any, names map[string]string) (who, what string) {
	switch section {
	case SectionMembers:
		return Value(row["name"]), ""
	case SectionIncomes:
		return names[Value(row["member_id"])], Value(row["kind"])
	case SectionAssets:
		return names[Value(row["owner_member_id"])], Value(row["kind"])
	}
	return "", ""
}

func diffRows(section string, prev, cur []map[string]any, names map[string]string) []Change {
	byID := map[string]map[string]any{}
	for _, r := range prev {
		byID[Value(r["id"])] = r
	}
	seen := map[string]bool{}
	var out []Change
	for _, r := range cur {
		id := Value(r["id"])
		seen[id] = true
		who, what := label(section, r, names)
		old, ok := byID[id]
		if !ok {
			out = append(out, Change{Op: Added, Section: section, RowID: id, Who: who, What: what})
			continue
		}
		out = append(out, diffRow(section, id, who, what, old, r, names)...)
	}
	for _, r := range prev {
		if id := Value(r["id"]); !seen[id] {
			who, what := label(section, r, names)
			out = append(out, Change{Op: Removed, Section: section, RowID: id, Who: who, What: what})
		}
	}
	return out
}

func diffRow(section, id, who, what string, prev, cur map[string]any, names map[string]string) []Change {
	var out []Change
	for _, col := range fieldOrder(section, prev, cur) {
		a, b := display(col, prev[col], names), display(col, cur[col], names)
		if a != b {
			out = append(out, Change{Op: Changed, Section: section, RowID: id, Who: who, What: what,
				Field: col, Old: a, New: b})
		}
	}
	return out
}

// fieldOrder returns the columns of two rows: the registry's order first,
// then any other keys sorted, without the ignored ones.
func fieldOrder(section string, rows ...map[string]any) []string {
	var cols []string
	if t, ok := schema.Reg.Table(section); ok {
		cols = t.ColumnNames()
	}
	var extra []string
	for _, r := range rows {
		for k := range r {
			if !slices.Contains(cols, k) && !slices.Contains(extra, k) {
				extra = append(extra, k)
			}
		}
	}
	sort.Strings(extra)
	cols = append(cols, extra...)
	return slices.DeleteFunc(cols, func(c string) bool { return slices.Contains(ignored, c) })
}

// display is Value, with member ids shown as the member's name.
func display(col string, v any, names map[string]string) string {
	s := Value(v)
	if col == "owner_member_id" {
		if n, ok := names[s]; ok {
			return n
		}
	}
	return s
}

// Value renders a snapshot value as stored: text as is, numbers exactly,
// booleans as 1/0, null as "", lists and objects as JSON.
func Value(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case bool:
		if x {
			return "1"
		}
		return "0"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
