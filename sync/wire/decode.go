package wire

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"math"

	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
)

// Decode reads one gzip-compressed changeset from r and validates it
// against reg (schema.Reg in production). Every error is an *Error.
func Decode(r io.Reader, reg *schema.Registry) (*change.Set, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, errorf(ErrMalformed, -1, "gzip: %v", err)
	}
	b, err := io.ReadAll(io.LimitReader(zr, MaxBytes+1))
	if err != nil {
		return nil, errorf(ErrMalformed, -1, "gzip: %v", err)
	}
	if len(b) > MaxBytes {
		return nil, errorf(ErrTooLarge, -1, "more than %d bytes uncompressed", MaxBytes)
	}
	return Unmarshal(b, reg)
}

// Unmarshal decodes and validates an uncompressed payload (what Marshal
// returns). Every error is an *Error.
func Unmarshal(b []byte, reg *schema.Registry) (*change.Set, error) {
	if len(b) > MaxBytes {
		return nil, errorf(ErrTooLarge, -1, "more than %d bytes", MaxBytes)
	}
	d := decoder{b: b, reg: reg}
	set, err := d.decode()
	if err != nil {
		return nil, err
	}
	return set, nil
}

type decoder struct {
	b   []byte
	off int
	reg *schema.Registry
}

func (d *decoder) fail(kind error, format string, args ...any) *Error {
	return errorf(kind, d.off, format, args...)
}

func (d *decoder) uvarint(what string) (uint64, error) {
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		return 0, d.fail(ErrMalformed, "bad %s", what)
	}
	d.off += n
	return v, nil
}

func (d *decoder) varint(what string) (int64, error) {
	v, n := binary.Varint(d.b[d.off:])
	if n <= 0 {
		return 0, d.fail(ErrMalformed, "bad %s", what)
	}
	d.off += n
	return v, nil
}

// count reads a count of items each at least min bytes long, refusing
// counts the remaining input cannot hold (so no huge allocations).
func (d *decoder) count(what string, min int) (int, error) {
	v, err := d.uvarint(what)
	if err != nil {
		return 0, err
	}
	if v > uint64(len(d.b)-d.off)/uint64(min) {
		return 0, d.fail(ErrMalformed, "%s %d exceeds the remaining input", what, v)
	}
	return int(v), nil
}

func (d *decoder) bytes(n int, what string) ([]byte, error) {
	if n < 0 || n > len(d.b)-d.off {
		return nil, d.fail(ErrMalformed, "truncated %s", what)
	}
	s := d.b[d.off : d.off+n]
	d.off += n
	return s, nil
}

func (d *decoder) string(what string) (string, error) {
	n, err := d.count(what+" length", 1)
	if err != nil {
		return "", err
	}
	s, err := d.bytes(n, what)
	return string(s), err
}

// index reads a reference into a table of n entries.
func (d *decoder) index(n int, what string) (int, error) {
	v, err := d.uvarint(what)
	if err != nil {
		return 0, err
	}
	if v >= uint64(n) {
		return 0, d.fail(ErrMalformed, "%s %d out of range (%d entries)", what, v, n)
	}
	return int(v), nil
}

type writer struct{ site, user string }

