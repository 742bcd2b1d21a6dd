package evidence

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
)

// Row is one database row of a record's content: its table, its id and
// every synced column of the record kind (kind.go) with its value as
// stored. Value is nil (NULL), int64, float64, string (TEXT) or []byte
// (BLOB); nothing else.
type Row struct {
	Table string
	ID    string
	Cells []Cell
}

// Cell is one column of a content row.
type Cell struct {
	Column string
	Value  any
}

// Value type tags of the canonical content encoding (docs/EVIDENCE.md).
const (
	tagNull  = 0x00
	tagInt   = 0x01
	tagReal  = 0x02
	tagText  = 0x03
	tagBlob  = 0x04
	magicLen = 5
)

// contentMagic starts every canonical content: "DSEC" and format version 1.
var contentMagic = []byte{'D', 'S', 'E', 'C', 1}

// ErrEncoding is matched (errors.Is) by every error of the canonical
// encodings: a value of an unsupported type, a duplicate row or column,
// bytes that are not a canonical encoding.
var ErrEncoding = errors.New("evidence: not canonical")

func encErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrEncoding, fmt.Sprintf(format, args...))
}

// EncodeContent returns the canonical content encoding of rows: rows in
// order of table name then id, cells in order of column name (byte-wise),
// every string and blob length-prefixed and every value typed, so equal
// contents encode to equal bytes whatever order rows and cells come in, and
// different contents never do. rows is not modified. A duplicate row (table
// and id) or column, a NaN, or a value of another type is an error.
func EncodeContent(rows []Row) ([]byte, error) {
	sorted := sortedRows(rows)
	for i := 1; i < len(sorted); i++ {
		if sorted[i].Table == sorted[i-1].Table && sorted[i].ID == sorted[i-1].ID {
			return nil, encErr("row %s %s twice", sorted[i].Table, sorted[i].ID)
		}
	}
	b := append([]byte(nil), contentMagic...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(sorted)))
	for _, r := range sorted {
		b = appendStr(b, r.Table)
		b = appendStr(b, r.ID)
		b = binary.BigEndian.AppendUint32(b, uint32(len(r.Cells)))
		for i, c := range r.Cells {
			if i > 0 && c.Column == r.Cells[i-1].Column {
				return nil, encErr("row %s %s: column %s twice", r.Table, r.ID, c.Column)
			}
			b = appendStr(b, c.Column)
			var err error
			if b, err = appendValue(b, c.Value); err != nil {
				return nil, fmt.Errorf("row %s %s column %s: %w", r.Table, r.ID, c.Column, err)
			}
		}
	}
	return b, nil
}

// sortedRows copies rows into canonical order (cells sorted too).
func sortedRows(rows []Row) []Row {
	out := make([]Row, len(rows))
	for i, r := range rows {
		cells := append([]Cell(nil), r.Cells...)
		sort.SliceStable(cells, func(a, b int) bool { return cells[a].Column < cells[b].Column })
		out[i] = Row{Table: r.Table, ID: r.ID, Cells: cells}
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Table != out[b].Table {
			return out[a].Table < out[b].Table
		}
		return out[a].ID < out[b].ID
	})
	return out
}

func appendStr(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, tagNull), nil
	case int64:
		return binary.BigEndian.AppendUint64(append(b, tagInt), uint64(x)), nil
	case int:
		return binary.BigEndian.AppendUint64(append(b, tagInt), uint64(int64(x))), nil
	case float64:
		if math.IsNaN(x) {
			return nil, encErr("NaN")
		}
		return binary.BigEndian.AppendUint64(append(b, tagReal), math.Float64bits(x)), nil
	case string:
		return appendStr(append(b, tagText), x), nil
	case []byte:
		b = append(b, tagBlob)
		b = binary.BigEndian.AppendUint32(b, uint32(len(x)))
		return append(b, x...), nil
	}
	return nil, encErr("value of type %T", v)
}

