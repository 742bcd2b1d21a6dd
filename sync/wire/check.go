package wire

import (
	"fmt"

	"doorstep/schema"
	"doorstep/sync/change"
)

// checkType reports whether v may be stored in column col of table t: NULL
// or a value of the column's storage type, and 0 or 1 for "deleted".
func checkType(t *schema.Table, col schema.Column, v any) error {
	if col.Name == "deleted" {
		if n, ok := v.(int64); !ok || (n != 0 && n != 1) {
			return fmt.Errorf("%s.deleted must be 0 or 1, got %v", t.Name, v)
		}
		return nil
	}
	if v == nil {
		return nil
	}
	ok := false
	switch col.Type {
	case schema.TypeText:
		_, ok = v.(string)
	case schema.TypeInt:
		_, ok = v.(int64)
	case schema.TypeReal:
		_, ok = v.(float64)
	}
	if !ok {
		return fmt.Errorf("%s.%s is %s, got %T", t.Name, col.Name, col.Type, v)
	}
	return nil
}

// Validate checks a changeset built in memory (not decoded) against reg the
// way Decode checks one read from the network: known tables and columns,
// typed values, canonical UUIDs, non-zero clocks. It returns an *Error.
func Validate(set *change.Set, reg *schema.Registry) error {
	if set.Batch != "" && !validBatch(set.Batch) {
		return errorf(ErrBadValue, -1, "batch id %q is not an xid", set.Batch)
	}
	if !validUUID(set.Site) {
		return errorf(ErrBadValue, -1, "site %q is not a canonical UUID", set.Site)
	}
	if set.Schema < 0 || set.Schema > schema.Version {
		return errorf(ErrSchemaVersion, -1, "schema %d, this build reads 1..%d", set.Schema, schema.Version)
	}
	if len(set.Changes) > MaxChanges {
		return errorf(ErrTooLarge, -1, "more than %d changes", MaxChanges)
	}
	// A row's changes come together and most share a site: a string equal
	// to the last one found canonical is not scanned again.
	var uuidOK string
	canonical := func(s string) bool {
		if s == uuidOK && s != "" {
			return true
		}
		if !validUUID(s) {
			return false
		}
		uuidOK = s
		return true
	}
	var idOK string
	for i, c := range set.Changes {
		t, ok := reg.Table(c.Table)
		if !ok {
			return errorf(ErrUnknownTable, -1, "change %d: table %q is not synced", i, c.Table)
		}
		col, ok := t.Column(c.Column)
		if !ok {
			return errorf(ErrUnknownColumn, -1, "change %d: table %s has no synced column %q", i, t.Name, c.Column)
		}
		if c.ID != idOK || c.ID == "" {
			if !validUUID(c.ID) {
				return errorf(ErrBadValue, -1, "change %d: row id %q is not a canonical UUID", i, c.ID)
			}
			idOK = c.ID
		}
		if !change.ValidValue(c.Value) {
			return errorf(ErrBadValue, -1, "change %d: value of type %T", i, c.Value)
		}
		if err := checkType(t, col, c.Value); err != nil {
			return errorf(ErrBadValue, -1, "change %d: %v", i, err)
		}
		if c.Clock.HLC == 0 || !canonical(c.Clock.Site) {
			return errorf(ErrBadValue, -1, "change %d: bad clock %s", i, c.Clock)
		}
		if !c.Base.IsZero() && (c.Base.HLC == 0 || !canonical(c.Base.Site)) {
			return errorf(ErrBadValue, -1, "change %d: bad base clock %s", i, c.Base)
		}
		if len(c.User) > MaxUser {
			return errorf(ErrBadValue, -1, "change %d: user id longer than %d bytes", i, MaxUser)
		}
	}
	if len(set.Gone) > MaxChanges {
		return errorf(ErrTooLarge, -1, "more than %d gone rows", MaxChanges)
	}
	for i, g := range set.Gone {
		if _, ok := reg.Table(g.Table); !ok {
			return errorf(ErrUnknownTable, -1, "gone row %d: table %q is not synced", i, g.Table)
		}
		if !validUUID(g.ID) {
			return errorf(ErrBadValue, -1, "gone row %d: id %q is not a canonical UUID", i, g.ID)
		}
	}
	return nil
}
