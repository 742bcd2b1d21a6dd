package store

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/xid"

	"doorstep/schema"
	"doorstep/server/internal/pgtest"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
)

// pullAll pulls everything after cursor for user (page by page) and
// returns the changes and the last cursor.
func pullEverything(t *testing.T, s *Store, userID, cursor string) ([]change.Change, string, bool) {
	t.Helper()
	ctx := context.Background()
	u, err := s.Access(ctx, userID)
	if err != nil {
		t.Fatal(err)
	}
	var out []change.Change
	reset := false
	for {
		p, err := s.Pull(ctx, u, cursor, 100)
		if err != nil {
			t.Fatal(err)
		}
		reset = reset || p.Reset
		out = append(out, p.Changes...)
		cursor = p.Cursor.String()
		if !p.More {
			return out, cursor, reset
		}
	}
}

// TestMigrateToPostgres: a SQLite store copied to PostgreSQL serves the
// same history under the same sequence numbers and epochs: a device's
// cursor from before goes on without a reset and receives exactly what the
// old server would have sent; its token works; a replayed batch gets its
// acknowledgement; conflicts and the server's site come along. Running the
// copy again changes nothing; once a server has written to the target, the
// copy refuses.
func TestMigrateToPostgres(t *testing.T) {
	dsn := pgtest.FreshSchema(t)
	ctx := context.Background()
	clock := &testClock{t: time.Now().UTC().Add(-time.Hour)}
	dir := t.TempDir()
	src, err := Open(ctx, filepath.Join(dir, "district.db"), Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := src.StartEpoch(ctx); err != nil {
		t.Fatal(err)
	}
	w := mustAddUser(t, src, User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c1"}})
	code, _, err := src.CreateEnrollCode(ctx, w.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	enr, err := src.Enroll(ctx, code, "平板", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	dev := enr.Device
	access, err := src.Access(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	other := Device{ID: "other", UserID: w.ID, SiteID: uuid.NewString()}
	push := func(s *Store, d Device, id string, v int64, base change.Clock) *change.Set {
		t.Helper()
		at := change.Clock{HLC: hlc.New(clock.Now().UnixMilli(), 0), Site: d.SiteID}
		clock.Advance(time.Millisecond)
		set := &change.Set{Batch: xid.New().String(), Site: d.SiteID, Changes: []change.Change{
			{Table: "households", ID: id, Column: "community_id", Value: "c1", Clock: at, User: w.ID, Base: base},
			{Table: "households", ID: id, Column: "benefit_fen", Value: v, Clock: at, User: w.ID, Base: base},
		}}
		if _, err := s.Ingest(ctx, d, access, set); err != nil {
			t.Fatal(err)
		}
		return set
	}
	shared := uuid.NewString()
	first := push(src, dev, shared, 1, change.Clock{})
	for i := 0; i < 5; i++ {
		push(src, dev, uuid.NewString(), int64(i), change.Clock{})
	}
	// The device's cursor, then more history after it: a concurrent edit
	// (a conflict) and new rows.
	_, cursor, _ := pullEverything(t, src, w.ID, "")
	push(src, dev, shared, 2, first.Changes[0].Clock)
	push(src, other, shared, 3, first.Changes[0].Clock)
	last := push(src, dev, uuid.NewString(), 9, change.Clock{})

	wantAll, wantCursor, _ := pullEverything(t, src, w.ID, "")
	wantAfter, _, _ := pullEverything(t, src, w.ID, cursor)
	var conflicts int
	if err := src.db.QueryRow(`SELECT count(*) FROM conflicts`).Scan(&conflicts); err != nil {
		t.Fatal(err)
	}
	if conflicts != 1 {
		t.Fatalf("%d conflicts in the source, want 1", conflicts)
	}

	dst, err := Open(ctx, dsn, Options{Now: clock.Now, BlobDir: filepath.Join(dir, "district.db-blobs")})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	check := func(run int) MigrateStats {
		t.Helper()
		st, err := MigrateToPostgres(ctx, src, dst)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		if dst.Site() != src.Site() {
			t.Errorf("run %d: site %s, want the source's %s", run, dst.Site(), src.Site())
		}
		for _, s := range []*Store{src, dst} {
			if n, err := s.MaxSeq(ctx); err != nil || n != st.MaxSeq {
				t.Errorf("run %d: MaxSeq %d, %v; copied up to %d", run, n, err, st.MaxSeq)
			}
		}
		all, allCursor, _ := pullEverything(t, dst, w.ID, "")
		if !reflect.DeepEqual(all, wantAll) || allCursor != wantCursor {
			t.Errorf("run %d: a fresh pull differs:\n got %v %s\nwant %v %s", run, all, allCursor, wantAll, wantCursor)
		}
		after, _, reset := pullEverything(t, dst, w.ID, cursor)
		if reset || !reflect.DeepEqual(after, wantAfter) {
			t.Errorf("run %d: the device's cursor: reset %v, got %v, want %v", run, reset, after, wantAfter)
		}
		var n int
		if err := dst.db.QueryRow(`SELECT count(*) FROM conflicts`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != conflicts {
			t.Errorf("run %d: %d conflicts, want %d", run, n, conflicts)
		}
		if _, err := dst.Authenticate(ctx, enr.Token); err != nil {
			t.Errorf("run %d: the device's token: %v", run, err)
		}
		return st
	}
	st1 := check(1)
	if st1.Tables["devices"] != 1 || st1.Tables["push_batches"] != 9 || st1.Tables["server_epochs"] != 1 || st1.Tables["users"] != 1 {
		t.Errorf("copied tables: %v", st1.Tables)
	}
	st2 := check(2)
	if fmt.Sprint(st1) != fmt.Sprint(st2) {
		t.Errorf("a second run copied %v, the first %v", st2, st1)
	}

	// A replay of a batch the old server acknowledged: the same answer.
	was, err := src.Ingest(ctx, dev, access, last)
	if err != nil {
		t.Fatal(err)
	}
	again, err := dst.Ingest(ctx, dev, access, last)
	if err != nil || !again.Replayed || again.Ack != was.Ack {
		t.Errorf("replay on the new server: %+v, %v; want %+v", again, err, was.Ack)
	}

	// The new server serves and writes; copying again would roll it back.
	if _, err := dst.StartEpoch(ctx); err != nil {
		t.Fatal(err)
	}
	push(dst, dev, uuid.NewString(), 10, change.Clock{})
	if _, err := MigrateToPostgres(ctx, src, dst); err == nil {
		t.Error("a copy over a target that moved on was not refused")
	}
	after, _, reset := pullEverything(t, dst, w.ID, cursor)
	if reset || len(after) != len(wantAfter)+2 {
		t.Errorf("after a write on the new server, the old cursor: reset %v, %d changes, want %d", reset, len(after), len(wantAfter)+2)
	}
}

// TestBackup: an online copy of a SQLite store opens as a store with the
// same rows, sequence and epochs; the copy never overwrites a file; a
// PostgreSQL store says to use pg_dump.
func TestBackup(t *testing.T) { eachBackend(t, testBackup) }

func testBackup(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "copy.db")
	if s.Postgres() {
		if err := s.Backup(ctx, path); err != ErrBackupPostgres {
			t.Fatalf("Backup on PostgreSQL: %v", err)
		}
		return
	}
	epoch, err := s.StartEpoch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	insertRows(t, s, 4)
	if err := s.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	insertRows(t, s, 2) // after the copy
	if err := s.Backup(ctx, path); err == nil {
		t.Error("Backup overwrote an existing file")
	}
	c, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if n, err := c.MaxSeq(ctx); err != nil || n != 4 {
		t.Errorf("copy: MaxSeq %d, %v; want 4", n, err)
	}
	if e, err := c.Epoch(ctx); err != nil || e != epoch {
		t.Errorf("copy: epoch %s, %v; want %s", e, err, epoch)
	}
	if c.Site() != s.Site() {
		t.Errorf("copy: site %s, want %s", c.Site(), s.Site())
	}
}
