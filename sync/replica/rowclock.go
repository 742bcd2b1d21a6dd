package replica

import (
	"encoding/binary"
	"errors"
	"math/bits"
)

// A row clock records, for every column of one data row, the clock of the
// write that set it: one sync_rows row per data row instead of one metadata
// row per cell. Columns written by the same transaction share a group, so a
// freshly saved form costs one group (about 15 bytes) however many columns
// it has.
//
// Encoding (the clk BLOB), a sequence of groups:
//
//	mask   uvarint   bit c set = column c (sync_columns.c) has this clock
//	hlc    8 bytes   big-endian hlc.Timestamp of the write
//	w      uvarint   writer (sync_writers.w): site and user
//	seq    uvarint   local sequence number of the change
//	nbase  uvarint   number of base entries that follow
//	nbase × { mask uvarint, hlc 8 bytes, w uvarint }
//	                 the clock each column had when the writer wrote it
//	                 (only kept for this replica's own writes, which are
//	                 pushed with their base); columns in no entry had none
//
// Groups never share a column bit; a group whose mask empties is dropped.

// clockRef is a clock as stored locally: HLC and writer number.
type clockRef struct {
	hlc uint64
	w   int64
}

// baseEntry gives the base clock of a subset of a group's columns.
type baseEntry struct {
	mask uint64
	clockRef
}

// group is the set of columns of one row last written by one change.
type group struct {
	mask uint64
	clockRef
	seq  int64
	base []baseEntry
}

// rowClock is a decoded clk BLOB.
type rowClock []group

var errBadRowClock = errors.New("corrupt row clock")

// decodeRowClock parses a clk BLOB.
func decodeRowClock(b []byte) (rowClock, error) {
	var rc rowClock
	for len(b) > 0 {
		var g group
		var err error
		if g.mask, b, err = uvar(b); err != nil {
			return nil, err
		}
		if len(b) < 8 {
			return nil, errBadRowClock
		}
		g.hlc = binary.BigEndian.Uint64(b)
		b = b[8:]
		var w, seq, nb uint64
		if w, b, err = uvar(b); err != nil {
			return nil, err
		}
		if seq, b, err = uvar(b); err != nil {
			return nil, err
		}
		if nb, b, err = uvar(b); err != nil {
			return nil, err
		}
		if nb > 64 {
			return nil, errBadRowClock
		}
		g.w, g.seq = int64(w), int64(seq)
		for i := uint64(0); i < nb; i++ {
			var e baseEntry
			var bw uint64
			if e.mask, b, err = uvar(b); err != nil {
				return nil, err
			}
			if len(b) < 8 {
				return nil, errBadRowClock
			}
			e.hlc = binary.BigEndian.Uint64(b)
			b = b[8:]
			if bw, b, err = uvar(b); err != nil {
				return nil, err
			}
			e.w = int64(bw)
			g.base = append(g.base, e)
		}
		rc = append(rc, g)
	}
	return rc, nil
}

func uvar(b []byte) (uint64, []byte, error) {
	v, n := binary.Uvarint(b)
	if n <= 0 {
		return 0, nil, errBadRowClock
	}
	return v, b[n:], nil
}

// encode appends the BLOB form of rc to dst.
func (rc rowClock) encode(dst []byte) []byte {
	for _, g := range rc {
		if g.mask == 0 {
			continue
		}
		dst = binary.AppendUvarint(dst, g.mask)
		dst = binary.BigEndian.AppendUint64(dst, g.hlc)
		dst = binary.AppendUvarint(dst, uint64(g.w))
		dst = binary.AppendUvarint(dst, uint64(g.seq))
		n := 0
		for _, e := range g.base {
			if e.mask&g.mask != 0 {
				n++
			}
		}
		dst = binary.AppendUvarint(dst, uint64(n))
		for _, e := range g.base {
			if m := e.mask & g.mask; m != 0 {
				dst = binary.AppendUvarint(dst, m)
				dst = binary.BigEndian.AppendUint64(dst, e.hlc)
				dst = binary.AppendUvarint(dst, uint64(e.w))
			}
		}
	}
	return dst
}

// find returns the index of the group holding column c, or -1.
func (rc rowClock) find(c int) int {
	bit := uint64(1) << uint(c)
	for i := range rc {
		if rc[i].mask&bit != 0 {
			return i
		}
	}
	return -1
}

// cell returns column c's clock and the group's seq; ok is false when the
// column has never been written.
func (rc rowClock) cell(c int) (ref clockRef, seq int64, ok bool) {
	i := rc.find(c)
	if i < 0 {
		return clockRef{}, 0, false
	}
	return rc[i].clockRef, rc[i].seq, true
}

// baseOf returns the base clock recorded for column c of group g.
func (g *group) baseOf(c int) (clockRef, bool) {
	bit := uint64(1) << uint(c)
	for _, e := range g.base {
		if e.mask&bit != 0 {
			return e.clockRef, true
		}
	}
	return clockRef{}, false
}

// clear removes the columns in mask from every group, dropping groups left
// empty.
func (rc rowClock) clear(mask uint64) rowClock {
	out := rc[:0]
	for _, g := range rc {
		g.mask &^= mask
		if g.mask != 0 {
			out = append(out, g)
		}
	}
	return out
}

// set gives the columns in mask a new clock, replacing what they had. base
// lists the base clocks of (some of) those columns.
func (rc rowClock) set(mask uint64, ref clockRef, seq int64, base []baseEntry) rowClock {
	rc = rc.clear(mask)
	// A replica applies one change per cell per seq, and a capture gives
	// the whole row change one group: merge into an existing group with the
	// same clock and seq (several cells of one remote row change).
	for i := range rc {
		if rc[i].clockRef == ref && rc[i].seq == seq {
			rc[i].mask |= mask
			rc[i].base = append(rc[i].base, base...)
			return rc
		}
	}
	return append(rc, group{mask: mask, clockRef: ref, seq: seq, base: base})
}

// columns lists the column numbers set in mask, in increasing order.
func columns(mask uint64) []int {
	out := make([]int, 0, bits.OnesCount64(mask))
	for mask != 0 {
		c := bits.TrailingZeros64(mask)
		out = append(out, c)
		mask &^= 1 << uint(c)
	}
	return out
}

// addBase adds the columns in bit to the entry for base clock b, or starts
// a new entry.
func addBase(base []baseEntry, bit uint64, b clockRef) []baseEntry {
	for i := range base {
		if base[i].clockRef == b {
			base[i].mask |= bit
			return base
		}
	}
	return append(base, baseEntry{mask: bit, clockRef: b})
}
