package server

import (
	"context"
	"errors"
	"testing"

	"doorstep/schema"
	"doorstep/server/store"
	"doorstep/sync/client/api"
)

// TestPushPull: a worker's offline edit reaches the supervisor, not a
// worker of another community; conflicts are recorded at ingest.
func TestPushPull(t *testing.T) {
	e := newEnv(t, Config{})
	w1 := e.user(t, workerC1)
	w2 := e.user(t, store.User{Name: "李娜", Role: schema.RoleWorker, Communities: []string{"c2"}})
	sup := e.user(t, store.User{Name: "张主任", Role: schema.RoleSupervisor})
	d1, d2, ds := e.newDevice(t, w1.ID), e.newDevice(t, w2.ID), e.newDevice(t, sup.ID)

	h := newID()
	d1.exec(t, `INSERT INTO households(id, community_id, head_name, benefit_fen) VALUES (?, 'c1', '赵大爷', 50000)`, h)
	st := d1.sync(t)
	if st.Batches != 1 || st.Pushed == 0 {
		t.Errorf("push stats %+v", st)
	}
	ds.sync(t)
	d2.sync(t)
	if !ds.has(t, "households", h) {
		t.Error("supervisor lacks the household")
	}
	if d2.has(t, "households", h) {
		t.Error("worker of another community received the household")
	}

	// Concurrent edits: the supervisor and the worker both change the
	// benefit offline; one conflict record results, and both converge.
	e.clock.Advance(1000)
	d1.exec(t, `UPDATE households SET benefit_fen = 51000 WHERE id = ?`, h)
	ds.exec(t, `UPDATE households SET benefit_fen = 52000 WHERE id = ?`, h)
	d1.sync(t)
	st = ds.sync(t)
	if st.Conflicts != 1 {
		t.Errorf("conflicts reported to the second pusher: %d", st.Conflicts)
	}
	d1.sync(t)
	var v1, v2 int64
	if err := d1.rep.DB().QueryRow(`SELECT benefit_fen FROM households WHERE id = ?`, h).Scan(&v1); err != nil {
		t.Fatal(err)
	}
	if err := ds.rep.DB().QueryRow(`SELECT benefit_fen FROM households WHERE id = ?`, h).Scan(&v2); err != nil {
		t.Fatal(err)
	}
	if v1 != v2 {
		t.Errorf("diverged: %d vs %d", v1, v2)
	}
	var n int
	if err := d1.rep.DB().QueryRow(`SELECT count(*) FROM conflicts WHERE row_id = ?`, h).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("worker sees %d conflict records", n)
	}
	if got := e.srv.Metrics().Conflicts.Load(); got != 1 {
		t.Errorf("conflict metric %d", got)
	}
}

// TestPushRefusedWhole: a push with one change outside the user's rights
// stores nothing, and its refusal names the row; Sync then holds that row
// on the device and pushes the rest.
func TestPushRefusedWhole(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, Config{})
	w1 := e.user(t, workerC1)
	d1 := e.newDevice(t, w1.ID)
	ok, bad, bad2 := newID(), newID(), newID()
	d1.exec(t, `INSERT INTO households(id, community_id) VALUES (?, 'c1')`, ok)
	d1.exec(t, `INSERT INTO households(id, community_id) VALUES (?, 'c7')`, bad)
	d1.exec(t, `INSERT INTO members(id, household_id, community_id) VALUES (?, ?, 'c8')`, bad2, bad)
	set, err := d1.rep.Outbox(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = d1.client.Push(ctx, set)
	var refusal *api.Error
	if !errors.As(err, &refusal) || refusal.Code != api.CodeForbiddenScope {
		t.Fatalf("push: %v", err)
	}
	refused := map[api.RowRef]bool{}
	for _, r := range refusal.Rows {
		refused[r] = true
	}
	if len(refusal.Rows) != 2 || !refused[api.RowRef{Table: "households", ID: bad}] || !refused[api.RowRef{Table: "members", ID: bad2}] {
		t.Errorf("refused rows %+v, want households/%s and members/%s", refusal.Rows, bad, bad2)
	}
	count := func(id string) int {
		var n int
		if err := e.store.DB().QueryRow(`SELECT count(*) FROM households WHERE id = ?`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if count(ok)+count(bad) != 0 {
		t.Error("server stored households of a refused push")
	}
	if b, _ := d1.rep.PendingBatch(ctx); b != set.Batch {
		t.Error("the refused batch left the outbox")
	}

	st, err := d1.client.Sync(ctx, d1.rep, clientOpts())
	if api.ErrorCode(err) != api.CodeForbiddenScope || st.Held != 2 || st.Batches != 1 {
		t.Fatalf("sync: %+v, %v; want the refusal, 2 rows held, 1 batch pushed", st, err)
	}
	if count(ok) != 1 || count(bad) != 0 {
		t.Errorf("server holds %d of the allowed household, %d of the refused one", count(ok), count(bad))
	}
	if held, err := d1.rep.Held(ctx); err != nil || len(held) != 2 {
		t.Errorf("held rows %+v, %v", held, err)
	}
	if !d1.has(t, "households", bad) {
		t.Error("the refused household left the device")
	}
	if _, err := d1.client.Sync(ctx, d1.rep, clientOpts()); err != nil {
		t.Errorf("the next sync: %v", err)
	}
}
