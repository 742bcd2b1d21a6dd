package server

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"doorstep/sync/client/api"
)

// TestPullsQueueThenBusy fills the server's only pull slot: a pull then
// waits, is admitted when the slot frees within PullWait, and otherwise is
// answered 503 busy with a Retry-After of 2–6 s (the client reads it), the
// request after it being served once the slot is free again. Pushes and
// other requests never wait for the gate.
func TestPullsQueueThenBusy(t *testing.T) {
	e := newEnv(t, Config{MaxPulls: 1, PullWait: 300 * time.Millisecond})
	w := e.user(t, workerC1)
	c, _ := e.enroll(t, w.ID, "")
	ctx := context.Background()
	if _, err := c.Pull(ctx, ""); err != nil {
		t.Fatalf("pull with a free slot: %v", err)
	}

	e.srv.pulls.slots <- struct{}{} // a pull in hand
	_, err := c.Pull(ctx, "")
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Code != api.CodeBusy || ae.RetryAfter < 2*time.Second || ae.RetryAfter > 6*time.Second {
		t.Fatalf("pull with no slot for longer than PullWait: %v, want busy with Retry-After 2–6 s", err)
	}
	if ae.Code.Status() != 503 {
		t.Errorf("busy is HTTP %d, want 503", ae.Code.Status())
	}
	if _, err := c.Me(ctx); err != nil {
		t.Errorf("a request other than a pull waited for the pull gate: %v", err)
	}

	go func() {
		time.Sleep(100 * time.Millisecond)
		<-e.srv.pulls.slots // the pull in hand ends within PullWait
	}()
	if _, err := c.Pull(ctx, ""); err != nil {
		t.Errorf("pull whose slot freed within PullWait: %v", err)
	}
	if n := len(e.srv.pulls.slots); n != 0 {
		t.Errorf("%d slots still taken after every pull ended", n)
	}
}

// TestNoPullLimit: a negative MaxPulls admits every pull at once.
func TestNoPullLimit(t *testing.T) {
	if g := newGate(-1); g != nil {
		t.Fatal("newGate(-1) limits pulls")
	}
	var g *gate
	release, err := g.enter(context.Background(), time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	release()
}

// TestSyncWaitsOutBusy: a device's sync round that finds every pull slot
// taken is answered busy, waits the Retry-After and asks again, and the
// round completes without an error once a slot is free — a crowd of first
// syncs queues instead of failing.
func TestSyncWaitsOutBusy(t *testing.T) {
	e := newEnv(t, Config{MaxPulls: 1, PullWait: 50 * time.Millisecond})
	w := e.user(t, workerC1)
	a, b := e.newDevice(t, w.ID), e.newDevice(t, w.ID)
	h := uuid.NewString()
	a.exec(t, `INSERT INTO households(id, community_id, head_name) VALUES (?, 'c1', '张三')`, h)
	a.sync(t)

	e.srv.pulls.slots <- struct{}{} // another device's pull in hand
	released := make(chan struct{})
	go func() {
		time.Sleep(500 * time.Millisecond)
		<-e.srv.pulls.slots
		close(released)
	}()
	st := b.sync(t)
	select {
	case <-released:
	default:
		t.Fatal("the round ended while every pull slot was taken")
	}
	if st.Pulled == 0 {
		t.Error("the round pulled nothing after waiting")
	}
	var n int
	if err := b.rep.DB().QueryRow(`SELECT count(*) FROM households WHERE id = ?`, h).Scan(&n); err != nil || n != 1 {
		t.Errorf("household on the waiting device: %d, %v", n, err)
	}
}
