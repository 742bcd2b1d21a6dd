package evidence

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"doorstep/sync/hlc"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenRows is a small means-test record: every value type, a NULL, a
// negative integer, Chinese text and rows given out of order.
func goldenRows() []Row {
	return []Row{
		{Table: "members", ID: "0195a000-0000-7000-8000-000000000002", Cells: []Cell{
			{"name", "李秀英"}, {"counted", int64(1)}, {"birth_date", "1958-04-01"}, {"deleted", int64(0)}}},
		{Table: "households", ID: "0195a000-0000-7000-8000-000000000001", Cells: []Cell{
			{"urban", int64(1)}, {"address", "幸福路12号"}, {"class", nil}, {"deleted", int64(0)}}},
		{Table: "assets", ID: "0195a000-0000-7000-8000-000000000003", Cells: []Cell{
			{"floor_area", 62.5}, {"value_fen", int64(-1)}, {"raw", []byte{0, 0xff}}, {"deleted", int64(0)}}},
	}
}

// goldenEntry is an entry with every field set, and its key.
func goldenEntry(t *testing.T) (Entry, Key) {
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i)
	}
	k, err := KeyFromSeed(seed)
	if err != nil {
		t.Fatal(err)
	}
	content, err := EncodeContent(goldenRows())
	if err != nil {
		t.Fatal(err)
	}
	var photo, sig, prev Hash
	photo[0], sig[0], prev[31] = 0xaa, 0xbb, 0x01
	return Entry{
		RecordTable: "means_visits", RecordID: "0195a000-0000-7000-8000-000000000004",
		Community: "c1", Household: "0195a000-0000-7000-8000-000000000001",
		ContentHash: ContentHash(content),
		Attachments: []Attachment{{RoleSignature, sig}, {RolePhoto, photo}},
		OpenedAt:    time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC),
		SubmittedAt: time.Date(2026, 3, 2, 8, 21, 30, 250e6, time.UTC),
		Sections:    []Section{{"household", 300}, {"members", 420}},
		HLC:         hlc.New(time.Date(2026, 3, 2, 8, 21, 30, 251e6, time.UTC).UnixMilli(), 2),
		Wall:        time.Date(2026, 3, 2, 8, 21, 30, 250e6, time.UTC),
		Site:        "0195b000-0000-7000-8000-000000000001", User: "w1",
		Index: 7, Prev: prev, PublicKey: k.Public(),
	}, k
}

// hexDump renders b as lines of 32 hex digits.
func hexDump(b []byte) string {
	var s strings.Builder
	for i := 0; i < len(b); i += 16 {
		s.WriteString(hex.EncodeToString(b[i:min(i+16, len(b))]))
		s.WriteString("\n")
	}
	return s.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s changed — an encoding change breaks every signature ever made:\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

// TestGoldenVectors pins the canonical encodings, hashes, the signature
// and the fingerprint (docs/EVIDENCE.md quotes them).
func TestGoldenVectors(t *testing.T) {
	content, err := EncodeContent(goldenRows())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "content_v1.hex", hexDump(content))
	e, k := goldenEntry(t)
	enc := e.Encode()
	golden(t, "entry_v1.hex", hexDump(enc))
	sig, err := e.Sign(k)
	if err != nil {
		t.Fatal(err)
	}
	summary := fmt.Sprintf("content sha256 %s\nentry sha256 %s\nsignature %s\npublic key %s\nfingerprint %s\n",
		ContentHash(content), e.Hash(), hex.EncodeToString(sig), EncodePublicKey(k.Public()), Fingerprint(k.Public()))
	golden(t, "vectors_v1.txt", summary)
	if !e.SignatureValid(sig) {
		t.Error("golden signature does not verify")
	}
	back, err := DecodeEntry(enc)
	if err != nil {
		t.Fatal(err)
	}
	sortAttachments(e.Attachments)
	if !reflect.DeepEqual(back, e) {
		t.Errorf("decoded entry:\n%+v\nwant\n%+v", back, e)
	}
}

