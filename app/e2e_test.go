package app

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/google/uuid"

	"doorstep/schema"
)

// The end-to-end check of issue 5: the real doorstep-server process (see
// realserver_test.go), and headless app instances that enroll with codes
// from its admin commands and exchange a means-test visit.

// TestRealServerTwoDevicesExchangeAVisit: the real server process; a
// district supervisor's device sets up a street and a community; worker A
// fills a means-test visit of a new household through the form, worker B
// of the same community sees the household and the visit after both sync.
func TestRealServerTwoDevicesExchangeAVisit(t *testing.T) {
	srv := newRealServer(t)
	srv.serve(t)

	street, community := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
	ids := map[string]string{}
	for _, u := range []struct{ key, name, role, scope string }{
		{"office", "区民政局 刘", "supervisor", ""},
		{"a", "王芳", "worker", "--communities=" + community},
		{"b", "李娜", "worker", "--communities=" + community},
	} {
		ids[u.key] = uuid.Must(uuid.NewV7()).String()
		args := []string{"user", "add", "--id", ids[u.key], "--name", u.name, "--role", u.role}
		if u.scope != "" {
			args = append(args, u.scope)
		}
		srv.admin(t, args...)
	}

	// The apps run on the wall clock, as the server does: a device whose
	// clock ran far ahead of the server's would be refused.
	now := &clock{t: time.Now()}
	office, a, b := newTestApp(t, "", now), newTestApp(t, "", now), newTestApp(t, "", now)
	enroll(t, office, srv.url, srv.enrollCode(t, ids["office"]))
	enroll(t, a, srv.url, srv.enrollCode(t, ids["a"]))
	enroll(t, b, srv.url, srv.enrollCode(t, ids["b"]))
	for key, x := range map[string]*App{"office": office, "a": a, "b": b} {
		if x.Identity().UserID != ids[key] {
			t.Fatalf("%s enrolled as %+v", key, x.Identity())
		}
	}
	if _, err := office.store.DB().Exec(`INSERT INTO streets(id, name) VALUES (?, '解放街道')`, street); err != nil {
		t.Fatal(err)
	}
	if _, err := office.store.DB().Exec(`INSERT INTO communities(id, street_id, name) VALUES (?, ?, '民主社区')`, community, street); err != nil {
		t.Fatal(err)
	}
	syncNow(t, office)
	syncNow(t, a)
	syncNow(t, b)

	// Worker A fills and submits the visit on screen.
	s := openVisit(t, a)
	test.Type(entryWithPlaceholder(t, a, "visit.address_placeholder"), "民主路18号")
	addMember(t, a, s, "李四", idLi)
	test.Tap(button(t, a, "visit.add_income"))
	r := s.incomeRows[s.v.Incomes[0].ID]
	r.member.SetSelectedIndex(0)
	r.kind.SetSelected(Code("income", "wages"))
	test.Type(r.amount, "120")
	var other string
	for _, st := range s.staff {
		if st.ID == ids["b"] {
			other = st.Name
		}
	}
	if other == "" {
		t.Fatalf("worker B is not among the staff to pick: %+v", s.staff)
	}
	test.Tap(checkBox(t, a, other))
	for _, p := range all[*signaturePad](a) {
		sign(p)
	}
	visit, household := s.v.ID, s.v.Household.ID
	test.Tap(button(t, a, "action.submit"))
	if _, still := a.shell.visible().(*visitScreen); still {
		t.Fatalf("the visit was not submitted: %q", texts(a))
	}
	if n, _ := a.dev.pending(context.Background()); n == 0 {
		t.Fatal("the submitted visit is not waiting to be pushed")
	}
	syncNow(t, a)
	if n, _ := a.dev.pending(context.Background()); n != 0 {
		t.Fatalf("%d changes still waiting on A after a sync", n)
	}

	// Worker B has not synced since: nothing yet. After a sync the
	// household's history shows the visit.
	var before int
	b.store.DB().QueryRow(`SELECT count(*) FROM means_visits WHERE id = ?`, visit).Scan(&before)
	if before != 0 {
		t.Fatal("worker B has the visit before syncing")
	}
	syncNow(t, b)
	b.OpenHousehold(household)
	h, ok := b.shell.visible().(*householdScreen)
	if !ok {
		t.Fatalf("device B shows %T, not the household", b.shell.visible())
	}
	if len(h.h.Visits) != 1 || h.h.Visits[0].ID != visit || !onScreen(b, "李四") || !onScreen(b, "民主路18号") {
		t.Fatalf("device B's household: visits %+v, Screen %q", h.h.Visits, texts(b))
	}
	var perCapita, benefit int64
	var state string
	if err := b.store.DB().QueryRow(`SELECT per_capita_fen, benefit_fen, state FROM means_visits WHERE id = ?`, visit).
		Scan(&perCapita, &benefit, &state); err != nil {
		t.Fatal(err)
	}
	if perCapita != 12000 || benefit != 8000 || state != "submitted" {
		t.Errorf("the visit on B: per capita %d fen, benefit %d fen, state %s", perCapita, benefit, state)
	}
	// The supervisor's office device, of the whole district, gets it too.
	syncNow(t, office)
	var n int
	office.store.DB().QueryRow(`SELECT count(*) FROM means_visits WHERE id = ?`, visit).Scan(&n)
	if n != 1 || office.Identity().Role != schema.RoleSupervisor {
		t.Errorf("the district supervisor's device holds %d copies of the visit", n)
	}
}
