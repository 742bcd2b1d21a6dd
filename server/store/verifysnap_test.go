package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/evidence"
	"doorstep/sync/replica"
)

// signedVisit is a means visit a device submitted and signed, pushed to
// a store.
type signedVisit struct {
	house, member, visit string
	device               Device
	rows                 []change.RowRef // the rows the push wrote
}

// evidenceTablet is a device replica enrolled in s as a worker of c1,
// with its evidence key registered.
type evidenceTablet struct {
	s      *Store
	rep    *replica.Replica
	key    evidence.Key
	user   User
	device Device
	now    func() time.Time
}

func newEvidenceTablet(t *testing.T, s *Store, clock *testClock) *evidenceTablet {
	t.Helper()
	ctx := context.Background()
	rep, err := replica.Open(ctx, filepath.Join(t.TempDir(), "tablet.db"), replica.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rep.Close() })
	w := mustAddUser(t, s, User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c1"}})
	if err := rep.SetUser(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	key, err := evidence.DeviceKey(ctx, rep.DB(), nil, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	code, _, err := s.CreateEnrollCode(ctx, w.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.Enroll(ctx, code, "平板", rep.Site(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RegisterDeviceKey(ctx, e.Device.ID, evidence.EncodePublicKey(key.Public())); err != nil {
		t.Fatal(err)
	}
	return &evidenceTablet{s: s, rep: rep, key: key, user: w, device: e.Device, now: clock.Now}
}

// submit writes a household with a member and a submitted visit, signs
// the visit as the app's submit does, and pushes it to the store.
func (d *evidenceTablet) submit(t *testing.T) signedVisit {
	t.Helper()
	ctx := context.Background()
	v := signedVisit{house: uuid.NewString(), member: uuid.NewString(), visit: uuid.NewString(), device: d.device}
	now := d.now().UTC()
	err := d.rep.Write(ctx, d.user.ID, func(tx *sql.Tx) error {
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO households (id, community_id, head_name, address, caseworker_id) VALUES (?, 'c1', '王建国', '幸福路12号', ?)`,
				[]any{v.house, d.user.ID}},
			{`INSERT INTO members (id, household_id, community_id, name, relationship, counted) VALUES (?, ?, 'c1', '王建国', 'self', 1)`,
				[]any{v.member, v.house}},
			{`INSERT INTO means_visits (id, household_id, community_id, purpose, method, started_at, state, submitted_at, author_id)
				VALUES (?, ?, 'c1', 'application', 'home', ?, 'submitted', ?, ?)`,
				[]any{v.visit, v.house, now.Add(-30 * time.Minute).Format(time.RFC3339), now.Format(time.RFC3339), d.user.ID}},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		s := evidence.Signer{Key: d.key, Site: d.rep.Site(), User: d.user.ID, NewID: uuid.NewString, Now: d.now}
		_, err := s.Append(ctx, tx, evidence.Submit{Table: "means_visits", ID: v.visit, OpenedAt: now.Add(-30 * time.Minute),
			Sections: []evidence.Section{{Name: "household", Seconds: 600}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	set, err := d.rep.Outbox(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	u, err := d.s.Access(ctx, d.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.s.Ingest(ctx, d.device, u, set); err != nil {
		t.Fatal(err)
	}
	if err := d.rep.Ack(ctx, set.Batch); err != nil {
		t.Fatal(err)
	}
	seen := map[change.RowRef]bool{}
	for _, c := range set.Changes {
		r := change.RowRef{Table: c.Table, ID: c.ID}
		if !seen[r] {
			seen[r] = true
			v.rows = append(v.rows, r)
		}
	}
	return v
}

// storedVerdict reads the status and reasons stored for a visit.
func storedVerdict(t *testing.T, s *Store, visit string) (string, string) {
	t.Helper()
	var status, reasons string
	err := s.db.QueryRow(`SELECT status, reasons FROM evidence_verdicts WHERE record_table = 'means_visits' AND record_id = ?`, visit).Scan(&status, &reasons)
	if err != nil {
		t.Fatalf("verdict of %s: %v", visit, err)
	}
	return status, reasons
}

func hasCode(v evidence.Verdict, code evidence.Code) bool {
	for _, r := range v.Reasons {
		if r.Code == code {
			return true
		}
	}
	return false
}

// TestVerifySnapshotRace: a push's verdict is computed from a snapshot
// without the write lock; a change to what it rests on, committed between
// that snapshot and the lock (the test hook runs it there), must not slip
// through: the verdict stored and answered is the one the state under the
// lock gives — an edit of a signed field, a row added to the household, a
// row moved out of it, the device's key revoked — and with no change the
// snapshot's verdict is written as it is, nothing verified again.
func TestVerifySnapshotRace(t *testing.T) { eachBackend(t, testVerifySnapshotRace) }

func testVerifySnapshotRace(t *testing.T) {
	ctx := context.Background()
	write := func(t *testing.T, s *Store, q string, args ...any) {
		t.Helper()
		if err := s.Write(ctx, "", func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, q, args...)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		// change runs between the snapshot and the lock.
		change func(t *testing.T, s *Store, v signedVisit)
		status evidence.Status
		code   evidence.Code
	}{
		{"no change", func(*testing.T, *Store, signedVisit) {}, evidence.Verified, ""},
		{"signed field edited", func(t *testing.T, s *Store, v signedVisit) {
			write(t, s, `UPDATE households SET head_name = '李四' WHERE id = ?`, v.house)
		}, evidence.Flagged, evidence.CodeChanged},
		{"row added", func(t *testing.T, s *Store, v signedVisit) {
			write(t, s, `INSERT INTO members (id, household_id, community_id, name, relationship, counted) VALUES (?, ?, 'c1', '王小明', 'child', 1)`,
				uuid.NewString(), v.house)
		}, evidence.Flagged, evidence.CodeChanged},
		{"row moved out", func(t *testing.T, s *Store, v signedVisit) {
			write(t, s, `UPDATE members SET household_id = ? WHERE id = ?`, uuid.NewString(), v.member)
		}, evidence.Flagged, evidence.CodeChanged},
		{"key revoked", func(t *testing.T, s *Store, v signedVisit) {
			// Revoked an hour before the entry was signed: not a synced row.
			if _, err := s.db.Exec(`UPDATE devices SET revoked_at = ? WHERE id = ?`,
				formatTime(s.now().Add(-time.Hour)), v.device.ID); err != nil {
				t.Fatal(err)
			}
		}, evidence.Flagged, evidence.CodeKeyRevoked},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, clock := mustOpen(t)
			tablet := newEvidenceTablet(t, s, clock)
			v := tablet.submit(t)
			ran := 0
			s.verifies.afterSnapshot = func() {
				ran++
				if ran == 1 {
					tc.change(t, s, v)
				}
			}
			vs, err := s.VerifyRows(ctx, v.rows)
			if err != nil {
				t.Fatal(err)
			}
			if ran == 0 {
				t.Fatal("the hook did not run")
			}
			if len(vs) != 1 || vs[0].Record.ID != v.visit {
				t.Fatalf("verdicts %+v, want the visit's", vs)
			}
			if vs[0].Status != tc.status || (tc.code != "" && !hasCode(vs[0], tc.code)) {
				t.Errorf("verdict %s %+v, want %s with %s", vs[0].Status, vs[0].Reasons, tc.status, tc.code)
			}
			if status, reasons := storedVerdict(t, s, v.visit); status != string(tc.status) {
				t.Errorf("stored verdict %s %s, want %s", status, reasons, tc.status)
			}
			// The change made the first snapshot stale; a later one stood.
			want := VerifyStats{Retried: 1}
			if tc.code == "" {
				want = VerifyStats{FirstSnapshot: 1}
			}
			if got := s.VerifyStats(); got != want {
				t.Errorf("verifications %+v, want %+v", got, want)
			}
		})
	}
}

// TestVerifySnapshotGroup: in one group, a verification whose snapshot
// went stale (on its last try) is verified again under the lock, alone;
// the others' verdicts are written from their snapshots.
func TestVerifySnapshotGroup(t *testing.T) { eachBackend(t, testVerifySnapshotGroup) }

func testVerifySnapshotGroup(t *testing.T) {
	ctx := context.Background()
	s, clock := mustOpen(t)
	// Two devices: a device's entries are each other's chain neighbours,
	// read by each other's verification.
	a, b := newEvidenceTablet(t, s, clock).submit(t), newEvidenceTablet(t, s, clock).submit(t)
	snapOf := func(v signedVisit) *verifyReq {
		refs, snap, err := s.snapshotVerify(ctx, func(q evidence.Querier) ([]evidence.RecordRef, error) {
			return evidence.RecordsTouched(ctx, q, v.rows)
		})
		if err != nil || snap == nil {
			t.Fatalf("snapshot: %v %v", snap, err)
		}
		if snap.deps.unknown {
			t.Fatal("the snapshot ran a query it cannot re-check")
		}
		return &verifyReq{refs: refs, snap: snap, done: make(chan struct{})}
	}
	ra, rb := snapOf(a), snapOf(b)
	ra.last = true
	if err := s.Write(ctx, "", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE means_visits SET purpose = 'recheck' WHERE id = ?`, a.visit)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	s.verifyGroup(ctx, []*verifyReq{ra, rb})
	for _, c := range []struct {
		r      *verifyReq
		v      signedVisit
		status evidence.Status
	}{{ra, a, evidence.Flagged}, {rb, b, evidence.Verified}} {
		<-c.r.done
		if c.r.err != nil || len(c.r.out) != 1 || c.r.out[0].Record.ID != c.v.visit || c.r.out[0].Status != c.status {
			t.Errorf("verification of %s: %+v %v, want %s", c.v.visit, c.r.out, c.r.err, c.status)
		}
		if status, _ := storedVerdict(t, s, c.v.visit); status != string(c.status) {
			t.Errorf("stored verdict of %s: %s, want %s", c.v.visit, status, c.status)
		}
	}
	if !ra.locked || rb.locked || ra.stale || rb.stale {
		t.Errorf("verified under the lock: %v, %v; want a only", ra.locked, rb.locked)
	}
}

// TestNeedingEvidence: of the records a push touched, those submitted (not
// deleted) or named by an evidence entry need a verdict; drafts do not.
func TestNeedingEvidence(t *testing.T) { eachBackend(t, testNeedingEvidence) }

func testNeedingEvidence(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO means_visits (id, household_id, community_id, state, deleted) VALUES ('v-sub', 'h1', 'c1', 'submitted', 0)`,
		`INSERT INTO means_visits (id, household_id, community_id, state, deleted) VALUES ('v-draft', 'h1', 'c1', 'draft', 0)`,
		`INSERT INTO means_visits (id, household_id, community_id, state, deleted) VALUES ('v-gone', 'h1', 'c1', 'submitted', 1)`,
		`INSERT INTO means_visits (id, household_id, community_id, state, deleted) VALUES ('v-signed-draft', 'h1', 'c1', 'draft', 0)`,
		`INSERT INTO evidence_entries (id, record_table, record_id, community_id) VALUES ('e1', 'means_visits', 'v-signed-draft', 'c1')`,
		`INSERT INTO evidence_entries (id, record_table, record_id, community_id) VALUES ('e2', 'spot_checks', 'v-draft', 'c1')`,
	} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	refs := []evidence.RecordRef{{Table: "means_visits", ID: "v-draft"}, {Table: "means_visits", ID: "v-signed-draft"},
		{Table: "means_visits", ID: "v-sub"}, {Table: "means_visits", ID: "v-gone"}, {Table: "means_visits", ID: "v-none"},
		{Table: "spot_checks", ID: "v-draft"}, {Table: "means_visits", ID: "v-sub"}}
	got, err := needingEvidence(ctx, s.db, refs)
	if err != nil {
		t.Fatal(err)
	}
	want := []evidence.RecordRef{{Table: "means_visits", ID: "v-signed-draft"}, {Table: "means_visits", ID: "v-sub"},
		{Table: "spot_checks", ID: "v-draft"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("needing evidence: %v, want %v", got, want)
	}
}
