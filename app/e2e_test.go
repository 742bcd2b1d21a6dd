package app

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/google/uuid"

	model "doorstep/app/forms"
	"doorstep/app/kit"
	"doorstep/schema"
	"doorstep/schema/rules"
)

// The end-to-end check of issue 5: the real doorstep-server process (see
// realserver_test.go), and headless app instances that enroll with codes
// from its admin commands and exchange a means-test visit.

// idLi is a valid ID number of an adult born 1975 (male).
var idLi = rules.MakeID("410802", time.Date(1975, 5, 5, 0, 0, 0, 0, time.UTC), 31)

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
	if err := a.OpenForm(model.FormMeansVisit, ""); err != nil {
		t.Fatal(err)
	}
	test.Type(entryWithPlaceholder(t, a, "visit.address_placeholder"), "民主路18号")
	test.Tap(button(t, a, "visit.add_member"))
	test.Type(lastEntryWithPlaceholder(t, a, "member.name_placeholder"), "李四")
	test.Type(lastEntryWithPlaceholder(t, a, "member.id_placeholder"), idLi)
	test.Tap(button(t, a, "visit.add_income"))
	selectWith(t, a, "李四").SetSelected("李四")
	selectWith(t, a, kit.Code("income", "wages")).SetSelected(kit.Code("income", "wages"))
	test.Type(entryWithPlaceholder(t, a, "income.amount_placeholder"), "120")
	test.Tap(checkBox(t, a, "李娜")) // worker B, the second staff member
	for _, p := range all[*kit.SignaturePad](a) {
		sign(p)
	}
	test.Tap(button(t, a, "action.submit"))
	if len(a.shell.stack) != 0 {
		t.Fatalf("the visit was not submitted: %q", texts(a))
	}
	var visit, household string
	if err := a.store.DB().QueryRow(`SELECT id, household_id FROM means_visits WHERE state = 'submitted' AND deleted = 0`).
		Scan(&visit, &household); err != nil {
		t.Fatal(err)
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
	if err := b.store.DB().QueryRow(`SELECT count(*) FROM means_visits WHERE id = ?`, visit).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if before != 0 {
		t.Fatal("worker B has the visit before syncing")
	}
	syncNow(t, b)
	b.OpenHousehold(household)
	if len(b.shell.stack) != 1 || !onScreen(b, tr("household.visits")) {
		t.Fatalf("device B does not show the household: %q", texts(b))
	}
	h, err := b.store.Household(b.ctx(), b.me, household)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Visits) != 1 || h.Visits[0].ID != visit || !onScreen(b, "李四") || !onScreen(b, "民主路18号") {
		t.Fatalf("device B's household: visits %+v, Screen %q", h.Visits, texts(b))
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
	// The supervisor's office device, of the whole district, gets it too,
	// with the evidence verdict the server wrote after the push.
	srv.settle(t)
	syncNow(t, office)
	var n int
	if err := office.store.DB().QueryRow(`SELECT count(*) FROM means_visits WHERE id = ?`, visit).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 || office.Identity().Role != schema.RoleSupervisor {
		t.Errorf("the district supervisor's device holds %d copies of the visit", n)
	}
	// The submit signed the visit on A (issue 14); the server verified it
	// once it was stored, signatures included, and the verdict reached the
	// office.
	var entries int
	if err := a.store.DB().QueryRow(`SELECT count(*) FROM evidence_entries WHERE record_table = 'means_visits' AND record_id = ?`, visit).Scan(&entries); err != nil {
		t.Fatal(err)
	}
	var verdict, reasons string
	if err := office.store.DB().QueryRow(`SELECT status, reasons FROM evidence_verdicts WHERE record_table = 'means_visits' AND record_id = ?`, visit).
		Scan(&verdict, &reasons); err != nil {
		t.Fatalf("no evidence verdict of the visit on the office device: %v", err)
	}
	if entries != 1 || verdict != "verified" {
		t.Errorf("evidence of the visit: %d entries on A, verdict %q %s", entries, verdict, reasons)
	}
}
