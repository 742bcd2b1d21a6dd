package evidence

import (
	"fmt"
	"sort"
)

// fieldKey names one field of one row.
type fieldKey struct{ table, row, column string }

// attest is a signed value of a field in an authentic entry.
type attest struct {
	c     *entryCheck
	value any
}

// attestations index the signed content of authentic entries by field, so
// that a field an earlier record signed and a later record changed is
// known to be changed by that later record, not behind everyone's back.
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

// by returns the latest authentic entry later than c that signed value v
// for field k, or nil.
func (a attestations) by(k fieldKey, v any, c *entryCheck) *entryCheck {
	var best *entryCheck
	for _, at := range a[k] {
		if at.c != c && later(at.c, c) && equalValues(at.value, v) && (best == nil || later(at.c, best)) {
			best = at.c
		}
	}
	return best
}

// compareContent compares the content c signed with the record's rows now.
// A field that differs is changed_after_signing unless a later authentic
// entry signed its current value (then one changed_by_later_record note
// per such entry). A column the content lacks compares equal when it is
// NULL now (it was added to the schema after signing); a column the
// record's kind no longer covers is not compared.
func compareContent(c *entryCheck, current []Row, att attestations) []Reason {
	type rowKey struct{ table, id string }
	now := map[rowKey]Row{}
	for _, r := range current {
		now[rowKey{r.Table, r.ID}] = r
	}
	signed := map[rowKey]Row{}
	for _, r := range c.rows {
		signed[rowKey{r.Table, r.ID}] = r
	}
	var out []Reason
	notes := map[*entryCheck]int{}
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
			v, ok := have[cell.Column]
			if !ok || equalValues(cell.Value, v) {
				continue
			}
			if by := att.by(fieldKey{s.Table, s.ID, cell.Column}, v, c); by != nil {
				notes[by]++
				continue
			}
			out = append(out, Reason{Code: CodeChanged, Entry: c.s.ID, Table: s.Table, Row: s.ID,
				Column: cell.Column, Signed: FormatValue(cell.Value), Current: FormatValue(v)})
		}
		for _, cell := range cur.Cells {
			if sigCols[cell.Column] || cell.Value == nil {
				continue
			}
			if by := att.by(fieldKey{s.Table, s.ID, cell.Column}, cell.Value, c); by != nil {
				notes[by]++
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
		var by *entryCheck
		for _, cell := range cur.Cells {
			b := att.by(fieldKey{cur.Table, cur.ID, cell.Column}, cell.Value, c)
			if b == nil {
				by = nil
				break
			}
			if by == nil || later(b, by) {
				by = b
			}
		}
		if by != nil {
			notes[by]++
			continue
		}
		out = append(out, Reason{Code: CodeChanged, Entry: c.s.ID, Table: cur.Table, Row: cur.ID, Detail: "row added after signing"})
	}
	var noted []Reason
	for by, n := range notes {
		noted = append(noted, Reason{Code: CodeChangedLater, Entry: c.s.ID, By: by.s.ID,
			Detail: fmt.Sprintf("%d fields", n)})
	}
	sort.Slice(noted, func(i, j int) bool { return noted[i].By < noted[j].By })
	return append(out, noted...)
}
