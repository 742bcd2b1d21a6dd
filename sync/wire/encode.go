package wire

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"io"
	"math"
	"sync"

	"doorstep/schema"
	"doorstep/sync/change"
)

// Proto is the protocol version this package writes. Version 2 added the
// gone-rows section after the rows; Decode reads versions MinProto..Proto.
const Proto = 2

// MinProto is the oldest protocol version Decode reads.
const MinProto = 1

// magic opens every uncompressed payload.
var magic = [4]byte{'D', 'S', 'C', 'S'}

// Limits on what Decode accepts.
const (
	// MaxBytes is the largest uncompressed payload accepted (gzip bombs stop
	// here).
	MaxBytes = 64 << 20
	// MaxChanges is the largest number of changes in one changeset.
	MaxChanges = 1 << 20
	// MaxUser is the longest user id accepted, in bytes.
	MaxUser = 128
)

// Value tags.
const (
	tagNull byte = iota
	tagInt
	tagReal
	tagText
)

// Encode writes set to w as a gzip-compressed payload. It returns an *Error
// (ErrBadValue) for a change that cannot be encoded — an id or site that is
// not a canonical UUID, a value of an unsupported type — and the writer's
// error otherwise.
func Encode(w io.Writer, set *change.Set) error {
	b, err := Marshal(set)
	if err != nil {
		return err
	}
	return compress(w, b)
}

// gzipWriters keeps gzip writers between payloads: a new one allocates
// about 800 kB of compressor state, which a server answering a pull page
// after another would allocate, clear and collect for every page.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression) // a valid level: no error
	return zw
}}

// compress writes b to w gzip-compressed (at the default level).
func compress(w io.Writer, b []byte) error {
	bw := bufio.NewWriter(w)
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(bw)
	_, err := zw.Write(b)
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	gzipWriters.Put(zw)
	if err != nil {
		return err
	}
	return bw.Flush()
}

// Marshal returns the uncompressed payload for set (what Encode gzips).
func Marshal(set *change.Set) ([]byte, error) {
	e := encoder{strings: map[string]uint64{}, writers: map[writerKey]uint64{}}
	return e.marshal(set)
}

type writerKey struct{ site, user string }

type encoder struct {
	strings    map[string]uint64
	stringList []string
	writers    map[writerKey]uint64
	writerList []writerKey
}

func (e *encoder) str(s string) uint64 {
	if i, ok := e.strings[s]; ok {
		return i
	}
	i := uint64(len(e.stringList))
	e.strings[s] = i
	e.stringList = append(e.stringList, s)
	return i
}

func (e *encoder) writer(site, user string) uint64 {
	k := writerKey{site, user}
	if i, ok := e.writers[k]; ok {
		return i
	}
	e.str(site)
	e.str(user)
	i := uint64(len(e.writerList))
	e.writers[k] = i
	e.writerList = append(e.writerList, k)
	return i
}

func (e *encoder) marshal(set *change.Set) ([]byte, error) {
	if set.Batch != "" && !validBatch(set.Batch) {
		return nil, errorf(ErrBadValue, -1, "batch id %q is not an xid", set.Batch)
	}
	if !validUUID(set.Site) {
		return nil, errorf(ErrBadValue, -1, "site %q is not a canonical UUID", set.Site)
	}
	ver := set.Schema
	if ver == 0 {
		ver = schema.Version
	}
	// First pass: validate and intern strings so the tables precede rows.
	rows := 0
	for i, c := range set.Changes {
		if !validUUID(c.ID) {
			return nil, errorf(ErrBadValue, -1, "change %d: row id %q is not a canonical UUID", i, c.ID)
		}
		if !validUUID(c.Clock.Site) || c.Clock.HLC == 0 {
			return nil, errorf(ErrBadValue, -1, "change %d: bad clock %s", i, c.Clock)
		}
		if !c.Base.IsZero() && (!validUUID(c.Base.Site) || c.Base.HLC == 0) {
			return nil, errorf(ErrBadValue, -1, "change %d: bad base clock %s", i, c.Base)
		}
		if !change.ValidValue(c.Value) {
			return nil, errorf(ErrBadValue, -1, "change %d: value of type %T", i, c.Value)
		}
		e.str(c.Table)
		e.str(c.Column)
		e.writer(c.Clock.Site, c.User)
		if !c.Base.IsZero() {
			e.str(c.Base.Site)
		}
		if i == 0 || c.Table != set.Changes[i-1].Table || c.ID != set.Changes[i-1].ID {
			rows++
		}
	}
	for i, g := range set.Gone {
		if !validUUID(g.ID) {
			return nil, errorf(ErrBadValue, -1, "gone row %d: id %q is not a canonical UUID", i, g.ID)
		}
		e.str(g.Table)
	}
	b := make([]byte, 0, 64+len(set.Changes)*24)
	b = append(b, magic[:]...)
	b = binary.AppendUvarint(b, Proto)
	b = binary.AppendUvarint(b, uint64(ver))
	b = appendString(b, set.Batch)
	b = appendString(b, set.Site)
	b = binary.AppendUvarint(b, uint64(len(e.stringList)))
	for _, s := range e.stringList {
		b = appendString(b, s)
	}
	b = binary.AppendUvarint(b, uint64(len(e.writerList)))
	for _, w := range e.writerList {
		b = binary.AppendUvarint(b, e.strings[w.site])
		b = binary.AppendUvarint(b, e.strings[w.user])
	}
	b = binary.AppendUvarint(b, uint64(rows))
	var prevHLC uint64
	for i := 0; i < len(set.Changes); {
		j := i + 1
		for j < len(set.Changes) && set.Changes[j].Table == set.Changes[i].Table && set.Changes[j].ID == set.Changes[i].ID {
			j++
		}
		c0 := set.Changes[i]
		b = binary.AppendUvarint(b, e.strings[c0.Table])
		b = appendUUID(b, c0.ID)
		b = binary.AppendUvarint(b, uint64(j-i))
		for _, c := range set.Changes[i:j] {
			b = binary.AppendUvarint(b, e.strings[c.Column])
			b = appendValue(b, c.Value)
			h := uint64(c.Clock.HLC)
			b = binary.AppendVarint(b, int64(h-prevHLC))
			prevHLC = h
			b = binary.AppendUvarint(b, e.writers[writerKey{c.Clock.Site, c.User}])
			if c.Base.IsZero() {
				b = append(b, 0)
			} else {
				b = binary.AppendUvarint(b, e.strings[c.Base.Site]+1)
				b = binary.AppendVarint(b, int64(h-uint64(c.Base.HLC)))
			}
		}
		i = j
	}
	b = binary.AppendUvarint(b, uint64(len(set.Gone)))
	for _, g := range set.Gone {
		b = binary.AppendUvarint(b, e.strings[g.Table])
		b = appendUUID(b, g.ID)
	}
	return b, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, tagNull)
	case int64:
		return binary.AppendVarint(append(b, tagInt), x)
	case float64:
		return binary.LittleEndian.AppendUint64(append(b, tagReal), math.Float64bits(x))
	case string:
		return appendString(append(b, tagText), x)
	}
	panic("wire: unreachable value type") // checked by ValidValue before
}

// appendUUID appends the 16 bytes of a canonical UUID string (validated).
func appendUUID(b []byte, s string) []byte {
	for _, i := range uuidHexAt {
		b = append(b, unhex(s[i])<<4|unhex(s[i+1]))
	}
	return b
}

func unhex(c byte) byte {
	if c >= 'a' {
		return c - 'a' + 10
	}
	return c - '0'
}
