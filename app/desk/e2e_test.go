package desk_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/conflict"
	"doorstep/app/desk/review"
	"doorstep/app/records"
	"doorstep/schema"
	"doorstep/server"
	"doorstep/server/store"
	"doorstep/sync/client"
	"doorstep/sync/replica"
)

// The supervisor desk across devices: real device replicas syncing
// through a real server (the HTTP handler on an httptest listener).

var ctx = context.Background()

// hub is a sync server with its users.
type hub struct {
	st  *store.Store
	url string
}

func newHub(t *testing.T) *hub {
	t.Helper()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "server.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.StartEpoch(ctx); err != nil {
		t.Fatal(err)
	}
	srv := server.New(st, server.Config{Rate: -1}, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); st.Close() })
	return &hub{st: st, url: ts.URL}
}

// device is an enrolled device: its replica and client.
type device struct {
	name   string
	rep    *replica.Replica
	client *client.Client
}

// enroll adds user u to the server and enrolls a new device for them.
func (h *hub) enroll(t *testing.T, name string, u store.User) *device {
	t.Helper()
	u, err := h.st.AddUser(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := replica.Open(ctx, filepath.Join(t.TempDir(), name+".db"), replica.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rep.Close() })
	if err := rep.SetUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	code, _, err := h.st.CreateEnrollCode(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c := client.New(h.url, "")
	if _, err := c.Enroll(ctx, code, name, rep.Site()); err != nil {
		t.Fatalf("enroll %s: %v", name, err)
	}
	return &device{name: name, rep: rep, client: c}
}

func (d *device) sync(t *testing.T) {
	t.Helper()
	if _, err := d.client.Sync(ctx, d.rep, client.SyncOptions{}); err != nil {
		t.Fatalf("%s: sync: %v", d.name, err)
	}
}

func (d *device) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := d.rep.DB().Exec(q, args...); err != nil {
		t.Fatalf("%s: %s: %v", d.name, q, err)
	}
}

// office is the desk on a supervisor's device.
func (d *device) office(me, street string) *desk.Office {
	return &desk.Office{DB: d.rep.DB(), Me: me, Street: street}
}

// district is a server with a district supervisor's device holding the
// reference data: street s1 with community c1, and staff rows for the
// users the tests add (ids fixed below).
type district struct {
	*hub
	office *device
}

const (
	streetID    = "0194f7c2-0000-7000-8000-000000000001"
	communityID = "0194f7c2-0000-7000-8000-000000000002"
	supID       = "0194f7c2-0000-7000-8000-0000000000a1"
	worker1ID   = "0194f7c2-0000-7000-8000-0000000000b1"
	worker2ID   = "0194f7c2-0000-7000-8000-0000000000b2"
	householdID = "0194f7c2-0000-7000-8000-0000000000c1"
	visitID     = "0194f7c2-0000-7000-8000-0000000000d1"
	resubmitID  = "0194f7c2-0000-7000-8000-0000000000d2"
)

func newDistrict(t *testing.T) *district {
	t.Helper()
	h := newHub(t)
	d := &district{hub: h, office: h.enroll(t, "district", store.User{Name: "区民政局", Role: schema.RoleSupervisor})}
	d.office.exec(t, `INSERT INTO streets(id, name) VALUES (?, '焦北街道')`, streetID)
	d.office.exec(t, `INSERT INTO communities(id, street_id, name, urban) VALUES (?, ?, '东社区', 1)`, communityID, streetID)
	d.office.exec(t, `INSERT INTO staff(id, name, role, street_id, community_id) VALUES
		(?, '周主任', 'supervisor', ?, NULL), (?, '王一', 'worker', ?, ?), (?, '李二', 'worker', ?, ?)`,
		supID, streetID, worker1ID, streetID, communityID, worker2ID, streetID, communityID)
	d.office.sync(t)
	return d
}

func (d *district) supervisor(t *testing.T) *device {
	return d.enroll(t, "supervisor", store.User{ID: supID, Name: "周主任", Role: schema.RoleSupervisor, Street: streetID})
}

func (d *district) worker(t *testing.T, name, id string) *device {
	return d.enroll(t, name, store.User{ID: id, Name: name, Role: schema.RoleWorker, Communities: []string{communityID}})
}

