package store

import (
	"context"
	"fmt"
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

// groupFixture pushes as several devices of workers of c1.
type groupFixture struct {
	s     *Store
	clock *testClock
	cw    *scope.User
}

func (f *groupFixture) device(n int) Device {
	return Device{ID: fmt.Sprint("dev", n), UserID: "cw", SiteID: uuid.NewSHA1(uuid.NameSpaceOID, []byte(fmt.Sprint(n))).String()}
}

// household is a push of one new household of community by device d.
func (f *groupFixture) household(d Device, id, community string, ahead time.Duration) *change.Set {
	at := change.Clock{HLC: hlc.New(f.clock.Now().Add(ahead).UnixMilli(), 0), Site: d.SiteID}
	f.clock.Advance(time.Millisecond)
	return &change.Set{Batch: xid.New().String(), Site: d.SiteID, Changes: []change.Change{
		{Table: "households", ID: id, Column: "community_id", Value: community, Clock: at, User: "cw"},
		{Table: "households", ID: id, Column: "head_name", Value: "户主" + id[:4], Clock: at, User: "cw"},
	}}
}

// submitTogether queues the pushes while a merge is (as if) running, so
// they all wait, then lets the queue run: they arrive together.
func (f *groupFixture) submitTogether(t *testing.T, devs []Device, sets []*change.Set) ([]IngestResult, []error) {
	t.Helper()
	c := &f.s.commits
	c.mu.Lock()
	if c.leading {
		c.mu.Unlock()
		t.Fatal("a merge is running")
	}
	c.leading = true
	c.mu.Unlock()
	res := make([]IngestResult, len(sets))
	errs := make([]error, len(sets))
	done := make(chan int, len(sets))
	for i := range sets {
		go func(i int) {
			res[i], errs[i] = f.s.Ingest(context.Background(), devs[i], f.cw, sets[i])
			done <- i
		}(i)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		c.mu.Lock()
		n := len(c.queue)
		c.mu.Unlock()
		if n == len(sets) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d pushes queued", n, len(sets))
		}
		time.Sleep(time.Millisecond)
	}
	c.lead(context.Background(), f.s)
	for range sets {
		<-done
	}
	return res, errs
}

// TestGroupCommit: pushes arriving together are merged in one transaction,
// each acknowledged with its own batch and conflicts; a push refused by
// its checks fails alone; a push whose merge fails (a clock too far ahead)
// fails alone too, the others of its group merged without it.
func TestGroupCommit(t *testing.T) { eachBackend(t, testGroupCommit) }

