package wire

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"

	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
)

const (
	siteA = "0195a000-0000-7000-8000-00000000000a"
	siteB = "0195a000-0000-7000-8000-00000000000b"
	rowID = "0195a000-1111-7000-8000-000000000001"
)

// sampleSet is a small changeset touching every value kind.
func sampleSet() *change.Set {
	t0 := hlc.New(1740816000000, 0)
	return &change.Set{
		Batch:  "cv37img5tppgl4002kb0",
		Site:   siteA,
		Schema: schema.Version,
		Changes: []change.Change{
			{Table: "households", ID: rowID, Column: "head_name", Value: "张三", Clock: change.Clock{HLC: t0, Site: siteA}, User: "worker-1"},
			{Table: "households", ID: rowID, Column: "benefit_fen", Value: int64(-120000), Clock: change.Clock{HLC: t0, Site: siteA}, User: "worker-1",
				Base: change.Clock{HLC: t0 - 5<<16, Site: siteB}},
			{Table: "households", ID: rowID, Column: "approved_on", Value: nil, Clock: change.Clock{HLC: t0, Site: siteA}, User: "worker-1"},
			{Table: "households", ID: rowID, Column: "deleted", Value: int64(0), Clock: change.Clock{HLC: t0, Site: siteA}, User: "worker-1"},
			{Table: "assets", ID: rowID, Column: "floor_area", Value: 63.5, Clock: change.Clock{HLC: t0 + 1, Site: siteB}, User: ""},
		},
		Gone: []change.RowRef{{Table: "spot_checks", ID: "0195a000-3333-7000-8000-000000000003"}},
	}
}

func TestRoundTrip(t *testing.T) {
	want := sampleSet()
	var buf bytes.Buffer
	if err := Encode(&buf, want); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(&buf, schema.Reg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip:\ngot  %+v\nwant %+v", got, want)
	}
}

// TestDecodeProto1 checks that a version 1 payload (no gone section) still
// decodes, so devices and servers of the previous protocol interoperate.
func TestDecodeProto1(t *testing.T) {
	want := sampleSet()
	want.Gone = nil
	b, err := Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if b[4] != Proto || b[len(b)-1] != 0 {
		t.Fatalf("unexpected layout: proto %d, last byte %d", b[4], b[len(b)-1])
	}
	v1 := append([]byte{}, b[:len(b)-1]...) // drop the empty gone count
	v1[4] = 1
	got, err := Unmarshal(v1, schema.Reg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("proto 1:\ngot  %+v\nwant %+v", got, want)
	}
	// The same bytes as version 2 lack the gone count: truncated.
	v1[4] = 2
	if _, err := Unmarshal(v1, schema.Reg); !errors.Is(err, ErrMalformed) {
		t.Errorf("version 2 without gone section: got %v, want ErrMalformed", err)
	}
}

func TestRoundTripEmpty(t *testing.T) {
	want := &change.Set{Site: siteA, Schema: 1}
	b, err := Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Unmarshal(b, schema.Reg)
	if err != nil {
		t.Fatal(err)
	}
	if got.Site != siteA || got.Batch != "" || len(got.Changes) != 0 {
		t.Errorf("got %+v", got)
	}
}

