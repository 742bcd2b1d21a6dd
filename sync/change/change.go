// Package change is the unit of synchronisation: one column of one row,
// written at one hybrid-logical-clock time by one site and user, and the
// changesets that carry such changes between replicas.
package change

import (
	"fmt"
	"math"

	"doorstep/sync/hlc"
)

// Clock identifies one write of one column: the hybrid logical clock of the
// writing transaction and the site (device or server UUID) that made it.
// Clocks are totally ordered: by HLC, then by site. The zero Clock stands
// for "no write yet" and orders before every other.
type Clock struct {
	HLC  hlc.Timestamp
	Site string
}

// IsZero reports whether c is the zero Clock.
func (c Clock) IsZero() bool { return c.HLC == 0 && c.Site == "" }

// Compare returns -1, 0 or +1 as c orders before, equal to or after o.
func (c Clock) Compare(o Clock) int {
	switch {
	case c.HLC < o.HLC:
		return -1
	case c.HLC > o.HLC:
		return 1
	case c.Site < o.Site:
		return -1
	case c.Site > o.Site:
		return 1
	}
	return 0
}

// Less reports whether c orders before o: the last-writer-wins rule.
func (c Clock) Less(o Clock) bool { return c.Compare(o) < 0 }

// String formats the clock for logs.
func (c Clock) String() string { return c.HLC.String() + "@" + c.Site }

// Change is the new value of one column of one row.
//
// Value is nil (SQL NULL), int64, float64 or string; nothing else. Clock is
// the write; User the signed-in user who made it ("" for the system, e.g. a
// conflict record written by the server). Base is the clock of the value the
// writer saw in that column before writing — zero for a column of a row the
// writer created — and is what conflict detection compares.
type Change struct {
	Table  string
	ID     string
	Column string
	Value  any
	Clock  Clock
	User   string
	Base   Clock
}

// String formats the change for logs and test failures.
func (c Change) String() string {
	return fmt.Sprintf("%s/%s.%s=%s @%s by %q base %s", c.Table, c.ID, c.Column, FormatValue(c.Value), c.Clock, c.User, c.Base)
}

// Set is a changeset: what one replica sends another in one push or one
// pull page.
//
// Batch is the push's batch id (an rs/xid string) that makes a replayed push
// a no-op; empty for pull pages. Site is the sending replica. Schema is the
// schema version (schema.Version) of the sender's synced tables; the wire
// package fills it when decoding and writes schema.Version when it is zero.
//
// Gone lists rows that left the receiver's scope (pull pages only): the
// receiving device drops them unless it holds unpushed writes of them.
type Set struct {
	Batch   string
	Site    string
	Schema  int
	Changes []Change
	Gone    []RowRef
}

// RowRef names one row of a synced table.
type RowRef struct {
	Table string
	ID    string
}

// ValidValue reports whether v is one of the value types a Change may hold.
func ValidValue(v any) bool {
	switch x := v.(type) {
	case nil, int64, string:
		return true
	case float64:
		return !math.IsNaN(x)
	}
	return false
}

// EqualValues reports whether two change values are the same SQL value.
// An int64 and a float64 are never equal: columns have one storage type.
func EqualValues(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && (x == y || math.IsNaN(x) && math.IsNaN(y))
	case string:
		y, ok := b.(string)
		return ok && x == y
	}
	return false
}

// FormatValue renders a change value for logs: NULL, 42, 4.5 or "text".
func FormatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return fmt.Sprintf("%q", x)
	default:
		return fmt.Sprint(x)
	}
}