func testGroupCommit(t *testing.T) {
	s, clock := mustOpen(t)
	ctx := context.Background()
	f := &groupFixture{s: s, clock: clock,
		cw: &scope.User{ID: "cw", Role: schema.RoleWorker, Communities: map[string]bool{"c1": true}}}

	// A shared household, edited twice by device 0; device 9 then edits
	// it based on the first edit: a concurrent edit, one conflict.
	shared := uuid.NewString()
	d0, d9 := f.device(0), f.device(9)
	if _, err := s.Ingest(ctx, d0, f.cw, f.household(d0, shared, "c1", 0)); err != nil {
		t.Fatal(err)
	}
	edit := func(d Device, v int64, base change.Clock) *change.Set {
		at := change.Clock{HLC: hlc.New(clock.Now().UnixMilli(), 0), Site: d.SiteID}
		clock.Advance(time.Millisecond)
		return &change.Set{Batch: xid.New().String(), Site: d.SiteID, Changes: []change.Change{
			{Table: "households", ID: shared, Column: "benefit_fen", Value: v, Clock: at, User: "cw", Base: base}}}
	}
	first := edit(d0, 100, change.Clock{})
	if _, err := s.Ingest(ctx, d0, f.cw, first); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Ingest(ctx, d0, f.cw, edit(d0, 200, first.Changes[0].Clock)); err != nil {
		t.Fatal(err)
	}

	// Round 1: six new households, one household in a community the user
	// may not write, and the concurrent edit.
	var devs []Device
	var sets []*change.Set
	for i := 1; i <= 6; i++ {
		devs = append(devs, f.device(i))
		sets = append(sets, f.household(f.device(i), uuid.NewString(), "c1", 0))
	}
	devs = append(devs, f.device(7), d9)
	sets = append(sets, f.household(f.device(7), uuid.NewString(), "c2", 0), edit(d9, 300, first.Changes[0].Clock))
	res, errs := f.submitTogether(t, devs, sets)
	for i := range 6 {
		if errs[i] != nil || res[i].Ack.BatchID != sets[i].Batch || res[i].Ack.Changes != 2 || res[i].Ack.Conflicts != 0 || res[i].Replayed {
			t.Errorf("push %d: %+v, %v", i, res[i], errs[i])
		}
	}
	wantCode(t, errs[6], api.CodeForbiddenScope)
	if errs[7] != nil || res[7].Ack.Conflicts != 1 {
		t.Errorf("concurrent edit: %+v, %v; want one conflict", res[7], errs[7])
	}
	groups, pushed := s.GroupStats()
	if groups != 1 || pushed != 7 {
		t.Errorf("GroupStats = %d groups, %d pushes; want 1 group of 7", groups, pushed)
	}
	top, err := s.MaxSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		if res[i].Ack.Seq != top {
			t.Errorf("push %d acknowledged at %d, the group committed up to %d", i, res[i].Ack.Seq, top)
		}
		// A replay is answered with the acknowledgement sent.
		again, err := s.Ingest(ctx, devs[i], f.cw, sets[i])
		if err != nil || !again.Replayed || again.Ack != res[i].Ack {
			t.Errorf("replay of push %d: %+v, %v; want %+v", i, again, err, res[i].Ack)
		}
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM households WHERE community_id = 'c1'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 7 {
		t.Errorf("%d households in c1, want 7", n)
	}
	if err := s.db.QueryRow(`SELECT count(*) FROM conflicts WHERE row_id = ?`, shared).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d conflict records on the shared household, want 1", n)
	}

	// Round 2: one push's clock is an hour ahead. The group's merge fails,
	// and each push is merged alone: only that one is refused.
	devs, sets = nil, nil
	for i := 1; i <= 4; i++ {
		devs = append(devs, f.device(i))
		ahead := time.Duration(0)
		if i == 3 {
			ahead = time.Hour
		}
		sets = append(sets, f.household(f.device(i), uuid.NewString(), "c1", ahead))
	}
	res, errs = f.submitTogether(t, devs, sets)
	for i := range sets {
		if i == 2 {
			wantCode(t, errs[i], api.CodeClockAhead)
			continue
		}
		if errs[i] != nil || res[i].Ack.BatchID != sets[i].Batch {
			t.Errorf("round 2 push %d: %+v, %v", i, res[i], errs[i])
		}
	}
	if err := s.db.QueryRow(`SELECT count(*) FROM households WHERE community_id = 'c1'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 10 {
		t.Errorf("%d households in c1 after round 2, want 10", n)
	}
}

// TestGroupTake: a group holds pushes with disjoint rows, in arrival
// order; a push touching a row of an earlier one waits for the next group;
// a push writing rows about other rows goes alone.
func TestGroupTake(t *testing.T) {
	push := func(changes ...change.Change) *pushReq {
		return newPushReq(Device{}, nil, &change.Set{Changes: changes})
	}
	row := func(table, id string) change.Change { return change.Change{Table: table, ID: id, Column: "x"} }
	a := push(row("households", "1"))
	b := push(row("households", "2"), row("members", "1"))
	c := push(row("households", "1")) // overlaps a
	d := push(row("households", "3"))
	e := push(row("review_events", "9")) // about another row: alone
	f := push(row("households", "4"))
	var q committer
	q.queue = []*pushReq{a, b, c, d, e, f}
	for i, want := range [][]*pushReq{{a, b, d}, {c}, {e}, {f}} {
		got := q.take()
		if len(got) != len(want) {
			t.Fatalf("group %d: %d pushes, want %d", i, len(got), len(want))
		}
		for j := range got {
			if got[j] != want[j] {
				t.Errorf("group %d push %d differs", i, j)
			}
		}
	}
	if len(q.queue) != 0 {
		t.Errorf("%d pushes left", len(q.queue))
	}
}

// TestGroupAnswersAfterCommit: when the transaction holding a group's
// merge cannot commit its acknowledgements (a disk gone, here an insert
// that fails), no push of the group is acknowledged and none of their
// rows is stored; once the fault is gone, the same pushes are merged.
func TestGroupAnswersAfterCommit(t *testing.T) { eachBackend(t, testGroupAnswersAfterCommit) }

func testGroupAnswersAfterCommit(t *testing.T) {
	s, clock := mustOpen(t)
	f := &groupFixture{s: s, clock: clock,
		cw: &scope.User{ID: "cw", Role: schema.RoleWorker, Communities: map[string]bool{"c1": true}}}
	var devs []Device
	var sets []*change.Set
	for i := range 4 {
		devs = append(devs, f.device(i))
		sets = append(sets, f.household(f.device(i), uuid.NewString(), "c1", 0))
	}
	restore := failInserts(t, s, "push_batches")
	res, errs := f.submitTogether(t, devs, sets)
	for i := range sets {
		if errs[i] == nil || res[i].Ack != (api.PushAck{}) {
			t.Errorf("push %d acknowledged though its transaction failed: %+v, %v", i, res[i], errs[i])
		}
		if n := countWhere(t, s, "households", "id = ?", sets[i].Changes[0].ID); n != 0 {
			t.Errorf("push %d: household stored though unacknowledged", i)
		}
	}
	restore()
	res, errs = f.submitTogether(t, devs, sets)
	for i := range sets {
		if errs[i] != nil || res[i].Replayed || res[i].Ack.BatchID != sets[i].Batch {
			t.Errorf("push %d again: %+v, %v; want it merged", i, res[i], errs[i])
		}
	}
	if groups, _ := s.GroupStats(); groups != 1 {
		t.Errorf("%d groups merged, want 1 (the second round)", groups)
	}
}
