package evidence

import (
	"context"
	"fmt"
	"sort"

	"doorstep/sync/change"
	"doorstep/sync/replica"
)

// fieldKey names one field of one row.
type fieldKey struct{ table, row, column string }

// attest is a signed value of a field in an authentic entry.
type attest struct {
	c     *entryCheck
	value any
}

// attestations index the signed content of authentic entries by field, so
// that a field an earlier record signed and another evidenced record
// changed is known to be changed by that record, not behind everyone's
// back.
type attestations map[fieldKey][]attest

func newAttestations(checks []*entryCheck) attestations {
	a := attestations{}
	for _, c := range checks {
		if !c.authentic || c.rows == nil {
			continue
		}
		for _, r := range c.rows {
			for _, cell := range r.Cells {
				k := fieldKey{r.Table, r.ID, cell.Column}
				a[k] = append(a[k], attest{c, cell.Value})
			}
		}
	}
	return a
}

// later returns the latest authentic entry later than c that signed value
// v for field k, or nil.
func (a attestations) later(k fieldKey, v any, c *entryCheck) *entryCheck {
	var best *entryCheck
	for _, at := range a[k] {
		if at.c != c && later(at.c, c) && equalValues(at.value, v) && (best == nil || later(at.c, best)) {
			best = at.c
		}
	}
	return best
}

// written returns the authentic entry other than c whose own submit wrote
// field k's current value v — its clock is the field's clock — or nil.
func (a attestations) written(k fieldKey, v any, clk change.Clock, c *entryCheck) *entryCheck {
	for _, at := range a[k] {
		e := at.c.s.Entry
		if at.c != c && e.HLC == clk.HLC && e.Site == clk.Site && equalValues(at.value, v) {
			return at.c
		}
	}
	return nil
}

// Clocks gives the clock (HLC and site) of the write that set a field's
// current value.
type Clocks interface {
	// FieldClock returns the clock of column of row id of table; ok is
	// false when the row or column has none.
	FieldClock(ctx context.Context, table, id, column string) (clk change.Clock, ok bool, err error)
}

// RowStater reads one row's state with its column clocks: a
// *replica.Replica, or a server store on either backend.
type RowStater interface {
	RowState(ctx context.Context, table, id string) (replica.Row, bool, error)
}

// ReplicaClocks reads field clocks from a replica's (or a store's) sync
// metadata.
type ReplicaClocks struct {
	Replica RowStater
}

// FieldClock implements Clocks.
func (r ReplicaClocks) FieldClock(ctx context.Context, table, id, column string) (change.Clock, bool, error) {
	row, ok, err := r.Replica.RowState(ctx, table, id)
	if err != nil || !ok {
		return change.Clock{}, false, err
	}
	for _, c := range row.Changes {
		if c.Column == column {
			return c.Clock, true, nil
		}
	}
	return change.Clock{}, false, nil
}

// explain finds who changed field k to v since entry c signed it: the
// evidenced submit that wrote v (by the field's clock, when v.Clocks is
// set), else a later entry that signed v. It returns the entry and the
// note's code, or nil.
func (v Verifier) explain(ctx context.Context, k fieldKey, val any, c *entryCheck, att attestations) (*entryCheck, Code, error) {
	if v.Clocks != nil {
		clk, ok, err := v.Clocks.FieldClock(ctx, k.table, k.row, k.column)
		if err != nil {
			return nil, "", fmt.Errorf("clock of %s.%s row %s: %w", k.table, k.column, k.row, err)
		}
		if ok {
			if by := att.written(k, val, clk, c); by != nil {
				if later(by, c) {
					return by, CodeChangedLater, nil
				}
				return by, CodeChangedOther, nil
			}
			return nil, "", nil
		}
	}
	if by := att.later(k, val, c); by != nil {
		return by, CodeChangedLater, nil
	}
	return nil, "", nil
}

// compareContent compares the content c signed with the record's rows now.
// A field that differs is changed_after_signing unless another evidenced
// submit explains it (explain); such fields give one note per explaining
// entry. A column the content lacks compares equal when it is NULL now (it
// was added to the schema after signing); a column the record's kind no
// longer covers is not compared.
func (v Verifier) compareContent(ctx context.Context, c *entryCheck, current []Row, att attestations) ([]Reason, error) {
	type rowKey struct{ table, id string }
	type note struct {
		by   *entryCheck
		code Code
	}
	now := map[rowKey]Row{}
	for _, r := range current {
		now[rowKey{r.Table, r.ID}] = r
	}
	signed := map[rowKey]Row{}
	for _, r := range c.rows {
		signed[rowKey{r.Table, r.ID}] = r
	}
	var out []Reason
	notes := map[note]int{}
	explained := func(k fieldKey, val any) (bool, error) {
		by, code, err := v.explain(ctx, k, val, c, att)
		if err != nil || by == nil {
			return false, err
		}
		notes[note{by, code}]++
		return true, nil
	}
	for _, s := range c.rows {
		cur, ok := now[rowKey{s.Table, s.ID}]
		if !ok {
			out = append(out, Reason{Code: CodeChanged, Entry: c.s.ID, Table: s.Table, Row: s.ID, Detail: "row removed after signing"})
			continue
		}
		have := map[string]any{}
		for _, cell := range cur.Cells {
			have[cell.Column] = cell.Value
		}
		sigCols := map[string]bool{}
		for _, cell := range s.Cells {
			sigCols[cell.Column] = true
			val, ok := have[cell.Column]
			if !ok || equalValues(cell.Value, val) {
				continue
			}
			if ok, err := explained(fieldKey{s.Table, s.ID, cell.Column}, val); err != nil {
				return nil, err
			} else if ok {
				continue
			}
			out = append(out, Reason{Code: CodeChanged, Entry: c.s.ID, Table: s.Table, Row: s.ID,
				Column: cell.Column, Signed: FormatValue(cell.Value), Current: FormatValue(val)})
		}
		for _, cell := range cur.Cells {
			if sigCols[cell.Column] || cell.Value == nil {
				continue
			}
			if ok, err := explained(fieldKey{s.Table, s.ID, cell.Column}, cell.Value); err != nil {
				return nil, err
			} else if ok {
				continue
			}
			out = append(out, Reason{Code: CodeChanged, Entry: c.s.ID, Table: s.Table, Row: s.ID,
				Column: cell.Column, Current: FormatValue(cell.Value), Detail: "column not signed"})
		}
	}
	for _, cur := range current {
		if _, ok := signed[rowKey{cur.Table, cur.ID}]; ok {
			continue
		}
		// A row added since: every field must be explained.
		rowNotes := map[note]int{}
		all := len(cur.Cells) > 0
		for _, cell := range cur.Cells {
			by, code, err := v.explain(ctx, fieldKey{cur.Table, cur.ID, cell.Column}, cell.Value, c, att)
			if err != nil {
				return nil, err
			}
			if by == nil {
				all = false
				break
			}
			rowNotes[note{by, code}]++
		}
		if all {
			for k, n := range rowNotes {
				notes[k] += n
			}
			continue
		}
		out = append(out, Reason{Code: CodeChanged, Entry: c.s.ID, Table: cur.Table, Row: cur.ID, Detail: "row added after signing"})
	}
	var noted []Reason
	for n, count := range notes {
		noted = append(noted, Reason{Code: n.code, Entry: c.s.ID, By: n.by.s.ID, Detail: fmt.Sprintf("%d fields", count)})
	}
	sort.Slice(noted, func(i, j int) bool { return noted[i].By < noted[j].By })
	return append(out, noted...), nil
}
