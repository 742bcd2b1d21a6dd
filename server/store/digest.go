package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"math"
	"slices"

	"doorstep/sync/change"
)

// digestSize is the bytes kept of each change's fingerprint.
const digestSize = 8

// batchDigests returns the sorted, distinct fingerprints of a batch's
// changes: SHA-256 over everything a change says (table, row, column, the
// value with its type, clock, user, base), cut to digestSize bytes.
func batchDigests(set *change.Set) []byte {
	fps := make([][digestSize]byte, 0, len(set.Changes))
	for _, c := range set.Changes {
		fps = append(fps, changeDigest(c))
	}
	slices.SortFunc(fps, func(a, b [digestSize]byte) int { return bytes.Compare(a[:], b[:]) })
	fps = slices.Compact(fps)
	out := make([]byte, 0, len(fps)*digestSize)
	for _, f := range fps {
		out = append(out, f[:]...)
	}
	return out
}

func changeDigest(c change.Change) [digestSize]byte {
	h := sha256.New()
	str := func(s string) {
		var n [binary.MaxVarintLen64]byte
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
		h.Write([]byte(s))
	}
	u64 := func(x uint64) {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], x)
		h.Write(b[:])
	}
	str(c.Table)
	str(c.ID)
	str(c.Column)
	switch v := c.Value.(type) {
	case nil:
		h.Write([]byte{0})
	case int64:
		h.Write([]byte{1})
		u64(uint64(v))
	case float64:
		h.Write([]byte{2})
		u64(math.Float64bits(v))
	case string:
		h.Write([]byte{3})
		str(v)
	default:
		h.Write([]byte{4})
		str(change.FormatValue(v))
	}
	u64(uint64(c.Clock.HLC))
	str(c.Clock.Site)
	str(c.User)
	u64(uint64(c.Base.HLC))
	str(c.Base.Site)
	var out [digestSize]byte
	copy(out[:], h.Sum(nil))
	return out
}

// replayOf reports whether set may be a replay of the batch whose stored
// fingerprints are stored: every change of set is one of the batch's. An
// empty stored list (a batch stored before fingerprints were kept) admits
// any replay.
func replayOf(stored []byte, set *change.Set) bool {
	if len(stored) == 0 {
		return true
	}
	for _, c := range set.Changes {
		if !containsDigest(stored, changeDigest(c)) {
			return false
		}
	}
	return true
}

// containsDigest binary-searches the sorted fingerprint list.
func containsDigest(list []byte, d [digestSize]byte) bool {
	lo, hi := 0, len(list)/digestSize
	for lo < hi {
		mid := (lo + hi) / 2
		switch bytes.Compare(list[mid*digestSize:(mid+1)*digestSize], d[:]) {
		case 0:
			return true
		case -1:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return false
}
