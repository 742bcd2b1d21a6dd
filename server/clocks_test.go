package server_test

import (
	"net/http"
	"testing"

	"doorstep/sync/change"
	"doorstep/sync/hlc"
)

// TestImpossibleBase (issue 10, 6): a change whose base is not older than
// the change itself is refused with bad_value, stores nothing and records
// no conflict.
func TestImpossibleBase(t *testing.T) {
	s := startRaw(t)
	user := s.addUser(t, "--name", "甲", "--role", "worker", "--communities", "cA")
	d := s.enrollRaw(t, user, "")
	other := s.enrollRaw(t, s.addUser(t, "--name", "乙", "--role", "worker", "--communities", "cA"), "")
	id := newRowID()
	first := d.row("households", id, map[string]any{"community_id": "cA", "head_name": "原名", "deleted": int64(0)})
	d.mustPush(t, first)
	written := first[0].Clock

	edit := func(base func(at hlc.Timestamp) change.Clock) []change.Change {
		cs := other.row("households", id, map[string]any{"head_name": "改名"})
		cs[0].Base = base(cs[0].Clock.HLC)
		return cs
	}
	for name, base := range map[string]func(at hlc.Timestamp) change.Clock{
		// base delta -2^30: the base is 2^30 HLC units (16 s) after the write.
		"BaseAfterWrite": func(at hlc.Timestamp) change.Clock { return change.Clock{HLC: at + 1<<30, Site: d.site} },
		"BaseIsTheWrite": func(at hlc.Timestamp) change.Clock { return change.Clock{HLC: at, Site: other.site} },
		"BaseSameTimeOtherSite": func(at hlc.Timestamp) change.Clock {
			return change.Clock{HLC: at, Site: d.site}
		},
	} {
		t.Run(name, func(t *testing.T) {
			ans := other.push(t, edit(base))
			if ans.status != http.StatusUnprocessableEntity || ans.code != "bad_value" {
				t.Errorf("push: %s, want 422 bad_value", ans)
			}
			if v := s.value(t, "households", id, "head_name"); v != "原名" {
				t.Errorf("head_name = %v after a refused push", v)
			}
			if n := s.count(t, `SELECT count(*) FROM conflicts`); n != 0 {
				t.Errorf("%d conflicts recorded", n)
			}
		})
	}
	// A real concurrent edit (base older than the current value) is still a
	// conflict, and a base equal to the current clock is not.
	other.mustPush(t, edit(func(hlc.Timestamp) change.Clock { return written }))
	if v := s.value(t, "households", id, "head_name"); v != "改名" {
		t.Errorf("head_name = %v after an edit based on the stored value", v)
	}
	if n := s.count(t, `SELECT count(*) FROM conflicts`); n != 0 {
		t.Errorf("%d conflicts after an edit of the value seen", n)
	}
}
