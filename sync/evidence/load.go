package evidence

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"doorstep/schema"
)

// Querier is what reading a record needs: a *sql.DB or a *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Record is a record's content as it stands in a database, with the
// columns that place it.
type Record struct {
	Kind Kind
	ID   string
	// Community is the record row's scope column; Household, Elder and
	// Pairing its Kind's columns ("" when the kind has none or it is NULL).
	Community, Household, Elder, Pairing string
	// Rows is the content: the record row and its children.
	Rows []Row
}

// ErrNoRecord is returned (wrapped) when a record's row does not exist.
var ErrNoRecord = errors.New("evidence: record not found")

// LoadRecord reads the content of record id of kind k from q: the record
// row and every child row, each with every content column of the kind, as
// stored. A missing record row is ErrNoRecord.
func LoadRecord(ctx context.Context, q Querier, k Kind, id string) (Record, error) {
	rec := Record{Kind: k, ID: id}
	rt, ok := schema.Reg.Table(k.Table)
	if !ok {
		return rec, fmt.Errorf("load %s %s: not a synced table", k.Table, id)
	}
	main, err := loadRows(ctx, q, k, rt, "id", id)
	if err != nil {
		return rec, err
	}
	if len(main) == 0 {
		return rec, fmt.Errorf("load %s %s: %w", k.Table, id, ErrNoRecord)
	}
	r := main[0]
	rec.Rows = append(rec.Rows, r)
	rec.Community = textOf(cellValue(r, rt.ScopeColumn))
	rec.Household = textOf(cellValue(r, k.Household))
	rec.Elder = textOf(cellValue(r, k.Elder))
	rec.Pairing = textOf(cellValue(r, k.Pairing))
	seen := map[[2]string]bool{{k.Table, id}: true}
	for _, ch := range k.Children {
		via := any(id)
		if ch.Via != "id" {
			via = cellValue(r, ch.Via)
		}
		if via == nil || via == "" {
			continue
		}
		ct, _ := schema.Reg.Table(ch.Table)
		rows, err := loadRows(ctx, q, k, ct, ch.Column, via)
		if err != nil {
			return rec, fmt.Errorf("load %s %s: %w", k.Table, id, err)
		}
		for _, row := range rows {
			key := [2]string{row.Table, row.ID}
			if !seen[key] {
				seen[key] = true
				rec.Rows = append(rec.Rows, row)
			}
		}
	}
	return rec, nil
}

// loadRows reads the rows of t whose column col equals v, with the kind's
// content columns of t, in id order.
func loadRows(ctx context.Context, q Querier, k Kind, t *schema.Table, col string, v any) ([]Row, error) {
	cols := k.columns(t)
	// Names come from the registry (checked when the kind was registered).
	query := `SELECT id, ` + strings.Join(cols, ", ") + ` FROM ` + t.Name + ` WHERE ` + col + ` = ? ORDER BY id`
	rs, err := q.QueryContext(ctx, query, v)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", t.Name, err)
	}
	defer rs.Close()
	var out []Row
	for rs.Next() {
		var id string
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols)+1)
		ptrs[0] = &id
		for i := range vals {
			ptrs[i+1] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("read %s: %w", t.Name, err)
		}
		row := Row{Table: t.Name, ID: id, Cells: make([]Cell, len(cols))}
		for i, c := range cols {
			row.Cells[i] = Cell{Column: c, Value: vals[i]}
		}
		out = append(out, row)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", t.Name, err)
	}
	return out, nil
}

// cellValue returns the value of column col of r (nil when absent).
func cellValue(r Row, col string) any {
	if col == "" {
		return nil
	}
	for _, c := range r.Cells {
		if c.Column == col {
			return c.Value
		}
	}
	return nil
}

func textOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return ""
}

// Content returns the record's canonical content encoding.
func (r Record) Content() ([]byte, error) {
	b, err := EncodeContent(r.Rows)
	if err != nil {
		return nil, fmt.Errorf("content of %s %s: %w", r.Kind.Table, r.ID, err)
	}
	return b, nil
}

// Attachment is one photo or signature of a record: its role and the
// SHA-256 of its bytes (the blob's name).
type Attachment struct {
	Role string
	Hash Hash
}

var blobRef = regexp.MustCompile(`[0-9a-f]{64}`)

// attachmentsOf returns the attachments the record row of rows references
// through the kind's blob columns, sorted by role then hash, without
// repeats.
func attachmentsOf(k Kind, recordID string, rows []Row) []Attachment {
	var rec *Row
	for i := range rows {
		if rows[i].Table == k.Table && rows[i].ID == recordID {
			rec = &rows[i]
		}
	}
	if rec == nil {
		return nil
	}
	seen := map[Attachment]bool{}
	var out []Attachment
	for _, bc := range k.Blobs {
		text := textOf(cellValue(*rec, bc.Column))
		for _, loc := range blobRef.FindAllStringIndex(text, -1) {
			// Exactly 64 digits: not part of a longer run of hex.
			if loc[0] > 0 && unhex(text[loc[0]-1]) >= 0 || loc[1] < len(text) && unhex(text[loc[1]]) >= 0 {
				continue
			}
			h, _ := ParseHash(text[loc[0]:loc[1]])
			a := Attachment{Role: bc.Role, Hash: h}
			if !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
	}
	sortAttachments(out)
	return out
}

func sortAttachments(as []Attachment) {
	sort.Slice(as, func(i, j int) bool {
		if as[i].Role != as[j].Role {
			return as[i].Role < as[j].Role
		}
		return string(as[i].Hash[:]) < string(as[j].Hash[:])
	})
}
