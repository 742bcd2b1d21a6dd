package wire

import (
	"bytes"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
)

// Golden tests: fixed bytes that deployed devices and servers send and
// expect. A change to the encoder or decoder that alters them breaks
// devices in the field, so these tests fail; a deliberate new protocol
// version adds new golden files and keeps reading the old ones.

// protocolExample is the example of docs/PROTOCOL.md ("Example"), byte for
// byte as the document lists them.
const protocolExample = `
44 53 43 53
02
01
14 63 76 33 37 69 6d 67 35 74 70 70 67 6c 34 30 30 32 6b 62 30
24 30 31 39 35 61 30 30 30 2d 30 30 30 30 2d 37 30 30 30 2d 38 30 30 30 2d 30 30 30 30 30 30 30 30 30 30 30 61
06
   0a 68 6f 75 73 65 68 6f 6c 64 73
   09 68 65 61 64 5f 6e 61 6d 65
   24 30 31 39 35 61 30 30 30 2d 30 30 30 30 2d 37 30 30 30 2d 38 30 30 30 2d 30 30 30 30 30 30 30 30 30 30 30 61
   02 77 31
   0b 62 65 6e 65 66 69 74 5f 66 65 6e
   24 30 31 39 35 61 30 30 30 2d 30 30 30 30 2d 37 30 30 30 2d 38 30 30 30 2d 30 30 30 30 30 30 30 30 30 30 30 62
01 02 03
01
   00
   01 95 a0 00 11 11 70 00 80 00 00 00 00 00 00 01
   02
     01
     03 06 e5 bc a0 e4 b8 89
     80 80 80 c0 84 ae a8 95 03
     00
     00
     04
     01 90 bf 05
     00
     00
     06
     80 80 18
00
`

// protocolExampleSet is the changeset the example encodes.
func protocolExampleSet() *change.Set {
	const siteA = "0195a000-0000-7000-8000-00000000000a"
	const siteB = "0195a000-0000-7000-8000-00000000000b"
	const row = "0195a000-1111-7000-8000-000000000001"
	at := hlc.New(1740816000000, 0) // 2025-03-01T08:00:00.000Z
	return &change.Set{
		Batch: "cv37img5tppgl4002kb0", Site: siteA, Schema: 1,
		Changes: []change.Change{
			{Table: "households", ID: row, Column: "head_name", Value: "张三", Clock: change.Clock{HLC: at, Site: siteA}, User: "w1"},
			{Table: "households", ID: row, Column: "benefit_fen", Value: int64(45000), Clock: change.Clock{HLC: at, Site: siteA}, User: "w1",
				Base: change.Clock{HLC: at - 3<<16, Site: siteB}},
		},
	}
}

func unhexDump(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestGoldenProtocolExample: the documented example encodes to the
// documented bytes, and those bytes decode to the example.
func TestGoldenProtocolExample(t *testing.T) {
	want := unhexDump(t, protocolExample)
	if len(want) != 229 {
		t.Fatalf("the example is %d bytes; docs/PROTOCOL.md says 229", len(want))
	}
	set := protocolExampleSet()
	got, err := Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Marshal(example):\ngot  % x\nwant % x", got, want)
	}
	dec, err := Unmarshal(want, schema.Reg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(dec, set) {
		t.Errorf("Unmarshal(example bytes):\ngot  %+v\nwant %+v", dec, set)
	}
}

var writeGolden = flag.Bool("golden.write", false, "write testdata/push-proto1.txt and push-proto2.bin from push-proto1.bin (only when adding a golden file; never for a released protocol)")

// TestGoldenProto1Push decodes a protocol-1 push (testdata/push-proto1.bin,
// schema 1: a real device's outbox, made by sync/replica, after a form save
// of a household with a member and an asset, a later edit of that
// household, and an edit of a household pulled from another device — so a
// base clock from another site, NULLs, integers, a float and Chinese text)
// and checks every change against testdata/push-proto1.txt; then checks
// that the same changeset encodes, as protocol 2, to
// testdata/push-proto2.bin byte for byte.
func TestGoldenProto1Push(t *testing.T) {
	v1, err := os.ReadFile(filepath.Join("testdata", "push-proto1.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if v1[4] != 1 {
		t.Fatalf("push-proto1.bin says protocol %d", v1[4])
	}
	set, err := Unmarshal(v1, schema.Reg)
	if err != nil {
		t.Fatalf("decode a protocol-1 push: %v", err)
	}
	dump := dumpSet(set)
	txt := filepath.Join("testdata", "push-proto1.txt")
	if *writeGolden {
		if err := os.WriteFile(txt, []byte(dump), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(txt)
	if err != nil {
		t.Fatal(err)
	}
	if dump != string(want) {
		t.Errorf("decoded protocol-1 push differs from %s:\ngot:\n%s\nwant:\n%s", txt, dump, want)
	}
	v2, err := Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	v2file := filepath.Join("testdata", "push-proto2.bin")
	if *writeGolden {
		if err := os.WriteFile(v2file, v2, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wantV2, err := os.ReadFile(v2file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(v2, wantV2) {
		t.Errorf("Marshal of the push differs from %s:\ngot  % x\nwant % x", v2file, v2, wantV2)
	}
	// Protocol 1 is protocol 2 without the gone section.
	if !bytes.Equal(v1[5:], wantV2[5:len(wantV2)-1]) {
		t.Error("protocol 1 and 2 encodings differ beyond the version byte and the gone section")
	}
}

// dumpSet prints a changeset one change per line, with value types.
func dumpSet(s *change.Set) string {
	var b strings.Builder
	fmt.Fprintf(&b, "batch %q site %s schema %d\n", s.Batch, s.Site, s.Schema)
	for _, c := range s.Changes {
		fmt.Fprintf(&b, "%s %s %s %T(%v) %d@%s user %q base %d@%s\n", c.Table, c.ID, c.Column, c.Value, c.Value,
			uint64(c.Clock.HLC), c.Clock.Site, c.User, uint64(c.Base.HLC), c.Base.Site)
	}
	for _, g := range s.Gone {
		fmt.Fprintf(&b, "gone %s %s\n", g.Table, g.ID)
	}
	return b.String()
}
