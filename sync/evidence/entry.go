package evidence

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"

	"doorstep/sync/hlc"
)

// Entry is the signed part of one evidence entry: what the device attests
// about one submit of one record. Encode gives its canonical bytes, which
// the device signs and whose SHA-256 is the entry's hash, the link the next
// entry of the device's chain names.
type Entry struct {
	// RecordTable and RecordID name the record.
	RecordTable, RecordID string
	// Community, Household, Elder and Pairing place the record (its scope
	// column and its Kind's columns; "" when it has none).
	Community, Household, Elder, Pairing string
	// ContentHash is the SHA-256 of the record's canonical content.
	ContentHash Hash
	// Attachments are the record's photos and signatures, by the SHA-256
	// of their bytes taken when they were captured; sorted by role, then
	// hash.
	Attachments []Attachment
	// OpenedAt is when the form was opened (zero: not known), SubmittedAt
	// when it was submitted; both kept to the millisecond.
	OpenedAt, SubmittedAt time.Time
	// Sections is the time spent in each section of the form, in form
	// order.
	Sections []Section
	// HLC is the hybrid-logical-clock time of the submit's transaction —
	// the clock every row it wrote carries — and Wall the device's wall
	// clock when it signed (to the millisecond).
	HLC  hlc.Timestamp
	Wall time.Time
	// Site is the device's site id, User the signed-in user.
	Site, User string
	// Index is the entry's place in the device's chain (0, 1, 2, …) and
	// Prev the hash of the entry before it (all zero for index 0).
	Index uint64
	Prev  Hash
	// PublicKey is the key that signs the entry; it must be registered for
	// Site.
	PublicKey ed25519.PublicKey
}

// Section is the time spent in one section of a form.
type Section struct {
	Name    string `json:"name"`
	Seconds uint32 `json:"seconds"`
}

// entryMagic starts every entry encoding: "DSEE" and format version 1.
var entryMagic = []byte{'D', 'S', 'E', 'E', 1}

// Encode returns the entry's canonical bytes (docs/EVIDENCE.md, "Entry
// encoding"): the magic, then every field in declaration order — strings
// as a 4-byte big-endian length and their UTF-8 bytes, hashes and the key
// as their raw 32 bytes, times as signed 8-byte big-endian Unix
// milliseconds (0 for an unknown time), counts as 4-byte and the HLC and
// index as 8-byte big-endian integers. Attachments are written sorted.
func (e Entry) Encode() []byte {
	b := append([]byte(nil), entryMagic...)
	for _, s := range []string{e.RecordTable, e.RecordID, e.Community, e.Household, e.Elder, e.Pairing} {
		b = appendStr(b, s)
	}
	b = append(b, e.ContentHash[:]...)
	as := append([]Attachment(nil), e.Attachments...)
	sortAttachments(as)
	b = binary.BigEndian.AppendUint32(b, uint32(len(as)))
	for _, a := range as {
		b = appendStr(b, a.Role)
		b = append(b, a.Hash[:]...)
	}
	b = binary.BigEndian.AppendUint64(b, uint64(millis(e.OpenedAt)))
	b = binary.BigEndian.AppendUint64(b, uint64(millis(e.SubmittedAt)))
	b = binary.BigEndian.AppendUint32(b, uint32(len(e.Sections)))
	for _, s := range e.Sections {
		b = appendStr(b, s.Name)
		b = binary.BigEndian.AppendUint32(b, s.Seconds)
	}
	b = binary.BigEndian.AppendUint64(b, uint64(e.HLC))
	b = binary.BigEndian.AppendUint64(b, uint64(millis(e.Wall)))
	b = appendStr(b, e.Site)
	b = appendStr(b, e.User)
	b = binary.BigEndian.AppendUint64(b, e.Index)
	b = append(b, e.Prev[:]...)
	key := make([]byte, ed25519.PublicKeySize)
	copy(key, e.PublicKey)
	return append(b, key...)
}

// DecodeEntry reads bytes written by Encode.
func DecodeEntry(b []byte) (Entry, error) {
	var e Entry
	if len(b) < len(entryMagic) || !bytes.Equal(b[:len(entryMagic)], entryMagic) {
		return e, encErr("entry does not start with DSEE 1")
	}
	d := decoder{b: b, off: len(entryMagic)}
	e.RecordTable, e.RecordID = d.str(), d.str()
	e.Community, e.Household, e.Elder, e.Pairing = d.str(), d.str(), d.str(), d.str()
	copy(e.ContentHash[:], d.bytes(32))
	n := d.u32()
	if d.err == nil && uint64(n)*36 > uint64(len(b)-d.off) {
		return e, encErr("entry: %d attachments cannot fit", n)
	}
	for i := uint32(0); i < n && d.err == nil; i++ {
		a := Attachment{Role: d.str()}
		copy(a.Hash[:], d.bytes(32))
		e.Attachments = append(e.Attachments, a)
	}
	e.OpenedAt, e.SubmittedAt = fromMillis(int64(d.u64())), fromMillis(int64(d.u64()))
	n = d.u32()
	if d.err == nil && uint64(n)*8 > uint64(len(b)-d.off) {
		return e, encErr("entry: %d sections cannot fit", n)
	}
	for i := uint32(0); i < n && d.err == nil; i++ {
		e.Sections = append(e.Sections, Section{Name: d.str(), Seconds: d.u32()})
	}
	e.HLC = hlc.Timestamp(d.u64())
	e.Wall = fromMillis(int64(d.u64()))
	e.Site, e.User = d.str(), d.str()
	e.Index = d.u64()
	copy(e.Prev[:], d.bytes(32))
	if k := d.bytes(ed25519.PublicKeySize); k != nil {
		e.PublicKey = append(ed25519.PublicKey(nil), k...)
	}
	if d.err != nil {
		return Entry{}, d.err
	}
	if d.off != len(b) {
		return Entry{}, encErr("entry: %d trailing bytes", len(b)-d.off)
	}
	return e, nil
}

// Hash returns the entry's hash: the SHA-256 of its encoding.
func (e Entry) Hash() Hash { return sha256.Sum256(e.Encode()) }

// Sign returns the Ed25519 signature of the entry's encoding by k. The
// entry's PublicKey must be k's.
func (e Entry) Sign(k Key) ([]byte, error) {
	if !k.Valid() {
		return nil, fmt.Errorf("sign evidence entry: no key")
	}
	if !bytes.Equal(e.PublicKey, k.Public()) {
		return nil, fmt.Errorf("sign evidence entry: entry names another public key")
	}
	return k.sign(e.Encode()), nil
}

// SignatureValid reports whether sig is the entry's signature by its own
// PublicKey. Whether that key belongs to the entry's site is the keyring's
// question (Verifier).
func (e Entry) SignatureValid(sig []byte) bool {
	return len(e.PublicKey) == ed25519.PublicKeySize && ed25519.Verify(e.PublicKey, e.Encode(), sig)
}

// millis returns t in Unix milliseconds, 0 for the zero time.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis is millis' inverse: 0 is the zero time.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
