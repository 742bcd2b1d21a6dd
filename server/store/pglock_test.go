package store

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/xid"

	"doorstep/schema"
	"doorstep/schema/scope"
	"doorstep/server/internal/pgtest"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
	"doorstep/sync/replica"
)

// A PostgreSQL merge reads the rows it merges before it takes the write
// lock, and checks under the lock that none has changed since
// (pgmerge.go). These tests commit a write in between.

// pgLockStore opens a PostgreSQL store holding one household, head_name
// "甲" written by site A at t0, and returns it with its engine and edit:
// a push (a batch of its own) from site B, later than t0, setting one
// column of the household based on t0.
func pgLockStore(t *testing.T) (s *Store, e *pgEngine, h string, edit func(col string, v any) *change.Set) {
	t.Helper()
	clock := &testClock{t: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}
	s, err := Open(context.Background(), pgtest.FreshSchema(t), Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	e, ok := s.eng.(*pgEngine)
	if !ok {
		t.Fatalf("engine %T, want PostgreSQL's", s.eng)
	}
	h = uuid.NewString()
	t0 := change.Clock{HLC: hlc.New(clock.Now().Add(-time.Hour).UnixMilli(), 0), Site: uuid.NewString()}
	first := &change.Set{Site: t0.Site, Schema: schema.Version, Changes: []change.Change{
		{Table: "households", ID: h, Column: "community_id", Value: "c1", Clock: t0, User: "a"},
		{Table: "households", ID: h, Column: "head_name", Value: "甲", Clock: t0, User: "a"},
	}}
	if _, err := e.apply(context.Background(), first, nil); err != nil {
		t.Fatal(err)
	}
	b := change.Clock{HLC: t0.HLC + 1000, Site: uuid.NewString()}
	edit = func(col string, v any) *change.Set {
		return &change.Set{Site: b.Site, Schema: schema.Version, Batch: xid.New().String(), Changes: []change.Change{
			{Table: "households", ID: h, Column: col, Value: v, Clock: b, Base: t0, User: "b"}}}
	}
	return s, e, h, edit
}

// TestPGMergeRereadsRowsChangedBeforeLock: an administrator's edit of a
// row commits after a push's merge read the row and before it took the
// lock. The merge sees it: the push's older edit of the same column loses
// to it and is recorded as a conflict, instead of overwriting it as the
// row it read would have let it.
func TestPGMergeRereadsRowsChangedBeforeLock(t *testing.T) {
	s, e, h, edit := pgLockStore(t)
	ctx := context.Background()
	push := edit("head_name", "乙")
	e.beforeLock = func() {
		e.beforeLock = nil
		if err := e.write(ctx, "admin", func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE households SET head_name = '丙' WHERE id = ?`, h)
			return err
		}); err != nil {
			t.Errorf("the administrator's edit: %v", err)
		}
	}
	res, err := e.apply(ctx, push, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 0 || res.Ignored != 1 || res.Conflicts != 1 {
		t.Errorf("merge result %+v, want the change ignored and one conflict", res)
	}
	row, ok, err := e.rowState(ctx, "households", h)
	if err != nil || !ok {
		t.Fatalf("row state: %v, %v", ok, err)
	}
	for _, c := range row.Changes {
		if c.Column == "head_name" && (c.Value != "丙" || c.User != "admin") {
			t.Errorf("head_name %v by %q, want the administrator's 丙", c.Value, c.User)
		}
	}
	var n int
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM conflicts WHERE row_id = ? AND loser_value = '"乙"'`, h).Scan(&n); err != nil || n != 1 {
		t.Errorf("conflict records with the push's value losing: %d, %v; want 1", n, err)
	}
}

// TestPGMergeSeesBatchMergedBeforeLock: the same batch, pushed again to
// another process, is merged there after this merge looked for it and
// before it took the lock. This merge reports it a duplicate and writes
// nothing, rather than failing on the batch's record.
func TestPGMergeSeesBatchMergedBeforeLock(t *testing.T) {
	_, e, _, edit := pgLockStore(t)
	ctx := context.Background()
	push := edit("address", "一号")
	e.beforeLock = func() {
		e.beforeLock = nil
		if res, err := e.apply(ctx, push, nil); err != nil || res.Applied != 1 {
			t.Errorf("the other merge of the batch: %+v, %v", res, err)
		}
	}
	ran := false
	res, err := e.apply(ctx, push, func(*sql.Tx, replica.Result) error { ran = true; return nil })
	if err != nil {
		t.Fatalf("merging a batch merged meanwhile: %v", err)
	}
	if !res.Duplicate || res.Applied != 0 || ran {
		t.Errorf("merge result %+v (in-transaction step ran: %v), want a duplicate, nothing applied", res, ran)
	}
}

// TestPGPlainWriteHoldsMergesBack: a write by plain SQL (psql, an import)
// takes the same write lock as the store's merges (the capture trigger,
// pgschema.go), so a push to another process waits for it to commit and
// gets the next sequence number after it: a pull can never be served the
// push's change while the plain write's lower number is still to commit.
// It fails if the trigger's lock and pgWriteLock part.
func TestPGPlainWriteHoldsMergesBack(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{t: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}
	dsn := pgtest.FreshSchema(t)
	open := func() *Store {
		s, err := Open(ctx, dsn, Options{Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	s1, s2 := open(), open()
	cw := &scope.User{ID: "cw", Role: schema.RoleWorker, Communities: map[string]bool{"c1": true}}
	d := Device{ID: "dev1", UserID: "cw", SiteID: uuid.NewString()}
	household := func(id string) *change.Set {
		at := change.Clock{HLC: hlc.New(clock.Now().UnixMilli(), 0), Site: d.SiteID}
		clock.Advance(time.Millisecond)
		return &change.Set{Batch: xid.New().String(), Site: d.SiteID, Schema: schema.Version, Changes: []change.Change{
			{Table: "households", ID: id, Column: "community_id", Value: "c1", Clock: at, User: "cw"}}}
	}
	h, h2 := uuid.NewString(), uuid.NewString()
	if _, err := s1.Ingest(ctx, d, cw, household(h)); err != nil {
		t.Fatal(err)
	}
	top, err := s1.MaxSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}

	tx, err := s1.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // committed below unless the test fails first
	if _, err := tx.ExecContext(ctx, `UPDATE households SET head_name = '乙' WHERE id = ?`, h); err != nil {
		t.Fatal(err)
	}

	push := household(h2)
	type result struct {
		res IngestResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := s2.Ingest(ctx, d, cw, push)
		done <- result{res, err}
	}()

	// The push's merge waits for the lock the plain write holds (an
	// advisory lock's key shows in pg_locks as two halves).
	lock := pgWriteLock
	for deadline := time.Now().Add(10 * time.Second); ; {
		var waiting int
		if err := s1.db.QueryRow(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = ? AND objid::bigint = ? AND objsubid = 1 AND NOT granted`,
			lock>>32, lock&0xffffffff).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting > 0 {
			break
		}
		select {
		case r := <-done:
			t.Fatalf("the push merged while a plain write held the write lock: %+v, %v", r.res, r.err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the push's merge never waited for the write lock")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got, err := s2.MaxSeq(ctx); err != nil || got != top {
		t.Errorf("while the plain write is open, the highest sequence number is %d (%v), want %d", got, err, top)
	}

	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatalf("the push after the plain write: %v", r.err)
	}
	seqOf := func(id string) int64 {
		var seq int64
		if err := s1.db.QueryRow(`SELECT seq FROM sync_rows WHERE id = ?`, id).Scan(&seq); err != nil {
			t.Fatal(err)
		}
		return seq
	}
	if plain, pushed := seqOf(h), seqOf(h2); !(top < plain && plain < pushed) {
		t.Errorf("sequence numbers: before %d, plain write %d, push %d; want them in commit order", top, plain, pushed)
	}
}