// corrupt re-encodes a sample set after f has damaged it, bypassing
// Marshal's own checks where needed by editing the bytes.
func TestDecodeRejects(t *testing.T) {
	tests := []struct {
		name string
		edit func(s *change.Set)
		want error
	}{
		{"UnknownTable", func(s *change.Set) { s.Changes[0].Table = "users" }, ErrUnknownTable},
		{"UnknownColumn", func(s *change.Set) { s.Changes[0].Column = "password" }, ErrUnknownColumn},
		{"IDIsNotAColumn", func(s *change.Set) { s.Changes[0].Column = "id" }, ErrUnknownColumn},
		{"TextInIntColumn", func(s *change.Set) { s.Changes[1].Value = "12" }, ErrBadValue},
		{"IntInTextColumn", func(s *change.Set) { s.Changes[0].Value = int64(12) }, ErrBadValue},
		{"IntInRealColumn", func(s *change.Set) { s.Changes[4].Value = int64(63) }, ErrBadValue},
		{"DeletedTwo", func(s *change.Set) { s.Changes[3].Value = int64(2) }, ErrBadValue},
		{"DeletedNull", func(s *change.Set) { s.Changes[3].Value = nil }, ErrBadValue},
		{"NaN", func(s *change.Set) { s.Changes[4].Value = math.NaN() }, ErrBadValue},
		{"SchemaTooNew", func(s *change.Set) { s.Schema = schema.Version + 1 }, ErrSchemaVersion},
		{"GoneUnknownTable", func(s *change.Set) { s.Gone[0].Table = "users" }, ErrUnknownTable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sampleSet()
			tt.edit(s)
			b, err := Marshal(s)
			if err != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("Marshal: got %v, want %v", err, tt.want)
				}
				return
			}
			_, err = Unmarshal(b, schema.Reg)
			var we *Error
			if !errors.As(err, &we) || !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want *Error of kind %v", err, tt.want)
			}
			if err := Validate(s, schema.Reg); !errors.Is(err, tt.want) {
				t.Errorf("Validate: got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestDecodeRejectsBytes(t *testing.T) {
	good, err := Marshal(sampleSet())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		b    []byte
		want error
	}{
		{"Empty", nil, ErrMalformed},
		{"BadMagic", append([]byte("XXXX"), good[4:]...), ErrMalformed},
		{"Proto3", append(append([]byte{}, good[:4]...), append([]byte{3}, good[5:]...)...), ErrProto},
		{"Proto0", append(append([]byte{}, good[:4]...), append([]byte{0}, good[5:]...)...), ErrProto},
		{"Truncated", good[:len(good)-3], ErrMalformed},
		{"Trailing", append(append([]byte{}, good...), 0), ErrMalformed},
		{"HugeCount", append(append([]byte{}, good[:6]...), 0xff, 0xff, 0xff, 0xff, 0x0f), ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Unmarshal(tt.b, schema.Reg)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := Decode(bytes.NewReader(good), schema.Reg); !errors.Is(err, ErrMalformed) {
		t.Errorf("Decode of an ungzipped payload: got %v, want ErrMalformed", err)
	}
}

func TestMarshalRefusesNonCanonicalIDs(t *testing.T) {
	for _, id := range []string{"0195A000-1111-7000-8000-000000000001", "{0195a000-1111-7000-8000-000000000001}", "x"} {
		s := sampleSet()
		s.Changes[0].ID = id
		if _, err := Marshal(s); !errors.Is(err, ErrBadValue) {
			t.Errorf("id %q: got %v, want ErrBadValue", id, err)
		}
	}
}

// FuzzDecodeChangeset feeds arbitrary payloads to the decoder: it must never
// panic, and whatever it accepts must name only registry tables and
// columns, carry valid values, and survive a re-encode unchanged.
func FuzzDecodeChangeset(f *testing.F) {
	for _, s := range fuzzSeeds() {
		b, err := Marshal(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		set, err := Unmarshal(b, schema.Reg)
		if err != nil {
			var we *Error
			if !errors.As(err, &we) {
				t.Fatalf("error is not a *wire.Error: %v", err)
			}
			return
		}
		if err := Validate(set, schema.Reg); err != nil {
			t.Fatalf("decoded set fails Validate: %v", err)
		}
		for _, c := range set.Changes {
			tb, ok := schema.Reg.Table(c.Table)
			if !ok {
				t.Fatalf("accepted table %q", c.Table)
			}
			if _, ok := tb.Column(c.Column); !ok {
				t.Fatalf("accepted column %s.%s", c.Table, c.Column)
			}
		}
		again, err := Marshal(set)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		set2, err := Unmarshal(again, schema.Reg)
		if err != nil {
			t.Fatalf("decode re-encoded: %v", err)
		}
		if !reflect.DeepEqual(set, set2) {
			t.Fatalf("re-encode changed the set")
		}
	})
}

// fuzzSeeds are the sets whose encodings seed the fuzzer (also committed
// under testdata/fuzz/FuzzDecodeChangeset).
func fuzzSeeds() []*change.Set {
	big := sampleSet()
	for i := 0; i < 20; i++ {
		c := big.Changes[i%4]
		c.ID = fmt.Sprintf("0195a000-2222-7000-8000-%012d", i)
		c.Clock.HLC += hlc.Timestamp(i)
		big.Changes = append(big.Changes, c)
	}
	return []*change.Set{sampleSet(), {Site: siteB, Schema: 1}, big}
}