func TestEncodeContentRefuses(t *testing.T) {
	for name, rows := range map[string][]Row{
		"DuplicateRow":    {{Table: "a", ID: "1"}, {Table: "a", ID: "1"}},
		"DuplicateColumn": {{Table: "a", ID: "1", Cells: []Cell{{"x", nil}, {"x", int64(1)}}}},
		"NaN":             {{Table: "a", ID: "1", Cells: []Cell{{"x", math.NaN()}}}},
		"Bool":            {{Table: "a", ID: "1", Cells: []Cell{{"x", true}}}},
	} {
		if _, err := EncodeContent(rows); err == nil {
			t.Errorf("%s: encoded", name)
		}
	}
	good, err := EncodeContent(goldenRows())
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"Trailing":  append(bytes.Clone(good), 0),
		"Truncated": good[:len(good)-1],
		"Magic":     append([]byte("DSEC\x02"), good[5:]...),
		"HugeCount": append(bytes.Clone(good[:5]), 0xff, 0xff, 0xff, 0xff),
	} {
		if _, err := DecodeContent(b); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

// Small alphabets, so that random contents often share tables, ids,
// columns and values and differ in one place only.
var (
	genNames = []string{"", "a", "ab", "b", "王"}
	genTexts = []string{"", "a", "ab", "a\x00b", "张三", "0"}
)

func genValue() *rapid.Generator[any] {
	return rapid.OneOf(
		rapid.Just[any](nil),
		rapid.Map(rapid.SampledFrom([]int64{0, 1, -1, 48, math.MaxInt64, math.MinInt64}), func(v int64) any { return v }),
		rapid.Map(rapid.Int64(), func(v int64) any { return v }),
		rapid.Map(rapid.SampledFrom([]float64{0, math.Copysign(0, -1), 1, 48, 0.1, math.Inf(1)}), func(v float64) any { return v }),
		rapid.Map(rapid.SampledFrom(genTexts), func(v string) any { return v }),
		rapid.Map(rapid.SampledFrom(genTexts), func(v string) any { return []byte(v) }),
	)
}

// genRows draws rows with unique (table, id) and unique columns per row.
func genRows(t *rapid.T, label string) []Row {
	n := rapid.IntRange(0, 4).Draw(t, label+" rows")
	var rows []Row
	seen := map[[2]string]bool{}
	for i := 0; i < n; i++ {
		r := Row{Table: rapid.SampledFrom(genNames).Draw(t, "table"), ID: rapid.SampledFrom(genNames).Draw(t, "id")}
		if seen[[2]string{r.Table, r.ID}] {
			continue
		}
		seen[[2]string{r.Table, r.ID}] = true
		cols := map[string]bool{}
		for j := rapid.IntRange(0, 3).Draw(t, "cells"); j > 0; j-- {
			c := rapid.SampledFrom(genNames).Draw(t, "column")
			if cols[c] {
				continue
			}
			cols[c] = true
			r.Cells = append(r.Cells, Cell{c, genValue().Draw(t, "value")})
		}
		rows = append(rows, r)
	}
	return rows
}

// canonical is rows in canonical order with nil cell lists made empty.
func canonical(rows []Row) []Row {
	out := sortedRows(rows)
	for i := range out {
		if out[i].Cells == nil {
			out[i].Cells = []Cell{}
		}
	}
	if out == nil {
		out = []Row{}
	}
	return out
}

func sameContent(a, b []Row) bool {
	a, b = canonical(a), canonical(b)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Table != b[i].Table || a[i].ID != b[i].ID || len(a[i].Cells) != len(b[i].Cells) {
			return false
		}
		for j := range a[i].Cells {
			if a[i].Cells[j].Column != b[i].Cells[j].Column || !equalValues(a[i].Cells[j].Value, b[i].Cells[j].Value) {
				return false
			}
		}
	}
	return true
}

