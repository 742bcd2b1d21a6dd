package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"doorstep/sync/change"
)

// TestFollowLease: the evidence watermark and its lease, on both backends.
// One holder at a time; a lease that ran out is taken over, and its old
// holder can then move nothing; a released lease is free at once; the
// watermark survives reopening; the rows above it are listed in sequence
// order, a page at a time, none skipped.
func TestFollowLease(t *testing.T) { eachBackend(t, testFollowLease) }

func testFollowLease(t *testing.T) {
	ctx := context.Background()
	db := testDB(t)
	clock := &testClock{t: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}
	open := func() *Store {
		s, err := Open(ctx, db, Options{Now: clock.Now, BlobDir: filepath.Join(t.TempDir(), "blobs")})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	defer func() { s.Close() }()

	f, err := s.ReadFollow(ctx)
	if err != nil || f.Mark != 0 || f.Holder != "-" {
		t.Fatalf("a new store's watermark: %+v, %v; want mark 0, no holder", f, err)
	}
	insert := func(ids ...string) {
		t.Helper()
		for _, id := range ids {
			if _, err := s.db.ExecContext(ctx, `INSERT INTO households (id, community_id, head_name) VALUES (?, 'c1', '张三')`, id); err != nil {
				t.Fatal(err)
			}
		}
	}
	insert("h1", "h2", "h3")

	// Listed a page at a time, in order, none skipped.
	var seen []change.RowRef
	after := int64(0)
	for range 5 {
		rows, reached, err := s.ChangedAfter(ctx, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 {
			if reached != after {
				t.Errorf("an empty listing moved from %d to %d", after, reached)
			}
			break
		}
		if reached <= after {
			t.Fatalf("listing after %d reached %d", after, reached)
		}
		seen = append(seen, rows...)
		after = reached
	}
	if fmt.Sprint(seen) != "[{households h1} {households h2} {households h3}]" {
		t.Fatalf("rows changed after 0: %v", seen)
	}
	if lag, err := s.FollowLag(ctx); err != nil || lag != 3 {
		t.Errorf("lag before verification: %d, %v; want 3", lag, err)
	}

	a, err := s.ClaimFollow(ctx, "a", 10*time.Second)
	if err != nil || a.Holder != "a" {
		t.Fatalf("claim by a: %+v, %v", a, err)
	}
	clock.Advance(time.Second)
	if again, err := s.ClaimFollow(ctx, "a", 10*time.Second); err != nil || again != a {
		t.Fatalf("claim by a with 9 s of 10 left: %+v, %v; want the lease as it was, unwritten", again, err)
	}
	if _, err := s.ClaimFollow(ctx, "b", 10*time.Second); !errors.Is(err, ErrLeaseHeld) {
		t.Fatalf("claim by b while a holds the lease: %v, want ErrLeaseHeld", err)
	}
	clock.Advance(5 * time.Second)
	if a, err = s.ClaimFollow(ctx, "a", 10*time.Second); err != nil {
		t.Fatalf("renewal by a: %v", err)
	}
	a, ok, err := s.AdvanceFollow(ctx, a, after, 10*time.Second)
	if err != nil || !ok || a.Mark != after {
		t.Fatalf("a moves the watermark to %d: %+v, %v, %v", after, a, ok, err)
	}
	if lag, err := s.FollowLag(ctx); err != nil || lag != 0 {
		t.Errorf("lag after verification: %d, %v; want 0", lag, err)
	}
	insert("h4")
	if lag, err := s.FollowLag(ctx); err != nil || lag != 1 {
		t.Errorf("lag after one more row: %d, %v; want 1", lag, err)
	}
	if rows, _, err := s.ChangedAfter(ctx, after, 10); err != nil || fmt.Sprint(rows) != "[{households h4}]" {
		t.Fatalf("rows changed after the watermark: %v, %v", rows, err)
	}

	// a's renewal ran 10 s from 08:00:06; at 08:00:17 b takes over.
	clock.Advance(11 * time.Second)
	b, err := s.ClaimFollow(ctx, "b", 10*time.Second)
	if err != nil || b.Mark != after {
		t.Fatalf("b takes the lease over after a's ran out: %+v, %v", b, err)
	}
	if _, ok, err := s.AdvanceFollow(ctx, a, after+100, 10*time.Second); err != nil || ok {
		t.Fatalf("a, having lost the lease, moved the watermark: %v, %v", ok, err)
	}
	if f, _ := s.ReadFollow(ctx); f.Mark != after || f.Holder != "b" {
		t.Fatalf("after a's late move: %+v, want mark %d held by b", f, after)
	}
	// Releasing goes by the holder: a, not holding it, gives nothing up;
	// b gives it up although it has moved on since the state b's caller
	// last saw (a stop interrupting an advance after it was stored).
	if err := s.ReleaseFollow(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if f, _ := s.ReadFollow(ctx); f.Holder != "b" {
		t.Fatalf("after a released a lease it did not hold: %+v, want held by b", f)
	}
	clock.Advance(time.Second)
	if _, ok, err := s.AdvanceFollow(ctx, b, after, 10*time.Second); err != nil || !ok {
		t.Fatalf("b renews: %v, %v", ok, err)
	}
	if err := s.ReleaseFollow(ctx, b.Holder); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimFollow(ctx, "a", 10*time.Second); err != nil {
		t.Fatalf("claim right after b released the lease: %v", err)
	}

	// Reopened, the watermark stays; without its row (a database from
	// before the follower), it starts at the highest sequence number.
	s.Close()
	s = open()
	if f, err := s.ReadFollow(ctx); err != nil || f.Mark != after {
		t.Fatalf("watermark after reopening: %+v, %v; want %d", f, err, after)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM server_meta WHERE key = ?`, followKey); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = open()
	top, err := s.MaxSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if f, err := s.ReadFollow(ctx); err != nil || f.Mark != top || top <= after {
		t.Fatalf("watermark created over a database with rows: %+v, %v; want %d", f, err, top)
	}

	// A bulk load of unsigned history is skipped, the capture log
	// included; what comes after it is not.
	insert("h5", "h6")
	if err := s.SkipVerification(ctx); err != nil {
		t.Fatal(err)
	}
	if lag, err := s.FollowLag(ctx); err != nil || lag != 0 {
		t.Errorf("lag after skipping a load: %d, %v; want 0", lag, err)
	}
	insert("h7")
	f, _ = s.ReadFollow(ctx)
	if rows, _, err := s.ChangedAfter(ctx, f.Mark, 10); err != nil || fmt.Sprint(rows) != "[{households h7}]" {
		t.Errorf("rows after the skipped load: %v, %v; want h7 alone", rows, err)
	}

	if _, err := s.ClaimFollow(ctx, "two words", time.Second); err == nil {
		t.Error("a holder with a space was accepted")
	}
}
