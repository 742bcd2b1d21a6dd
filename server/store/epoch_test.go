package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"doorstep/schema"
	"doorstep/schema/scope"
	"doorstep/sync/client/api"
	"doorstep/sync/replica"
)

// insertRows writes n households through the replica and lists changes, so
// that the capture log is folded and the rows have server sequence numbers.
func insertRows(tb testing.TB, s *Store, n int) {
	tb.Helper()
	ctx := context.Background()
	err := s.Write(ctx, "", func(tx *sql.Tx) error {
		for i := 0; i < n; i++ {
			id := fmt.Sprintf("0195f000-0000-7000-8000-%012d", time.Now().UnixNano()%1e12+int64(i))
			if _, err := tx.ExecContext(ctx, `INSERT INTO households(id, community_id) VALUES (?, 'c1')`, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := s.rep.Changes(ctx, replica.Cursor{}, 1); err != nil {
		tb.Fatal(err)
	}
}

func TestCursor(t *testing.T) {
	c := Cursor{Epoch: "0123456789abcdef", Scope: "fedcba9876543210", Since: 40, After: 42}
	got, err := ParseCursor(c.String())
	if err != nil || got != c {
		t.Errorf("round trip: %+v, %v", got, err)
	}
	if z, err := ParseCursor(""); err != nil || z != (Cursor{}) {
		t.Errorf("empty cursor: %+v, %v", z, err)
	}
	for _, bad := range []string{"x", "2.a.b.1.1", "1.a.b.-1.0", "1.a.b.c.1", "1.a.b.1", "1.a.b.5.4"} {
		_, err := ParseCursor(bad)
		wantCode(t, err, api.CodeBadRequest)
	}
}

func TestEpochs(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "server.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	e1, err := s.StartEpoch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cur, _ := s.Epoch(ctx); cur != e1 {
		t.Errorf("Epoch = %s, want %s", cur, e1)
	}
	insertRows(t, s, 5)
	top, _ := s.MaxSeq(ctx)
	if top != 5 {
		t.Fatalf("MaxSeq = %d", top)
	}
	valid := func(epoch string, seq int64) bool {
		t.Helper()
		c, err := checkCursor(ctx, s.db, Cursor{Epoch: epoch, After: seq})
		if err != nil {
			t.Fatal(err)
		}
		return c.valid
	}
	if !valid(e1, 5) || valid(e1, 6) || valid("unknown", 1) {
		t.Error("cursor validity in the first epoch")
	}

	// Back up now (seq 5), go on to seq 8 in a new epoch.
	if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	copyFile(t, path, filepath.Join(dir, "backup.db"))
	e2, _ := s.StartEpoch(ctx)
	insertRows(t, s, 3)
	if !valid(e1, 5) || valid(e1, 6) || !valid(e2, 8) || valid(e2, 9) {
		t.Error("cursor validity across epochs")
	}
	s.Close()

	// Restore the backup: the device that saw seq 8 of epoch e2 must start over.
	copyFile(t, filepath.Join(dir, "backup.db"), path)
	os.Remove(path + "-wal")
	os.Remove(path + "-shm")
	s, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e3, _ := s.StartEpoch(ctx)
	insertRows(t, s, 4) // seq 6..9 now mean something else
	if valid(e2, 8) {
		t.Error("a cursor from an epoch the restored database never had is accepted")
	}
	if !valid(e1, 5) || valid(e1, 6) || !valid(e3, 9) {
		t.Error("cursor validity after restore")
	}
}

func copyFile(tb testing.TB, from, to string) {
	tb.Helper()
	in, err := os.Open(from)
	if err != nil {
		tb.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		tb.Fatal(err)
	}
	if err := out.Close(); err != nil {
		tb.Fatal(err)
	}
}

// TestEpochsAcrossHandles: every server process starts an epoch when it
// starts, on the one database. A cursor of an earlier epoch stays valid up
// to where that epoch ended, whichever process is asked; one past it — a
// change committed after a later process started, reported under the
// earlier epoch — sends the device back to the start, never past a
// change; a cursor past the highest number stored, or of an epoch the
// database never had, is refused on both.
func TestEpochsAcrossHandles(t *testing.T) { eachBackend(t, testEpochsAcrossHandles) }

func testEpochsAcrossHandles(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{t: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}
	h := openHandles(t, clock, 2)
	cw := &scope.User{ID: "cw", Role: schema.RoleWorker, Communities: map[string]bool{"c1": true}}
	first, second := h[0], h[1]
	f := &groupFixture{s: first, clock: clock, cw: cw}
	d := f.device(1)
	push := func(s *Store) int64 {
		t.Helper()
		res, err := s.Ingest(ctx, d, cw, f.household(d, uuid.NewString(), "c1", 0))
		if err != nil {
			t.Fatal(err)
		}
		return res.Ack.Seq
	}
	e1, err := first.StartEpoch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	push(first)
	end1 := push(first)

	e2, err := second.StartEpoch(ctx) // a process started later
	if err != nil {
		t.Fatal(err)
	}
	after := push(first) // committed by the first process, in the second's epoch
	for i, s := range []*Store{first, second} {
		valid := func(epoch string, seq int64) bool {
			t.Helper()
			c, err := checkCursor(ctx, s.db, Cursor{Epoch: epoch, After: seq})
			if err != nil {
				t.Fatal(err)
			}
			if c.epoch != e2 {
				t.Errorf("process %d: current epoch %q, want the latest started, %q", i+1, c.epoch, e2)
			}
			return c.valid
		}
		if !valid(e1, end1) {
			t.Errorf("process %d: the first epoch's cursor at its end (%d) refused", i+1, end1)
		}
		if valid(e1, after) {
			t.Errorf("process %d: the first epoch's cursor at %d, past its end (%d), accepted", i+1, after, end1)
		}
		if !valid(e2, after) || valid(e2, after+1) || valid("0123456789abcdef", 1) {
			t.Errorf("process %d: cursor validity in the second epoch", i+1)
		}
	}
}
