package app

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/records"
	"doorstep/schema/rules"
)

// TestRevealedIDIsAnAuditEventOnTheServer: the household screen shows a
// member's ID number masked (first six, last four); only a tap on "show"
// reveals it, and that reveal — who, which member, when — reaches the
// real server process as an audit event after the worker's device syncs.
func TestRevealedIDIsAnAuditEventOnTheServer(t *testing.T) {
	srv, sup, w1, _ := deskSyncSetup(t)
	idNo := rules.MakeID("410802", testNow.AddDate(-40, 0, 0), 17)
	if _, err := w1.store.DB().Exec(`UPDATE members SET id_number = ? WHERE id = ?`, idNo, idM1); err != nil {
		t.Fatal(err)
	}
	w1.OpenHousehold(idH1)
	masked := records.MaskID(idNo)
	if masked[:6] != idNo[:6] || masked[len(masked)-4:] != idNo[len(idNo)-4:] || masked == idNo {
		t.Fatalf("mask %q of %q", masked, idNo)
	}
	if !onScreen(w1, masked) || onScreen(w1, idNo) {
		t.Fatalf("the ID number is not masked on screen: %q", texts(w1))
	}
	audits := func() int {
		return srv.count(t, `SELECT count(*) FROM audit_events WHERE subject_table = 'members' AND subject_id = '`+
			idM1+`' AND user_id = '`+w1.Identity().UserID+`' AND action = '`+records.AuditRevealID+`'`)
	}
	syncNow(t, w1)
	if n := audits(); n != 0 {
		t.Fatalf("%d audit events before any reveal", n)
	}

	test.Tap(find(t, w1, func(b *widget.Button) bool { return b.Text == tr("id.reveal") }))
	if !onScreen(w1, idNo) {
		t.Fatalf("the tap did not reveal the number: %q", texts(w1))
	}
	syncNow(t, w1)
	if n := audits(); n != 1 {
		t.Fatalf("%d reveal audit events on the server, want 1", n)
	}
	// The office sees it after its own sync.
	syncNow(t, sup)
	var n int
	if err := sup.store.DB().QueryRow(`SELECT count(*) FROM audit_events WHERE subject_id = ?`, idM1).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("the supervisor's device holds %d audit events of the member, want 1", n)
	}
}