// DecodeContent reads a canonical content encoding back into rows. It
// refuses anything EncodeContent would not have written: rows or cells out
// of order or repeated, unknown tags, short or trailing bytes.
func DecodeContent(b []byte) ([]Row, error) {
	d := decoder{b: b}
	if len(b) < magicLen || !bytes.Equal(b[:magicLen], contentMagic) {
		return nil, encErr("content does not start with DSEC 1")
	}
	d.off = magicLen
	n := d.u32()
	if d.err == nil && uint64(n)*12 > uint64(len(b)-d.off) {
		return nil, encErr("content: %d rows cannot fit in %d bytes", n, len(b)-d.off)
	}
	rows := make([]Row, 0, n)
	for i := uint32(0); i < n && d.err == nil; i++ {
		r := Row{Table: d.str(), ID: d.str()}
		nc := d.u32()
		if d.err == nil && uint64(nc)*5 > uint64(len(b)-d.off) {
			return nil, encErr("content row %s %s: %d cells cannot fit", r.Table, r.ID, nc)
		}
		for j := uint32(0); j < nc && d.err == nil; j++ {
			c := Cell{Column: d.str()}
			c.Value = d.value()
			if j > 0 && d.err == nil && c.Column <= r.Cells[j-1].Column {
				return nil, encErr("content row %s %s: column %s out of order", r.Table, r.ID, c.Column)
			}
			r.Cells = append(r.Cells, c)
		}
		if i > 0 && d.err == nil {
			p := rows[i-1]
			if r.Table < p.Table || r.Table == p.Table && r.ID <= p.ID {
				return nil, encErr("content row %s %s out of order", r.Table, r.ID)
			}
		}
		rows = append(rows, r)
	}
	if d.err != nil {
		return nil, d.err
	}
	if d.off != len(b) {
		return nil, encErr("content: %d trailing bytes", len(b)-d.off)
	}
	return rows, nil
}

// decoder reads the fixed-width big-endian fields of the canonical
// encodings; the first error sticks.
type decoder struct {
	b   []byte
	off int
	err error
}

func (d *decoder) need(n int) bool {
	if d.err != nil {
		return false
	}
	if n < 0 || len(d.b)-d.off < n {
		d.err = encErr("truncated at byte %d", d.off)
		return false
	}
	return true
}

func (d *decoder) u32() uint32 {
	if !d.need(4) {
		return 0
	}
	v := binary.BigEndian.Uint32(d.b[d.off:])
	d.off += 4
	return v
}

func (d *decoder) u64() uint64 {
	if !d.need(8) {
		return 0
	}
	v := binary.BigEndian.Uint64(d.b[d.off:])
	d.off += 8
	return v
}

func (d *decoder) bytes(n int) []byte {
	if !d.need(n) {
		return nil
	}
	v := d.b[d.off : d.off+n]
	d.off += n
	return v
}

func (d *decoder) str() string {
	n := d.u32()
	if d.err == nil && uint64(n) > uint64(len(d.b)-d.off) {
		d.err = encErr("string of %d bytes at byte %d runs past the end", n, d.off)
		return ""
	}
	return string(d.bytes(int(n)))
}

func (d *decoder) value() any {
	t := d.bytes(1)
	if t == nil {
		return nil
	}
	switch t[0] {
	case tagNull:
		return nil
	case tagInt:
		return int64(d.u64())
	case tagReal:
		f := math.Float64frombits(d.u64())
		if math.IsNaN(f) && d.err == nil {
			d.err = encErr("NaN at byte %d", d.off-8)
		}
		return f
	case tagText:
		return d.str()
	case tagBlob:
		n := d.u32()
		if d.err == nil && uint64(n) > uint64(len(d.b)-d.off) {
			d.err = encErr("blob of %d bytes runs past the end", n)
			return nil
		}
		return append([]byte{}, d.bytes(int(n))...)
	}
	d.err = encErr("unknown value tag %#x at byte %d", t[0], d.off-1)
	return nil
}

// Hash is a SHA-256 digest.
type Hash [32]byte

// String returns the digest in lower-case hex.
func (h Hash) String() string { return fmt.Sprintf("%x", h[:]) }

// IsZero reports whether h is all zero bytes (the prev_hash of a chain's
// first entry).
func (h Hash) IsZero() bool { return h == Hash{} }

// ParseHash reads 64 lower-case hex digits.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 64 {
		return h, fmt.Errorf("hash %q: want 64 hex digits", s)
	}
	for i := 0; i < 32; i++ {
		hi, lo := unhex(s[2*i]), unhex(s[2*i+1])
		if hi < 0 || lo < 0 {
			return Hash{}, fmt.Errorf("hash %q: want lower-case hex", s)
		}
		h[i] = byte(hi<<4 | lo)
	}
	return h, nil
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	}
	return -1
}

// ContentHash returns the SHA-256 of a canonical content encoding.
func ContentHash(content []byte) Hash { return sha256.Sum256(content) }

// equalValues reports whether two content values are the same typed value.
func equalValues(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	}
	return false
}

// FormatValue renders a content value for a verdict: NULL, 42, 4.5,
// "text" (quoted), or a blob as x'…' hex.
func FormatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return strconv.Quote(x)
	case []byte:
		return fmt.Sprintf("x'%x'", x)
	}
	return fmt.Sprintf("%v", v)
}
