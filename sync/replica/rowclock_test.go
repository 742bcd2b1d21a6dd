package replica

import (
	"reflect"
	"testing"
)

func TestRowClockRoundTrip(t *testing.T) {
	rc := rowClock{
		{mask: 0xfffff, clockRef: clockRef{hlc: 1 << 56, w: 3}, seq: 12},
		{mask: 1 << 40, clockRef: clockRef{hlc: 1<<56 + 9, w: 300}, seq: 99999,
			base: []baseEntry{{mask: 1 << 40, clockRef: clockRef{hlc: 1 << 50, w: 1}}}},
	}
	b := rc.encode(nil)
	got, err := decodeRowClock(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rc) {
		t.Errorf("got %+v, want %+v", got, rc)
	}
	// A form save's whole row is one group of 14 bytes.
	first := len(rowClock{rc[0]}.encode(nil))
	if first != 14 {
		t.Errorf("one group took %d bytes, want 14", first)
	}
	for i := 1; i < len(b); i++ {
		if _, err := decodeRowClock(b[:i]); (err == nil) != (i == first) {
			t.Errorf("prefix of %d bytes: err %v", i, err)
		}
	}
}

func TestRowClockSet(t *testing.T) {
	var rc rowClock
	rc = rc.set(0b111, clockRef{hlc: 10, w: 1}, 1, nil)
	rc = rc.set(0b010, clockRef{hlc: 20, w: 2}, 2, []baseEntry{{mask: 0b010, clockRef: clockRef{hlc: 10, w: 1}}})
	if ref, seq, ok := rc.cell(1); !ok || ref.hlc != 20 || seq != 2 {
		t.Errorf("cell 1: %+v %d", ref, seq)
	}
	if ref, _, _ := rc.cell(0); ref.hlc != 10 {
		t.Errorf("cell 0: %+v", ref)
	}
	rc = rc.set(0b101, clockRef{hlc: 30, w: 1}, 3, nil)
	if len(rc) != 2 || rc[1].seq != 3 {
		t.Errorf("emptied group not dropped: %+v", rc)
	}
	if _, _, ok := rc.cell(5); ok {
		t.Error("unwritten column has a clock")
	}
	if got := columns(0b1010_0001); !reflect.DeepEqual(got, []int{0, 5, 7}) {
		t.Errorf("columns: %v", got)
	}
}
