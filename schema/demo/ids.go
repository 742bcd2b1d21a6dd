package demo

import (
	"encoding/binary"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/rs/xid"
)

// stream returns a PRNG for one part of the district, derived from the seed
// and the part's name, so that changing how one part is generated leaves the
// others' random draws alone.
func stream(seed int64, name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
}

// idSource makes deterministic identifiers.
//
// Row ids are UUID version 7 in shape (RFC 9562): the first 48 bits are the
// Unix milliseconds of the moment the record was made in the story of the
// district (a visit's start, a household's application), the remaining 74
// bits come from the seeded PRNG. They sort by creation time like ids made
// on a device, and the same seed always gives the same ids.
//
// Reference codes are rs/xid ids assembled from fixed parts: 4 bytes of the
// record's Unix seconds, 3 "machine" bytes and 2 "process" bytes drawn once
// from the seed, and a 3-byte counter that starts at 0 and counts every code
// made. They encode like any xid (20 characters of base32hex) and are
// unique per district.
type idSource struct {
	r       *rand.Rand
	machine [5]byte // 3 machine bytes + 2 pid bytes of the xid
	counter uint32
}

func newIDSource(seed int64) *idSource {
	s := &idSource{r: stream(seed, "ids")}
	binary.BigEndian.PutUint32(s.machine[:4], s.r.Uint32())
	s.machine[4] = byte(s.r.Uint32())
	return s
}

// uuid returns a version-7-shaped UUID string whose timestamp is at.
func (s *idSource) uuid(at time.Time) string {
	var u uuid.UUID
	ms := uint64(at.UnixMilli())
	u[0], u[1], u[2] = byte(ms>>40), byte(ms>>32), byte(ms>>24)
	u[3], u[4], u[5] = byte(ms>>16), byte(ms>>8), byte(ms)
	binary.BigEndian.PutUint16(u[6:8], uint16(s.r.Uint32()))
	binary.BigEndian.PutUint64(u[8:16], s.r.Uint64())
	u[6] = 0x70 | u[6]&0x0f // version 7
	u[8] = 0x80 | u[8]&0x3f // RFC 9562 variant
	return u.String()
}

// ref returns an xid reference code stamped with at (see idSource).
func (s *idSource) ref(at time.Time) string {
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(at.Unix()))
	copy(b[4:9], s.machine[:])
	c := s.counter
	s.counter++
	b[9], b[10], b[11] = byte(c>>16), byte(c>>8), byte(c)
	id, err := xid.FromBytes(b[:])
	if err != nil {
		panic("demo: xid.FromBytes: " + err.Error()) // 12 bytes always decode
	}
	return id.String()
}
