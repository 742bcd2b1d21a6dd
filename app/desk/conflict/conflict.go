package conflict

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/sheet"
	"doorstep/schema"
)

// Side is one of the two concurrent writes.
type Side struct {
	// Value is the written value (nil, int64, float64 or string), as the
	// column stores it; Text renders it.
	Value any
	Text  string
	// UserID and User are who wrote it (staff id and name), Site the device.
	UserID, User string
	Site         string
	// At is when it was written (the physical part of its clock).
	At time.Time
}

// Conflict is one field two people changed at the same time.
type Conflict struct {
	ID          string
	Table       string // a registry table
	RowID       string
	Column      string // a column of Table
	CommunityID string
	Community   string
	// Label says what the row is about: a household's head, a member's
	// or an elder's name.
	Label string
	// Winner is the value the sync kept (last writer wins); Loser the one
	// it replaced.
	Winner, Loser Side
	// Current is the field's value on this device now.
	Current    any
	DetectedAt time.Time
	Resolved   bool
	ResolvedBy string // name
	ResolvedAt time.Time
}

// List returns the conflicts in the area, newest first: the open ones, or
// every one with all.
func List(ctx context.Context, o *desk.Office, a desk.Area, all bool) ([]Conflict, error) {
	return list(ctx, o, a, all, "")
}

// Get returns one conflict, desk.ErrNotFound if it is not on this device
// or outside the supervisor's area.
func Get(ctx context.Context, o *desk.Office, id string) (Conflict, error) {
	cs, err := list(ctx, o, desk.Area{}, true, id)
	if err != nil {
		return Conflict{}, err
	}
	if len(cs) == 0 {
		return Conflict{}, fmt.Errorf("conflict %s: %w", id, desk.ErrNotFound)
	}
	return cs[0], nil
}

func list(ctx context.Context, o *desk.Office, a desk.Area, all bool, id string) ([]Conflict, error) {
	names, err := o.Staff(ctx)
	if err != nil {
		return nil, err
	}
	q := `SELECT k.id, coalesce(k.tbl,''), coalesce(k.row_id,''), coalesce(k.col,''),
		coalesce(k.community_id,''), coalesce(c.name,''),
		coalesce(k.winner_value,'null'), coalesce(k.loser_value,'null'),
		coalesce(k.winner_hlc,0), coalesce(k.loser_hlc,0), coalesce(k.winner_site,''), coalesce(k.loser_site,''),
		coalesce(k.winner_user,''), coalesce(k.loser_user,''), coalesce(k.detected_at,''),
		coalesce(k.resolved,0), coalesce(k.resolved_by,''), coalesce(k.resolved_at,'')
		FROM conflicts k LEFT JOIN communities c ON c.id = k.community_id WHERE k.deleted = 0`
	var args []any
	if !all {
		q += ` AND coalesce(k.resolved,0) = 0`
	}
	if id != "" {
		q += ` AND k.id = ?`
		args = append(args, id)
	}
	// Conflicts with no community are district-level: only a district
	// supervisor's device holds them, and a street filter leaves them out.
	cond, cargs := o.Filter("k.community_id", a)
	q += cond + ` ORDER BY k.detected_at DESC, k.id`
	args = append(args, cargs...)
	var out []Conflict
	err = desk.Query(ctx, o.DB, "conflicts", q, args, func(r *sql.Rows) error {
		var c Conflict
		var wv, lv, detected, resolvedBy, resolvedAt string
		var wh, lh int64
		if err := r.Scan(&c.ID, &c.Table, &c.RowID, &c.Column, &c.CommunityID, &c.Community, &wv, &lv,
			&wh, &lh, &c.Winner.Site, &c.Loser.Site, &c.Winner.UserID, &c.Loser.UserID, &detected,
			&c.Resolved, &resolvedBy, &resolvedAt); err != nil {
			return err
		}
		c.Winner.Value, c.Loser.Value = decode(wv), decode(lv)
		c.Winner.At, c.Loser.At = physical(wh), physical(lh)
		c.Winner.User, c.Loser.User = names[c.Winner.UserID], names[c.Loser.UserID]
		c.ResolvedBy = names[resolvedBy]
		if c.ResolvedBy == "" {
			c.ResolvedBy = resolvedBy
		}
		c.DetectedAt, _ = desk.ParseInstant(detected)
		c.ResolvedAt, _ = desk.ParseInstant(resolvedAt)
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		c := &out[i]
		c.Winner.Text, c.Loser.Text = Text(c.Column, c.Winner.Value), Text(c.Column, c.Loser.Value)
		if err := describe(ctx, o, c); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// describe fills the row's label and the field's current value. Names
// come from the registry; a conflict naming a table or column the
// registry lacks gets neither.
func describe(ctx context.Context, o *desk.Office, c *Conflict) error {
	t, ok := schema.Reg.Table(c.Table)
	if !ok {
		return nil
	}
	if _, ok := t.Column(c.Column); !ok {
		return nil
	}
	label := `''`
	switch {
	case has(t, "head_name"):
		label = `coalesce(r.head_name,'')`
	case has(t, "name"):
		label = `coalesce(r.name,'')`
	case has(t, "household_id"):
		label = `coalesce((SELECT head_name FROM households WHERE id = r.household_id),'')`
	case has(t, "elder_id"):
		label = `coalesce((SELECT name FROM elders WHERE id = r.elder_id),'')`
	}
	var cur any
	err := o.DB.QueryRowContext(ctx, `SELECT `+label+`, r.`+c.Column+` FROM `+t.Name+` r WHERE r.id = ?`,
		c.RowID).Scan(&c.Label, &cur)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("conflict %s: read %s %s: %w", c.ID, c.Table, c.RowID, err)
	}
	if b, ok := cur.([]byte); ok {
		cur = string(b)
	}
	c.Current = cur
	return nil
}

func has(t *schema.Table, col string) bool {
	_, ok := t.Column(col)
	return ok
}

// physical returns the wall-clock part of a hybrid logical clock value
// (48-bit Unix milliseconds above a 16-bit counter).
func physical(hlc int64) time.Time {
	if hlc <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(hlc >> 16).UTC()
}

// decode reads a value as the sync engine stores it in a conflict record:
// JSON null, a number or a string. Whole numbers become int64.
func decode(s string) any {
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return s
	}
	if n, ok := v.(json.Number); ok {
		if i, err := n.Int64(); err == nil {
			return i
		}
		f, _ := n.Float64()
		return f
	}
	return v
}

// Text renders a value for people: money columns (…_fen) in yuan, NULL
// as "".
func Text(column string, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case int64:
		if isMoney(column) {
			return sheet.Yuan(x)
		}
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func isMoney(column string) bool {
	return len(column) > 4 && column[len(column)-4:] == "_fen"
}

// Sheet is the export of a list of conflicts.
func Sheet(cs []Conflict, loc *time.Location) sheet.Sheet {
	s := sheet.Sheet{
		Name: "desk.conflict.sheet",
		Columns: []string{"desk.col.community", "desk.col.record", "desk.col.field", "desk.col.winner_value",
			"desk.col.winner_user", "desk.col.winner_at", "desk.col.loser_value", "desk.col.loser_user",
			"desk.col.loser_at", "desk.col.resolved"},
	}
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	for _, c := range cs {
		s.Rows = append(s.Rows, []any{c.Community, c.Label, sheet.Code("desk.field." + c.Column),
			c.Winner.Text, c.Winner.User, at(c.Winner.At), c.Loser.Text, c.Loser.User, at(c.Loser.At), c.Resolved})
	}
	return s
}