func (d *decoder) decode() (*change.Set, error) {
	if len(d.b) < len(magic) || !bytes.Equal(d.b[:len(magic)], magic[:]) {
		return nil, d.fail(ErrMalformed, "not a changeset (bad magic)")
	}
	d.off = len(magic)
	proto, err := d.uvarint("protocol version")
	if err != nil {
		return nil, err
	}
	if proto < MinProto || proto > Proto {
		return nil, d.fail(ErrProto, "protocol %d, this build reads %d..%d", proto, MinProto, Proto)
	}
	ver, err := d.uvarint("schema version")
	if err != nil {
		return nil, err
	}
	if ver < 1 || ver > schema.Version {
		return nil, d.fail(ErrSchemaVersion, "schema %d, this build reads 1..%d", ver, schema.Version)
	}
	set := &change.Set{Schema: int(ver)}
	if set.Batch, err = d.string("batch id"); err != nil {
		return nil, err
	}
	if set.Batch != "" && !validBatch(set.Batch) {
		return nil, d.fail(ErrBadValue, "batch id %q is not an xid", set.Batch)
	}
	if set.Site, err = d.string("site"); err != nil {
		return nil, err
	}
	if !validUUID(set.Site) {
		return nil, d.fail(ErrBadValue, "site %q is not a canonical UUID", set.Site)
	}
	nstr, err := d.count("string count", 1)
	if err != nil {
		return nil, err
	}
	strs := make([]string, nstr)
	for i := range strs {
		if strs[i], err = d.string("string"); err != nil {
			return nil, err
		}
	}
	nw, err := d.count("writer count", 2)
	if err != nil {
		return nil, err
	}
	writers := make([]writer, nw)
	for i := range writers {
		s, err := d.index(nstr, "writer site")
		if err != nil {
			return nil, err
		}
		u, err := d.index(nstr, "writer user")
		if err != nil {
			return nil, err
		}
		if !validUUID(strs[s]) {
			return nil, d.fail(ErrBadValue, "writer site %q is not a canonical UUID", strs[s])
		}
		if len(strs[u]) > MaxUser {
			return nil, d.fail(ErrBadValue, "user id longer than %d bytes", MaxUser)
		}
		writers[i] = writer{strs[s], strs[u]}
	}
	// Table and column names resolve once per string.
	tables := make([]*schema.Table, nstr)
	nrows, err := d.count("row count", 18)
	if err != nil {
		return nil, err
	}
	var prevHLC uint64
	for r := 0; r < nrows; r++ {
		ti, err := d.index(nstr, "table")
		if err != nil {
			return nil, err
		}
		t := tables[ti]
		if t == nil {
			var ok bool
			if t, ok = d.reg.Table(strs[ti]); !ok {
				return nil, d.fail(ErrUnknownTable, "table %q is not synced", strs[ti])
			}
			tables[ti] = t
		}
		raw, err := d.bytes(16, "row id")
		if err != nil {
			return nil, err
		}
		id := formatUUID(raw)
		ncells, err := d.count("cell count", 5)
		if err != nil {
			return nil, err
		}
		if ncells == 0 {
			return nil, d.fail(ErrMalformed, "row %s/%s has no cells", t.Name, id)
		}
		if len(set.Changes)+ncells > MaxChanges {
			return nil, d.fail(ErrTooLarge, "more than %d changes", MaxChanges)
		}
		for k := 0; k < ncells; k++ {
			c := change.Change{Table: t.Name, ID: id}
			ci, err := d.index(nstr, "column")
			if err != nil {
				return nil, err
			}
			col, ok := t.Column(strs[ci])
			if !ok {
				return nil, d.fail(ErrUnknownColumn, "table %s has no synced column %q", t.Name, strs[ci])
			}
			c.Column = col.Name
			if c.Value, err = d.value(t, col); err != nil {
				return nil, err
			}
			delta, err := d.varint("clock")
			if err != nil {
				return nil, err
			}
			h := prevHLC + uint64(delta)
			prevHLC = h
			if h == 0 {
				return nil, d.fail(ErrBadValue, "zero clock")
			}
			wi, err := d.index(nw, "writer")
			if err != nil {
				return nil, err
			}
			c.Clock = change.Clock{HLC: hlc.Timestamp(h), Site: writers[wi].site}
			c.User = writers[wi].user
			bs, err := d.uvarint("base site")
			if err != nil {
				return nil, err
			}
			if bs != 0 {
				if bs > uint64(nstr) {
					return nil, d.fail(ErrMalformed, "base site %d out of range", bs)
				}
				site := strs[bs-1]
				if !validUUID(site) {
					return nil, d.fail(ErrBadValue, "base site %q is not a canonical UUID", site)
				}
				bd, err := d.varint("base clock")
				if err != nil {
					return nil, err
				}
				bh := h - uint64(bd)
				if bh == 0 {
					return nil, d.fail(ErrBadValue, "zero base clock with a site")
				}
				c.Base = change.Clock{HLC: hlc.Timestamp(bh), Site: site}
			}
			set.Changes = append(set.Changes, c)
		}
	}
	if proto >= 2 {
		ngone, err := d.count("gone count", 17)
		if err != nil {
			return nil, err
		}
		if ngone > MaxChanges {
			return nil, d.fail(ErrTooLarge, "more than %d gone rows", MaxChanges)
		}
		for k := 0; k < ngone; k++ {
			ti, err := d.index(nstr, "gone table")
			if err != nil {
				return nil, err
			}
			t, ok := d.reg.Table(strs[ti])
			if !ok {
				return nil, d.fail(ErrUnknownTable, "gone row: table %q is not synced", strs[ti])
			}
			raw, err := d.bytes(16, "gone row id")
			if err != nil {
				return nil, err
			}
			set.Gone = append(set.Gone, change.RowRef{Table: t.Name, ID: formatUUID(raw)})
		}
	}
	if d.off != len(d.b) {
		return nil, d.fail(ErrMalformed, "%d trailing bytes", len(d.b)-d.off)
	}
	return set, nil
}

// value reads one tagged value and checks it against the column's type.
func (d *decoder) value(t *schema.Table, col schema.Column) (any, error) {
	tag, err := d.bytes(1, "value tag")
	if err != nil {
		return nil, err
	}
	var v any
	switch tag[0] {
	case tagNull:
		v = nil
	case tagInt:
		if v, err = d.varint("integer"); err != nil {
			return nil, err
		}
	case tagReal:
		raw, err := d.bytes(8, "real")
		if err != nil {
			return nil, err
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(raw))
		if math.IsNaN(f) {
			return nil, d.fail(ErrBadValue, "%s.%s: NaN", t.Name, col.Name)
		}
		v = f
	case tagText:
		if v, err = d.string("text"); err != nil {
			return nil, err
		}
	default:
		return nil, d.fail(ErrMalformed, "value tag %d", tag[0])
	}
	if err := checkType(t, col, v); err != nil {
		return nil, d.fail(ErrBadValue, "%v", err)
	}
	return v, nil
}
