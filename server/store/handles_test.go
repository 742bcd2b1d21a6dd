package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/xid"

	"doorstep/schema"
	"doorstep/schema/scope"
	"doorstep/sync/change"
	"doorstep/sync/client/api"
	"doorstep/sync/hlc"
)

// What holds between server processes sharing one database, with two
// store handles on it (two processes on PostgreSQL; on SQLite, which
// serves from one process, two handles on one file).

// openHandles opens n stores on one new database of the test's backend,
// all on clock.
func openHandles(t *testing.T, clock *testClock, n int) []*Store {
	t.Helper()
	db := testDB(t)
	var out []*Store
	for range n {
		s, err := Open(context.Background(), db, Options{Now: clock.Now, BlobDir: filepath.Join(t.TempDir(), "blobs")})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		out = append(out, s)
	}
	return out
}

// TestScopeAcrossHandles: a push is checked against the rights and rows
// committed by any process. A worker of another community may not edit a
// household through either process; once one process commits the
// household's move to that community, the other refuses its old
// community's worker and lets the new one's through.
func TestScopeAcrossHandles(t *testing.T) { eachBackend(t, testScopeAcrossHandles) }

func testScopeAcrossHandles(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{t: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}
	h := openHandles(t, clock, 2)
	users := map[string]*scope.User{
		"a":    {ID: "a", Role: schema.RoleWorker, Communities: map[string]bool{"c1": true}},
		"b":    {ID: "b", Role: schema.RoleWorker, Communities: map[string]bool{"c2": true}},
		"both": {ID: "both", Role: schema.RoleWorker, Communities: map[string]bool{"c1": true, "c2": true}},
	}
	devices := map[string]Device{}
	for name := range users {
		devices[name] = Device{ID: "dev-" + name, UserID: name, SiteID: uuid.NewString()}
	}
	row := uuid.NewString()
	push := func(proc int, who, col string, v any) error {
		d := devices[who]
		at := change.Clock{HLC: hlc.New(clock.Now().UnixMilli(), 0), Site: d.SiteID}
		clock.Advance(time.Millisecond)
		_, err := h[proc].Ingest(ctx, d, users[who], &change.Set{Batch: xid.New().String(), Site: d.SiteID, Schema: schema.Version,
			Changes: []change.Change{{Table: "households", ID: row, Column: col, Value: v, Clock: at, User: who}}})
		return err
	}
	if err := push(0, "a", "community_id", "c1"); err != nil {
		t.Fatal(err)
	}
	for proc := range 2 {
		if err := push(proc, "b", "head_name", fmt.Sprint("乙", proc)); api.ErrorCode(err) != api.CodeForbiddenScope {
			t.Errorf("process %d: another community's worker edits the household: %v, want %s", proc+1, err, api.CodeForbiddenScope)
		}
		if err := push(proc, "a", "head_name", fmt.Sprint("甲", proc)); err != nil {
			t.Errorf("process %d: the community's worker edits the household: %v", proc+1, err)
		}
	}
	// Moved to c2 through the first process.
	if err := push(0, "both", "community_id", "c2"); err != nil {
		t.Fatal(err)
	}
	if err := push(1, "a", "head_name", "甲2"); api.ErrorCode(err) != api.CodeForbiddenScope {
		t.Errorf("the second process after the move: the old community's worker: %v, want %s", err, api.CodeForbiddenScope)
	}
	if err := push(1, "b", "head_name", "乙2"); err != nil {
		t.Errorf("the second process after the move: the new community's worker: %v", err)
	}
	if v := countWhere(t, h[1], "households", "id = ? AND community_id = 'c2' AND head_name = '乙2'", row); v != 1 {
		t.Errorf("the household after the move and the new worker's edit: %d rows match, want 1", v)
	}
}

// TestEnrollOnceAcrossHandles: one enrollment code presented at two
// processes at once, by eight tablets, enrolls exactly one of them.
func TestEnrollOnceAcrossHandles(t *testing.T) { eachBackend(t, testEnrollOnceAcrossHandles) }

func testEnrollOnceAcrossHandles(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{t: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}
	h := openHandles(t, clock, 2)
	w := mustAddUser(t, h[0], User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c1"}})
	code, _, err := h[1].CreateEnrollCode(ctx, w.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	const tablets = 8
	errs := make([]error, tablets)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range tablets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = h[i%2].Enroll(ctx, code, fmt.Sprint("平板 ", i), uuid.NewString(), 0)
		}()
	}
	close(start)
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case api.ErrorCode(err) != api.CodeUnauthorized:
			t.Errorf("tablet %d: %v, want enrolled or %s", i, err, api.CodeUnauthorized)
		}
	}
	if ok != 1 {
		t.Errorf("%d tablets enrolled with one code, want 1", ok)
	}
	if n := countWhere(t, h[0], "devices", "user_id = ?", w.ID); n != 1 {
		t.Errorf("%d devices stored for the code's user, want 1", n)
	}
}
