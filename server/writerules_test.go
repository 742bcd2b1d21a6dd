package server_test

import (
	"bytes"
	"net/http"
	"testing"

	"doorstep/schema"
	"doorstep/sync/wire"
)

// TestWriteRulesSpotChecks (issue 10, 1): a worker writes only in their own
// communities, before and after the write; an inspector from elsewhere
// records the results of a check assigned to them and nothing else.
func TestWriteRulesSpotChecks(t *testing.T) {
	s := startRaw(t)
	userA := s.addUser(t, "--name", "甲", "--role", "worker", "--communities", "cA")
	userB := s.addUser(t, "--name", "乙", "--role", "worker", "--communities", "cB")
	a := s.enrollRaw(t, userA, "")
	b := s.enrollRaw(t, userB, "")

	hB, checkB := newRowID(), newRowID()
	b.mustPush(t,
		b.row("households", hB, map[string]any{"community_id": "cB", "head_name": "丙", "deleted": int64(0)}),
		b.row("spot_checks", checkB, map[string]any{"community_id": "cB", "household_id": hB, "caseworker_id": userB,
			"inspector_ids": jsonList(userA), "unannounced": int64(0), "planned_on": "2026-12-10", "deleted": int64(0)}))

	t.Run("NewCheckInOtherCommunity", func(t *testing.T) {
		id := newRowID()
		ans := a.push(t, a.row("spot_checks", id, map[string]any{"community_id": "cB", "household_id": hB,
			"caseworker_id": userB, "inspector_ids": jsonList(userA), "unannounced": int64(1), "deleted": int64(0)}))
		if ans.status != http.StatusForbidden || ans.code != "forbidden_scope" {
			t.Fatalf("worker A created a check in community B: %s", ans)
		}
		if v := s.value(t, "spot_checks", id, "community_id"); v != nil {
			t.Errorf("refused check stored with community %v", v)
		}
	})
	t.Run("InspectorMovesCheckHome", func(t *testing.T) {
		ans := a.push(t, a.row("spot_checks", checkB, map[string]any{"community_id": "cA"}))
		if ans.status != http.StatusForbidden || ans.code != "forbidden_scope" {
			t.Fatalf("inspector moved a community-B check into A: %s", ans)
		}
		if v := s.value(t, "spot_checks", checkB, "community_id"); v != "cB" {
			t.Errorf("check's community is %v after a refused move, want cB", v)
		}
	})
	t.Run("InspectorChangesPlan", func(t *testing.T) {
		ans := a.push(t, a.row("spot_checks", checkB, map[string]any{"planned_on": "2027-01-01", "found": int64(1)}))
		if ans.status != http.StatusForbidden || ans.code != "forbidden_scope" {
			t.Fatalf("inspector changed the plan of a check elsewhere: %s", ans)
		}
		if v := s.value(t, "spot_checks", checkB, "planned_on"); v != "2026-12-10" {
			t.Errorf("planned_on = %v after a refused push", v)
		}
	})
	t.Run("InspectorDeletesCheck", func(t *testing.T) {
		ans := a.push(t, a.row("spot_checks", checkB, map[string]any{"deleted": int64(1)}))
		if ans.status != http.StatusForbidden || ans.code != "forbidden_scope" {
			t.Fatalf("inspector deleted a check elsewhere: %s", ans)
		}
	})
	t.Run("InspectorRecordsResult", func(t *testing.T) {
		a.mustPush(t, a.row("spot_checks", checkB, map[string]any{"found": int64(1), "living_there": int64(1),
			"outcome": "still_eligible", "checked_at": "2026-12-10T03:00:00Z", "author_id": userA}))
		if v := s.value(t, "spot_checks", checkB, "outcome"); v != "still_eligible" {
			t.Errorf("outcome = %v, want still_eligible", v)
		}
		// The same values again change nothing and stay allowed, scope
		// columns included.
		a.mustPush(t, a.row("spot_checks", checkB, map[string]any{"community_id": "cB", "outcome": "reduce"}))
		if v := s.value(t, "spot_checks", checkB, "outcome"); v != "reduce" {
			t.Errorf("outcome = %v, want reduce", v)
		}
	})
	t.Run("OwnCommunity", func(t *testing.T) {
		id := newRowID()
		a.mustPush(t, a.row("households", id, map[string]any{"community_id": "cA", "head_name": "丁", "deleted": int64(0)}))
		ans := a.push(t, a.row("households", id, map[string]any{"community_id": "cB"}))
		if ans.status != http.StatusForbidden || ans.code != "forbidden_scope" {
			t.Fatalf("worker A moved a household to community B: %s", ans)
		}
	})
}

// TestEnrollForeignSite (issue 10, 5): a device may not take the server's
// own site id (any pull page names it), nor another user's device's, nor a
// site that wrote data as someone else.
func TestEnrollForeignSite(t *testing.T) {
	s := startRaw(t)
	userA := s.addUser(t, "--name", "甲", "--role", "worker", "--communities", "cA")
	userB := s.addUser(t, "--name", "乙", "--role", "worker", "--communities", "cA")
	a := s.enrollRaw(t, userA, "")
	a.mustPush(t, a.row("households", newRowID(), map[string]any{"community_id": "cA", "deleted": int64(0)}))

	// The server's site, as an independent client learns it: the site of a
	// pull page, read from the changeset bytes.
	page := a.get(t, http.MethodGet, "/v1/pull")
	if page.status != http.StatusOK {
		t.Fatalf("pull: %s", page)
	}
	set, err := wire.Decode(bytes.NewReader(page.body), schema.Reg)
	if err != nil {
		t.Fatal(err)
	}
	for name, site := range map[string]string{"ServerSite": set.Site, "OtherUsersDevice": a.site} {
		t.Run(name, func(t *testing.T) {
			ans := s.enrollAnswer(t, enrollCode(t, s.db, userB), site)
			if ans.status != http.StatusForbidden || ans.code != "site_mismatch" {
				t.Errorf("enrolling with %s: %s, want 403 site_mismatch", site, ans)
			}
			if n := s.count(t, `SELECT count(*) FROM devices WHERE site_id = ? AND user_id = ?`, site, userB); n != 0 {
				t.Errorf("%d devices of user B with that site", n)
			}
		})
	}
	// The same user's reinstalled app keeps its site.
	again := s.enrollRaw(t, userA, a.site)
	if again.site != a.site {
		t.Errorf("re-enrolled site %s, want %s", again.site, a.site)
	}
}