// TestContentEncodingProperties: the encoding reads back to the same
// content (so it is injective), does not depend on the order rows and
// cells come in, and two random contents encode alike exactly when they
// are the same content.
func TestContentEncodingProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rows := genRows(t, "a")
		enc, err := EncodeContent(rows)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeContent(enc)
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		if !sameContent(back, rows) {
			t.Fatalf("round trip:\n%+v\n%+v", back, rows)
		}
		shuffled := rapid.Permutation(rows).Draw(t, "order")
		for i := range shuffled {
			shuffled[i].Cells = rapid.Permutation(shuffled[i].Cells).Draw(t, "cell order")
		}
		enc2, err := EncodeContent(shuffled)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("order changed the encoding")
		}
		other := genRows(t, "b")
		enc3, err := EncodeContent(other)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(enc, enc3) != sameContent(rows, other) {
			t.Fatalf("encodings equal %v, contents equal %v:\n%+v\n%+v", bytes.Equal(enc, enc3), sameContent(rows, other), rows, other)
		}
	})
}

// TestEntryEncodingProperties: entries read back from their encoding, so
// two different entries never share bytes, hash or signature.
func TestEntryEncodingProperties(t *testing.T) {
	key, err := KeyFromSeed(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	str := rapid.SampledFrom(genTexts)
	hash := rapid.Custom(func(t *rapid.T) Hash {
		var h Hash
		copy(h[:], rapid.SliceOfN(rapid.Byte(), 32, 32).Draw(t, "hash"))
		return h
	})
	instant := rapid.Custom(func(t *rapid.T) time.Time {
		return fromMillis(rapid.Int64Range(-1e13, 1e13).Draw(t, "ms"))
	})
	rapid.Check(t, func(t *rapid.T) {
		e := Entry{
			RecordTable: str.Draw(t, "table"), RecordID: str.Draw(t, "id"), Community: str.Draw(t, "c"),
			Household: str.Draw(t, "h"), Elder: str.Draw(t, "e"), Pairing: str.Draw(t, "p"),
			ContentHash: hash.Draw(t, "content"), OpenedAt: instant.Draw(t, "opened"),
			SubmittedAt: instant.Draw(t, "submitted"), HLC: hlc.Timestamp(rapid.Uint64().Draw(t, "hlc")),
			Wall: instant.Draw(t, "wall"), Site: str.Draw(t, "site"), User: str.Draw(t, "user"),
			Index: rapid.Uint64().Draw(t, "index"), Prev: hash.Draw(t, "prev"), PublicKey: key.Public(),
		}
		for i := rapid.IntRange(0, 3).Draw(t, "attachments"); i > 0; i-- {
			e.Attachments = append(e.Attachments, Attachment{str.Draw(t, "role"), hash.Draw(t, "blob")})
		}
		for i := rapid.IntRange(0, 3).Draw(t, "sections"); i > 0; i-- {
			e.Sections = append(e.Sections, Section{str.Draw(t, "section"), rapid.Uint32().Draw(t, "seconds")})
		}
		back, err := DecodeEntry(e.Encode())
		if err != nil {
			t.Fatal(err)
		}
		sortAttachments(e.Attachments)
		if !reflect.DeepEqual(back, e) {
			t.Fatalf("round trip:\n%+v\n%+v", back, e)
		}
	})
}

func TestFingerprintAndKeyEncoding(t *testing.T) {
	k, err := GenerateKey(newSeedReader(9))
	if err != nil {
		t.Fatal(err)
	}
	fp := Fingerprint(k.Public())
	if len(fp) != 19 || strings.Count(fp, " ") != 3 {
		t.Errorf("fingerprint %q: want four groups of four hex digits", fp)
	}
	pub, err := ParsePublicKey(EncodePublicKey(k.Public()))
	if err != nil || !pub.Equal(k.Public()) {
		t.Errorf("public key round trip: %v", err)
	}
	k2, err := ParseKey(k.EncodePrivate())
	if err != nil || !k2.Public().Equal(k.Public()) {
		t.Errorf("private key round trip: %v", err)
	}
	for _, bad := range []string{"", "AAAA", "not base64"} {
		if _, err := ParsePublicKey(bad); err == nil {
			t.Errorf("public key %q parsed", bad)
		}
	}
	other, err := GenerateKey(newSeedReader(10))
	if err != nil {
		t.Fatal(err)
	}
	if Fingerprint(other.Public()) == fp {
		t.Error("two keys share a fingerprint")
	}
}
