package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"

	"doorstep/schema"
	"doorstep/server/store"
	"doorstep/sync/change"
	"doorstep/sync/evidence"
)

// verdictStatus reads the stored verdict of a means visit ("" for none).
func verdictStatus(tb testing.TB, st *store.Store, visit string) string {
	tb.Helper()
	var status string
	err := st.DB().QueryRow(`SELECT status FROM evidence_verdicts WHERE record_table = 'means_visits' AND record_id = ? AND deleted = 0`, visit).Scan(&status)
	if err != nil {
		return ""
	}
	return status
}

// visitIn returns the id of the means visit a changeset writes.
func visitIn(tb testing.TB, set *change.Set) string {
	tb.Helper()
	for _, c := range set.Changes {
		if c.Table == "means_visits" {
			return c.ID
		}
	}
	tb.Fatal("no means visit in the changeset")
	return ""
}

// TestEvidenceFollower: a push is answered before its evidence is
// verified; the follower of a running server verifies it soon after, by
// itself; what was stored while no follower ran is verified when one
// starts; one process at a time holds the lease, and a process that stops
// gives it up at once; the watermark ends past every change, the
// verdicts' own included.
func TestEvidenceFollower(t *testing.T) {
	e := newEnv(t, Config{Rate: -1})
	ctx := context.Background()
	u := e.user(t, store.User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c1"}})
	site := uuid.NewString()
	c, _ := e.enroll(t, u.ID, site)

	// Stored with no follower running: answered, not verified.
	set, _ := visitPush(site, u.ID, nil)
	visit := visitIn(t, set)
	if _, err := c.Push(ctx, set); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if st := verdictStatus(t, e.store, visit); st != "" {
		t.Fatalf("a verdict (%s) before any follower ran: the push verified in its own path", st)
	}
	if lag, err := e.store.FollowLag(ctx); err != nil || lag == 0 {
		t.Fatalf("lag after an unverified push: %d, %v; want rows waiting", lag, err)
	}

	// A second process over the same database.
	other := New(e.store, Config{Rate: -1}, slog.New(slog.NewTextHandler(io.Discard, nil)), e.clock.Now)
	n, err := e.srv.VerifyPending(ctx)
	if err != nil || n == 0 {
		t.Fatalf("verify pending: %d rows, %v", n, err)
	}
	if st := verdictStatus(t, e.store, visit); st == "" {
		t.Fatal("no verdict of the pushed visit after VerifyPending")
	}
	if lag, err := e.store.FollowLag(ctx); err != nil || lag != 0 {
		t.Errorf("lag after VerifyPending: %d, %v; want 0 (the verdicts' own rows passed too)", lag, err)
	}
	if _, err := other.VerifyPending(ctx); !errors.Is(err, store.ErrLeaseHeld) {
		t.Fatalf("the other process verified while this one holds the lease: %v", err)
	}

	// Running, the follower verifies a push by itself, soon after it.
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan struct{})
	go func() { e.srv.Run(runCtx); close(ran) }()
	set2, _ := visitPush(site, u.ID, nil)
	visit2 := visitIn(t, set2)
	if _, err := c.Push(ctx, set2); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for verdictStatus(t, e.store, visit2) == "" {
		if time.Now().After(deadline) {
			t.Fatal("the running follower did not verify a push within 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Stopped, it gives the lease up: the other process takes it at once
	// (the lease would otherwise run 15 s).
	stop()
	<-ran
	if _, err := other.VerifyPending(ctx); err != nil {
		t.Fatalf("the other process after this one stopped: %v", err)
	}
}

// TestEvidenceFollowerSkipsFailingRows: when a page of changed rows
// cannot be verified as a whole, the follower verifies its rows one at a
// time: a record that still fails is counted and skipped and the others
// get their verdicts, the watermark passing them all; when every row
// fails (the database, most likely), nothing is skipped: the watermark
// stays and the next pass verifies the page.
func TestEvidenceFollowerSkipsFailingRows(t *testing.T) {
	e := newEnv(t, Config{Rate: -1})
	ctx := context.Background()
	u := e.user(t, store.User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c1"}})
	site := uuid.NewString()
	c, _ := e.enroll(t, u.ID, site)
	badRows := map[string]bool{} // every row of the failing visit's push
	push := func(failing bool) string {
		t.Helper()
		set, _ := visitPush(site, u.ID, nil)
		if _, err := c.Push(ctx, set); err != nil {
			t.Fatal(err)
		}
		for _, ch := range set.Changes {
			badRows[ch.ID] = badRows[ch.ID] || failing
		}
		return visitIn(t, set)
	}
	bad, good := push(true), push(false)
	nBad := int64(0)
	for _, b := range badRows {
		if b {
			nBad++
		}
	}
	failing := errors.New("injected verification failure")
	calls := 0
	e.srv.follow.verify = func(ctx context.Context, rows []change.RowRef) ([]evidence.Verdict, error) {
		calls++
		for _, r := range rows {
			if badRows[r.ID] {
				return nil, failing
			}
		}
		return e.store.VerifyRows(ctx, rows)
	}
	if _, err := e.srv.VerifyPending(ctx); err != nil {
		t.Fatalf("verify pending with one failing record: %v", err)
	}
	if calls < 2 {
		t.Fatalf("verification ran %d times: the failing page was not retried row by row", calls)
	}
	if st := verdictStatus(t, e.store, good); st == "" {
		t.Error("no verdict of the visit beside the failing one: one record held the page back")
	}
	if st := verdictStatus(t, e.store, bad); st != "" {
		t.Errorf("the failing visit has a verdict (%s)", st)
	}
	if n := e.srv.Metrics().VerifyFailures.Load(); n != nBad {
		t.Errorf("verification failures counted: %d, want %d (the failing push's rows)", n, nBad)
	}
	if lag, err := e.store.FollowLag(ctx); err != nil || lag != 0 {
		t.Errorf("lag after the skip: %d, %v; want 0", lag, err)
	}

	// Every row failing: the page stays for the next pass.
	third := push(false)
	e.srv.follow.verify = func(context.Context, []change.RowRef) ([]evidence.Verdict, error) {
		return nil, failing
	}
	if _, err := e.srv.VerifyPending(ctx); !errors.Is(err, failing) {
		t.Fatalf("verify pending with every row failing: %v, want the failure", err)
	}
	if lag, err := e.store.FollowLag(ctx); err != nil || lag == 0 {
		t.Fatalf("lag after a page that failed whole: %d, %v; want its rows still waiting", lag, err)
	}
	if n := e.srv.Metrics().VerifyFailures.Load(); n != nBad {
		t.Errorf("verification failures counted: %d, want still %d (nothing skipped)", n, nBad)
	}
	e.srv.follow.verify = nil
	if _, err := e.srv.VerifyPending(ctx); err != nil {
		t.Fatal(err)
	}
	if st := verdictStatus(t, e.store, third); st == "" {
		t.Error("no verdict of the visit whose page failed whole, after the next pass")
	}
}
