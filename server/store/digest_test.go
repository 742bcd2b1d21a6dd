package store

import (
	"testing"

	"doorstep/sync/change"
	"doorstep/sync/hlc"
)

func TestBatchDigests(t *testing.T) {
	at := change.Clock{HLC: hlc.New(1_700_000_000_000, 0), Site: "s"}
	c := func(col string, v any) change.Change {
		return change.Change{Table: "households", ID: "h", Column: col, Value: v, Clock: at, User: "u"}
	}
	set := &change.Set{Changes: []change.Change{c("a", "1"), c("b", int64(1)), c("c", nil), c("a", "1")}}
	d := batchDigests(set)
	if len(d) != 3*digestSize {
		t.Fatalf("%d bytes of fingerprints, want 3 distinct changes", len(d))
	}
	for name, tc := range map[string]struct {
		changes []change.Change
		want    bool
	}{
		"Same":           {set.Changes, true},
		"Part":           {set.Changes[1:2], true},
		"TextForInteger": {[]change.Change{c("b", "1")}, false},
		"OtherValue":     {[]change.Change{c("a", "2")}, false},
		"OtherColumn":    {[]change.Change{c("d", "1")}, false},
		"OtherClock": {[]change.Change{{Table: "households", ID: "h", Column: "a", Value: "1",
			Clock: change.Clock{HLC: at.HLC + 1, Site: "s"}, User: "u"}}, false},
		"OtherBase": {[]change.Change{{Table: "households", ID: "h", Column: "a", Value: "1", Clock: at, User: "u",
			Base: change.Clock{HLC: 5, Site: "t"}}}, false},
	} {
		if got := replayOf(d, &change.Set{Changes: tc.changes}); got != tc.want {
			t.Errorf("%s: replayOf = %v, want %v", name, got, tc.want)
		}
	}
	if !replayOf(nil, set) {
		t.Error("a batch stored without fingerprints refuses its replay")
	}
}
