package server_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/rs/xid"

	"doorstep/sync/change"
	"doorstep/sync/client"
	"doorstep/sync/client/api"
)

// TestBatchReused (issue 10, 9): a batch id names one changeset. Replaying
// it (whole, or the part a device still holds) is answered with the first
// acknowledgement; other changes under the same id are refused with
// batch_reused instead of being dropped silently.
func TestBatchReused(t *testing.T) {
	s := startRaw(t)
	user := s.addUser(t, "--name", "甲", "--role", "worker", "--communities", "cA")
	d := s.enrollRaw(t, user, "")
	batch := xid.New().String()
	r1, r2 := newRowID(), newRowID()
	first := d.row("households", r1, map[string]any{"community_id": "cA", "head_name": "甲", "address": "一号", "deleted": int64(0)})
	body := d.changeset(t, batch, first)
	ack := d.pushBody(t, body)
	if ack.status != http.StatusOK {
		t.Fatalf("first push: %s", ack)
	}
	t.Run("IdenticalReplay", func(t *testing.T) {
		again := d.pushBody(t, body)
		if again.status != http.StatusOK || again.header.Get("Doorstep-Replayed") != "true" || string(again.body) != string(ack.body) {
			t.Errorf("replay: %s (replayed %q), want the first acknowledgement %s", again, again.header.Get("Doorstep-Replayed"), ack)
		}
	})
	t.Run("ReplayOfPart", func(t *testing.T) {
		again := d.pushBody(t, d.changeset(t, batch, first[:2]))
		if again.status != http.StatusOK || again.header.Get("Doorstep-Replayed") != "true" {
			t.Errorf("replay of part of the batch: %s", again)
		}
	})
	t.Run("OtherChanges", func(t *testing.T) {
		other := d.row("households", r2, map[string]any{"community_id": "cA", "head_name": "乙", "deleted": int64(0)})
		ans := d.pushBody(t, d.changeset(t, batch, append(append([]change.Change{}, first...), other...)))
		if ans.status != http.StatusConflict || ans.code != "batch_reused" {
			t.Errorf("other changes under a stored batch id: %s, want 409 batch_reused", ans)
		}
		if v := s.value(t, "households", r2, "head_name"); v != nil {
			t.Errorf("refused row stored: head_name %v", v)
		}
	})
	t.Run("OtherValue", func(t *testing.T) {
		changed := append([]change.Change{}, first...)
		for i := range changed {
			if changed[i].Column == "head_name" {
				changed[i].Value = "丙"
			}
		}
		ans := d.pushBody(t, d.changeset(t, batch, changed))
		if ans.status != http.StatusConflict || ans.code != "batch_reused" {
			t.Errorf("another value under a stored batch id: %s, want 409 batch_reused", ans)
		}
		if v := s.value(t, "households", r1, "head_name"); v != "甲" {
			t.Errorf("head_name = %v, want 甲", v)
		}
	})
	t.Run("ClientSurfacesIt", func(t *testing.T) {
		c := client.New(s.url(), d.token)
		_, err := c.Push(context.Background(), &change.Set{Batch: batch, Site: d.site,
			Changes: d.row("households", r2, map[string]any{"community_id": "cA", "deleted": int64(0)})})
		var e *api.Error
		if !errors.As(err, &e) || e.Code != api.CodeBatchReused {
			t.Errorf("client.Push = %v, want *api.Error %s", err, api.CodeBatchReused)
		}
	})
}
