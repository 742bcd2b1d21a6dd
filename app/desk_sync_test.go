package app

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// The supervisor desk across devices, through the real sync server
// process (see realserver_test.go): the apps enroll, write, sync and show
// what the others did.

// syncNow runs one sync round of x and fails the test unless it succeeded.
func syncNow(t *testing.T, x *App) {
	t.Helper()
	x.sync.runOnce(context.Background())
	if st := x.sync.current(); st.State != syncOK {
		t.Fatalf("%s: sync %q (%s)", x.Identity().UserName, st.State, st.Message)
	}
}

// deskSyncSetup starts the real server process on a database holding
// street s1, community c1 and household h1 (head 张三), adds a street
// supervisor of s1 and two workers of c1 with its admin command (which
// gives each user a staff row), and enrolls and syncs their devices.
func deskSyncSetup(t *testing.T) (srv *realServer, sup, w1, w2 *App) {
	t.Helper()
	srv = newRealServer(t)
	srv.exec(t,
		`INSERT INTO streets(id, name) VALUES ('`+idS1+`', '解放街道')`,
		`INSERT INTO communities(id, street_id, name) VALUES ('`+idC1+`', '`+idS1+`', '民主社区')`,
		`INSERT INTO households(id, community_id, ref_code, address, head_name, status, class, recheck_due)
			VALUES ('`+idH1+`', '`+idC1+`', 'JF-1', '民主路1号', '张三', 'active', 'B', '2025-07-10')`,
		`INSERT INTO members(id, household_id, community_id, name, counted) VALUES ('`+idM1+`', '`+idH1+`', '`+idC1+`', '张三', 1)`,
	)
	supID := srv.addUser(t, "周主任", "supervisor", "--street="+idS1)
	w1ID := srv.addUser(t, "王芳", "worker", "--communities="+idC1)
	w2ID := srv.addUser(t, "李娜", "worker", "--communities="+idC1)
	srv.serve(t)
	// The apps run on the wall clock, as the server process does: a
	// device whose clock ran far ahead of the server's would be refused,
	// one far behind it would refuse the server's changes.
	now := &clock{t: time.Now()}
	sup, w1, w2 = newTestApp(t, "", now), newTestApp(t, "", now), newTestApp(t, "", now)
	enroll(t, sup, srv.url, srv.enrollCode(t, supID))
	enroll(t, w1, srv.url, srv.enrollCode(t, w1ID))
	enroll(t, w2, srv.url, srv.enrollCode(t, w2ID))
	for _, x := range []*App{sup, w1, w2} {
		syncNow(t, x)
	}
	return srv, sup, w1, w2
}

// TestDeskReturnSeenOnWorkerDevice: a worker submits a visit; the street
// supervisor returns it on the review screen with a comment on a field;
// after both sync, the worker's Today screen shows it with the comment.
func TestDeskReturnSeenOnWorkerDevice(t *testing.T) {
	_, sup, w1, _ := deskSyncSetup(t)
	visit := newRecordID()
	if _, err := w1.store.DB().Exec(`INSERT INTO means_visits(id, household_id, community_id, purpose, method,
		state, submitted_at, author_id, snapshot) VALUES (?, ?, ?, 'recheck', 'home', 'submitted', '2025-07-01T00:30:00Z', ?,
		'{"household":{"id":"`+idH1+`","address":"民主路1号"},"members":[]}')`,
		visit, idH1, idC1, w1.Identity().UserID); err != nil {
		t.Fatal(err)
	}
	syncNow(t, w1)
	syncNow(t, sup)

	if err := sup.OpenReview("means_visits", visit); err != nil {
		t.Fatal(err)
	}
	e := entryBeside(t, sup, tr("desk.field.method"), "desk.review.field_comment")
	test.Type(e, "应为入户调查并有两人签字")
	test.Tap(button(t, sup, "desk.review.return"))
	syncNow(t, sup)

	syncNow(t, w1)
	w1.Show("today")
	want := lang.L("today.returned_comment", map[string]any{"Comment": ""})
	if !onScreen(w1, want) || !onScreen(w1, "张三") {
		t.Fatalf("the worker's Today does not show the returned visit: %q", texts(w1))
	}
	items, err := w1.store.Today(w1.ctx(), w1.Identity())
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.RecordID == visit && it.FieldComments["method"] == "应为入户调查并有两人签字" {
			return
		}
	}
	t.Fatalf("the field comment did not reach the worker: %+v", items)
}

// TestDeskConflictClearsEverywhere: two workers change one address
// offline; the conflict shows on the supervisor's conflicts screen with
// both values and who; keeping one clears it on every device.
func TestDeskConflictClearsEverywhere(t *testing.T) {
	srv, sup, w1, w2 := deskSyncSetup(t)
	if _, err := w1.store.DB().Exec(`UPDATE households SET address = '民主路1号东' WHERE id = ?`, idH1); err != nil {
		t.Fatal(err)
	}
	if _, err := w2.store.DB().Exec(`UPDATE households SET address = '民主路1号西' WHERE id = ?`, idH1); err != nil {
		t.Fatal(err)
	}
	syncNow(t, w1)
	syncNow(t, w2)
	syncNow(t, sup)

	keepButtons := func() []*widget.Button {
		var keep []*widget.Button
		for _, b := range all[*widget.Button](sup) {
			if b.Text == lang.L("desk.conflict.keep") {
				keep = append(keep, b)
			}
		}
		return keep
	}
	if !sup.Show("conflicts") {
		t.Fatal("the supervisor has no conflicts screen")
	}
	keep := keepButtons()
	if len(keep) != 2 || !onScreen(sup, "民主路1号东") || !onScreen(sup, "民主路1号西") ||
		!onScreen(sup, "王芳") || !onScreen(sup, "李娜") {
		t.Fatalf("conflicts screen: %d values to keep; texts %q", len(keep), texts(sup))
	}
	// The second value shown is the overwritten one, the conflict's loser.
	var loser string
	if err := sup.store.DB().QueryRow(`SELECT loser_value FROM conflicts WHERE coalesce(resolved,0) = 0`).Scan(&loser); err != nil {
		t.Fatal(err)
	}
	var kept string
	if err := json.Unmarshal([]byte(loser), &kept); err != nil {
		t.Fatal(err)
	}
	test.Tap(keep[1])
	if n := len(keepButtons()); n != 0 {
		t.Fatalf("still listed after resolving: %d values to keep", n)
	}
	syncNow(t, sup)
	for _, x := range []*App{w1, w2, sup} {
		syncNow(t, x)
		var addr string
		var open int
		if err := x.store.DB().QueryRow(`SELECT address FROM households WHERE id = ?`, idH1).Scan(&addr); err != nil {
			t.Fatal(err)
		}
		if err := x.store.DB().QueryRow(`SELECT count(*) FROM conflicts WHERE coalesce(resolved,0) = 0`).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if addr != kept || open != 0 {
			t.Fatalf("%s: address %q (want %q), %d open conflicts", x.Identity().UserName, addr, kept, open)
		}
	}
	if open := srv.count(t, `SELECT count(*) FROM conflicts WHERE coalesce(resolved,0) = 0`); open != 0 {
		t.Fatalf("server: %d open conflicts", open)
	}
}
