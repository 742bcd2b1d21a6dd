package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/rs/xid"

	"doorstep/schema"
	"doorstep/schema/scope"
	"doorstep/sync/change"
	"doorstep/sync/client/api"
	"doorstep/sync/hlc"
)

// TestIngestAckInSameTransaction: a push's changes, its blob references and
// its acknowledgement are committed together. When recording the
// acknowledgement fails (as a crash before it would), nothing of the push
// is stored, so the replay is applied afresh; once stored, a replay gets
// the very acknowledgement first sent, even after later pushes.
func TestIngestAckInSameTransaction(t *testing.T) { eachBackend(t, testIngestAckInSameTransaction) }

func testIngestAckInSameTransaction(t *testing.T) {
	s, clock := mustOpen(t)
	ctx := context.Background()
	site := uuid.NewString()
	dev := Device{ID: "dev", UserID: "cw", SiteID: site}
	cw := &scope.User{ID: "cw", Role: schema.RoleWorker, Communities: map[string]bool{"c1": true}}
	newSet := func(visit string) *change.Set {
		at := change.Clock{HLC: hlc.New(clock.Now().UnixMilli(), 0), Site: site}
		clock.Advance(1)
		return &change.Set{Batch: xid.New().String(), Site: site, Changes: []change.Change{
			{Table: "means_visits", ID: visit, Column: "community_id", Value: "c1", Clock: at, User: "cw"},
			{Table: "means_visits", ID: visit, Column: "photos", Value: `["` + strings.Repeat("ab", 32) + `"]`, Clock: at, User: "cw"},
		}}
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := s.db.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	visit := uuid.NewString()
	set := newSet(visit)
	restore := failInserts(t, s, "push_batches")
	if _, err := s.Ingest(ctx, dev, cw, set); err == nil {
		t.Fatal("Ingest succeeded without recording its acknowledgement")
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM means_visits`:      0,
		`SELECT count(*) FROM sync_batches`:      0,
		`SELECT count(*) FROM blob_pending_refs`: 0,
		`SELECT count(*) FROM push_batches`:      0,
	} {
		if got := count(q); got != want {
			t.Errorf("after a failed acknowledgement, %s = %d, want %d", q, got, want)
		}
	}
	restore()
	first, err := s.Ingest(ctx, dev, cw, set)
	if err != nil || first.Replayed {
		t.Fatalf("push after recovery: %+v, %v", first, err)
	}
	max, err := s.MaxSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if first.Ack.Seq != max || first.Ack.Changes != 2 {
		t.Errorf("ack %+v, max sequence %d", first.Ack, max)
	}
	var raw string
	if err := s.db.QueryRow(`SELECT ack FROM push_batches WHERE batch_id = ?`, set.Batch).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	var stored api.PushAck
	if err := json.Unmarshal([]byte(raw), &stored); err != nil || stored != first.Ack {
		t.Errorf("stored ack %s, sent %+v (%v)", raw, first.Ack, err)
	}
	if count(`SELECT count(*) FROM blob_pending_refs WHERE row_id = ?`, visit) != 1 {
		t.Error("blob reference not recorded with the push")
	}
	if _, err := s.Ingest(ctx, dev, cw, newSet(uuid.NewString())); err != nil {
		t.Fatal(err)
	}
	again, err := s.Ingest(ctx, dev, cw, set)
	if err != nil || !again.Replayed || again.Ack != first.Ack {
		t.Errorf("replay: %+v, %v; want the first acknowledgement %+v", again, err, first.Ack)
	}
}

// TestStoreSynchronousFull: the server's database commits with
// synchronous=FULL, so an acknowledged push survives an OS crash.
func TestStoreSynchronousFull(t *testing.T) {
	s, _ := mustOpen(t)
	conn, err := s.db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var mode int
	if err := conn.QueryRowContext(context.Background(), `PRAGMA synchronous`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != 2 {
		t.Errorf("synchronous = %d, want 2 (FULL)", mode)
	}
}

// TestPullGoneRows: a row whose scope columns change is listed as gone to
// users who could see its old scope but not its new one (with the rows
// about it), only when their cursor predates the move; not to a fresh
// device, not to users who never could see it, and not to those who still
// can.
func TestPullGoneRows(t *testing.T) { eachBackend(t, testPullGoneRows) }

func testPullGoneRows(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	f := newHiddenCheck(t, s)
	announced := uuid.NewString()
	err := s.Write(ctx, "", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO spot_checks(id, household_id, community_id, caseworker_id, unannounced) VALUES (?, ?, 'c1', 'cw', 0)`, announced, f.house)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	cw := &scope.User{ID: "cw", Role: schema.RoleWorker, Communities: map[string]bool{"c1": true}}
	colleague := &scope.User{ID: "w2", Role: schema.RoleWorker, Communities: map[string]bool{"c1": true}}
	other := &scope.User{ID: "w3", Role: schema.RoleWorker, Communities: map[string]bool{"c2": true}}
	cursors := map[*scope.User]string{}
	for _, u := range []*scope.User{cw, colleague, other} {
		cursors[u] = pullAll(t, s, u, "", nil)
	}
	// The household moves to c2 and the announced check turns unannounced.
	err = s.Write(ctx, "", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE households SET community_id = 'c2' WHERE id = ?`, f.house); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE spot_checks SET unannounced = 1 WHERE id = ?`, announced)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	gone := map[string]bool{}
	pullAll(t, s, cw, cursors[cw], gone)
	for _, want := range []string{"households/" + f.house, "spot_checks/" + announced, "conflicts/" + f.houseConflict} {
		if !gone[want] {
			t.Errorf("caseworker: %s not listed as gone (got %v)", want, gone)
		}
	}
	gone = map[string]bool{}
	pullAll(t, s, colleague, cursors[colleague], gone)
	if !gone["households/"+f.house] || gone["spot_checks/"+announced] {
		t.Errorf("colleague (still sees the check): gone %v", gone)
	}
	for _, u := range []*scope.User{other, cw} {
		cursor := cursors[u]
		if u == cw {
			cursor = "" // a fresh device of the caseworker
		}
		gone = map[string]bool{}
		pullAll(t, s, u, cursor, gone)
		if len(gone) > 0 {
			t.Errorf("user %s from cursor %q: gone %v, want none", u.ID, cursor, gone)
		}
	}
	// Once the caseworker's device is past the move, it is not told again.
	c := pullAll(t, s, cw, cursors[cw], nil)
	gone = map[string]bool{}
	pullAll(t, s, cw, c, gone)
	if len(gone) > 0 {
		t.Errorf("second pull after the move: gone %v", gone)
	}
}

// pullAll pulls every page for u after cursor, collects gone rows into
// gone (when not nil) and returns the final cursor.
func pullAll(t *testing.T, s *Store, u *scope.User, cursor string, gone map[string]bool) string {
	t.Helper()
	for {
		p, err := s.Pull(context.Background(), u, cursor, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range p.Gone {
			if gone != nil {
				gone[g.Table+"/"+g.ID] = true
			}
		}
		cursor = p.Cursor.String()
		if !p.More {
			return cursor
		}
	}
}
