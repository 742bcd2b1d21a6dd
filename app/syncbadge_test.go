package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"
)

// TestSyncBadgeCountsChangesAgainstRealServer: the real server process; a
// district supervisor's device, enrolled and synced, is up to date; two
// rows it writes show as two changes waiting in the top bar at once; a
// sync sends them and the badge goes back to none waiting, with the time
// of the sync; tapping the badge opens the Sync screen. With the server
// gone the badge says offline, in the warning colour, still counting.
func TestSyncBadgeCountsChangesAgainstRealServer(t *testing.T) {
	srv := newRealServer(t)
	srv.serve(t)
	office := srv.addUser(t, "区民政局 刘", "supervisor")
	now := &clock{t: time.Now()}
	x := newTestApp(t, "", now)
	enroll(t, x, srv.url, srv.enrollCode(t, office))
	syncNow(t, x)
	b := x.shell.badge
	if b.pending != 0 || !strings.Contains(b.btn.Text, tr("sync.badge.up_to_date")) ||
		b.btn.Importance != widget.SuccessImportance {
		t.Fatalf("after the first sync the badge says %q (%d waiting, importance %v)", b.btn.Text, b.pending, b.btn.Importance)
	}
	street, community := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
	if _, err := x.store.DB().Exec(`INSERT INTO streets(id, name) VALUES (?, '解放街道')`, street); err != nil {
		t.Fatal(err)
	}
	if _, err := x.store.DB().Exec(`INSERT INTO communities(id, street_id, name) VALUES (?, ?, '民主社区')`, community, street); err != nil {
		t.Fatal(err)
	}
	x.dataChanged() // as a saved form or a desk decision reports it
	waiting := tr2("sync.badge.waiting", "Count", 2)
	if b.pending != 2 || !strings.Contains(b.btn.Text, waiting) {
		t.Fatalf("with two rows written the badge says %q, want %q", b.btn.Text, waiting)
	}
	now.add(time.Minute)
	syncNow(t, x)
	if n := srv.count(t, `SELECT count(*) FROM communities WHERE id = '`+community+`'`); n != 1 {
		t.Fatalf("the server has %d copies of the community", n)
	}
	last := tr2("sync.badge.last", "Time", now.t.Local().Format("15:04"))
	if b.pending != 0 || strings.Contains(b.btn.Text, waiting) || !strings.Contains(b.btn.Text, last) {
		t.Errorf("after the sync the badge says %q, want none waiting and %q", b.btn.Text, last)
	}
	test.Tap(b.btn)
	if x.shell.current != "nav.sync" {
		t.Errorf("tapping the badge shows %s", x.shell.current)
	}

	if _, err := x.store.DB().Exec(`UPDATE communities SET name = '民主社区（新）' WHERE id = ?`, community); err != nil {
		t.Fatal(err)
	}
	x.dataChanged()
	me := x.me
	me.ServerURL = "http://127.0.0.1:1" // nothing listens there
	if err := x.store.SaveIdentity(x.ctx(), me); err != nil {
		t.Fatal(err)
	}
	x.sync.runOnce(x.ctx())
	if !strings.Contains(b.btn.Text, tr("sync.status.offline")) || b.btn.Importance != widget.WarningImportance ||
		!strings.Contains(b.btn.Text, tr2("sync.badge.waiting", "Count", 1)) {
		t.Errorf("offline, the badge says %q (importance %v)", b.btn.Text, b.btn.Importance)
	}
}