// TestReturnReachesWorker: a worker submits a visit; the street
// supervisor returns it with a field comment; after both sync, the
// worker's Today lists it with the comment; the correction supersedes it
// and both stay in the history the supervisor sees.
func TestReturnReachesWorker(t *testing.T) {
	d := newDistrict(t)
	sup := d.supervisor(t)
	w := d.worker(t, "王一", worker1ID)
	w.sync(t)
	w.exec(t, `INSERT INTO households(id, community_id, head_name, address, status, caseworker_id)
		VALUES (?, ?, '刘大', '解放路1号', 'applicant', ?)`, householdID, communityID, worker1ID)
	w.exec(t, `INSERT INTO means_visits(id, household_id, community_id, purpose, state, submitted_at, author_id, snapshot)
		VALUES (?, ?, ?, 'application', 'submitted', ?, ?, '{"household":{"address":"解放路1号"}}')`,
		visitID, householdID, communityID, time.Now().UTC().Add(-time.Hour).Format(time.RFC3339), worker1ID)
	w.sync(t)

	sup.sync(t)
	o := sup.office(supID, streetID)
	q, err := review.List(ctx, o, review.Filter{States: []review.State{review.Pending}})
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Items) != 1 || q.Items[0].ID != visitID || q.Items[0].Worker != "王一" {
		t.Fatalf("supervisor's queue after sync: %+v", q.Items)
	}
	if _, err := review.Return(ctx, o, review.MeansVisit, visitID, "请补充", map[string]string{"household.address": "门牌号不全"}); err != nil {
		t.Fatal(err)
	}
	sup.sync(t)

	w.sync(t)
	me := records.Identity{Role: schema.RoleWorker, UserID: worker1ID, Communities: []string{communityID}}
	items, err := records.New(w.rep.DB(), nil).Today(ctx, me)
	if err != nil {
		t.Fatal(err)
	}
	var got *records.TodayItem
	for i, it := range items {
		if it.Kind == records.TodayReturned && it.RecordID == visitID {
			got = &items[i]
		}
	}
	if got == nil || got.Comment != "请补充" || got.FieldComments["household.address"] != "门牌号不全" {
		t.Fatalf("worker's Today after sync: %+v", items)
	}

	// The correction: a new visit that supersedes the returned one.
	w.exec(t, `INSERT INTO means_visits(id, household_id, community_id, purpose, state, submitted_at, author_id, supersedes_id, snapshot)
		VALUES (?, ?, ?, 'application', 'submitted', ?, ?, ?, '{"household":{"address":"解放路1号3单元"}}')`,
		resubmitID, householdID, communityID, time.Now().UTC().Format(time.RFC3339), worker1ID, visitID)
	w.sync(t)
	sup.sync(t)
	rec, err := review.Open(ctx, o, review.MeansVisit, resubmitID)
	if err != nil {
		t.Fatal(err)
	}
	if rec.State != review.Pending || len(rec.Visit.History) != 2 || rec.Visit.History[0].ID != visitID ||
		rec.Visit.History[0].State != review.Superseded {
		t.Fatalf("resubmission on the supervisor's device: state %s, history %+v", rec.State, rec.Visit.History)
	}
	items, _ = records.New(w.rep.DB(), nil).Today(ctx, me)
	for _, it := range items {
		if it.Kind == records.TodayReturned {
			t.Fatalf("the corrected visit is still listed as returned: %+v", it)
		}
	}
}

// TestConflictResolvedEverywhere: two workers change the same address
// offline; the server records the conflict; the supervisor sees both
// values with who and when, restores one, and after everyone syncs the
// conflict is resolved and the value the same on every device.
func TestConflictResolvedEverywhere(t *testing.T) {
	d := newDistrict(t)
	sup := d.supervisor(t)
	w1 := d.worker(t, "王一", worker1ID)
	w2 := d.worker(t, "李二", worker2ID)
	w1.sync(t)
	w1.exec(t, `INSERT INTO households(id, community_id, head_name, address, status)
		VALUES (?, ?, '刘大', '解放路1号', 'active')`, householdID, communityID)
	w1.sync(t)
	w2.sync(t)

	// Both edit offline; w1 syncs first, so w2's later write wins.
	w1.exec(t, `UPDATE households SET address = '解放路1号东' WHERE id = ?`, householdID)
	time.Sleep(5 * time.Millisecond)
	w2.exec(t, `UPDATE households SET address = '解放路1号西' WHERE id = ?`, householdID)
	w1.sync(t)
	w2.sync(t)

	sup.sync(t)
	o := sup.office(supID, streetID)
	cs, err := conflict.List(ctx, o, desk.Area{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 {
		t.Fatalf("supervisor sees %d conflicts, want 1: %+v", len(cs), cs)
	}
	c := cs[0]
	if c.Label != "刘大" || c.Winner.Text != "解放路1号西" || c.Winner.User != "李二" ||
		c.Loser.Text != "解放路1号东" || c.Loser.User != "王一" || c.Winner.At.IsZero() || c.Loser.At.IsZero() {
		t.Fatalf("conflict as the supervisor sees it: %+v", c)
	}
	if err := conflict.Choose(ctx, o, c.ID, false); err != nil {
		t.Fatal(err)
	}
	sup.sync(t)
	for _, dev := range []*device{w1, w2, sup} {
		dev.sync(t)
	}
	for _, dev := range []*device{w1, w2, sup} {
		var addr string
		var open int
		if err := dev.rep.DB().QueryRow(`SELECT address FROM households WHERE id = ?`, householdID).Scan(&addr); err != nil {
			t.Fatal(err)
		}
		if err := dev.rep.DB().QueryRow(`SELECT count(*) FROM conflicts WHERE coalesce(resolved,0) = 0`).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if addr != "解放路1号东" || open != 0 {
			t.Fatalf("%s after resolving: address %q, %d open conflicts", dev.name, addr, open)
		}
	}
	var open int
	if err := d.st.DB().QueryRow(`SELECT count(*) FROM conflicts WHERE coalesce(resolved,0) = 0`).Scan(&open); err != nil {
		t.Fatal(err)
	}
	if open != 0 {
		t.Fatalf("server: %d open conflicts", open)
	}
}
