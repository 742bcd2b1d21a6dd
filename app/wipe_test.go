package app

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"doorstep/app/kit"
	"doorstep/app/records"
	"doorstep/schema"
)

// localRecords counts the device's household, member, income and elder
// rows, deleted or not.
func localRecords(t *testing.T, x *App) int {
	t.Helper()
	n := 0
	for _, table := range []string{"households", "members", "incomes", "elders"} {
		var c int
		if err := x.store.DB().QueryRow(`SELECT count(*) FROM ` + table).Scan(&c); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		n += c
	}
	return n
}

// attachmentFiles lists the files under the device's attachment folder.
func attachmentFiles(t *testing.T, x *App) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(filepath.Join(x.opts.DataDir, records.BlobFolder), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return out
}

// writeLocalHousehold writes a household with a member and an income, an
// elder, and an attachment file, as field work leaves them on a device.
func writeLocalHousehold(t *testing.T, x *App, community string) {
	t.Helper()
	h, m, i, e := uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String(), uuid.Must(uuid.NewV7()).String()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO households(id, community_id, head_name, address) VALUES (?, ?, '王建国', '幸福路12号')`, []any{h, community}},
		{`INSERT INTO members(id, household_id, community_id, name, id_number, counted) VALUES (?, ?, ?, '王建国', '410802197505050031', 1)`, []any{m, h, community}},
		{`INSERT INTO incomes(id, household_id, member_id, community_id, kind, monthly_fen) VALUES (?, ?, ?, ?, 'pension', 120000)`, []any{i, h, m, community}},
		{`INSERT INTO elders(id, community_id, name, phone) VALUES (?, ?, '孙奶奶', '13800000001')`, []any{e, community}},
	} {
		if _, err := x.store.DB().Exec(q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	dir := filepath.Join(x.opts.DataDir, records.BlobFolder)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, strings.Repeat("ab", 32)), []byte("signature strokes"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRevokedDeviceWipesItself: the real server process; a worker's
// tablet enrolls and syncs, holds households, members, incomes, elders and
// an attachment (some not pushed yet), and is revoked by the administrator.
// On its next sync it says why, removes everything and is back at first
// run on an empty database.
func TestRevokedDeviceWipesItself(t *testing.T) {
	srv := newRealServer(t)
	srv.serve(t)
	community := uuid.Must(uuid.NewV7()).String()
	worker := srv.addUser(t, "王芳", "worker", "--communities="+community)
	x := newTestApp(t, "", &clock{t: time.Now()})
	enroll(t, x, srv.url, srv.enrollCode(t, worker))
	writeLocalHousehold(t, x, community)
	syncNow(t, x)
	writeLocalHousehold(t, x, community) // waiting to be pushed
	oldSite := x.dev.Site()
	if localRecords(t, x) != 8 || len(attachmentFiles(t, x)) != 1 {
		t.Fatalf("before the revocation: %d rows, %d attachments", localRecords(t, x), len(attachmentFiles(t, x)))
	}
	srv.admin(t, "device", "revoke", x.Identity().DeviceID)

	x.sync.runOnce(context.Background())
	if n := localRecords(t, x); n != 0 {
		t.Errorf("after the wipe the device holds %d household, member, income or elder rows", n)
	}
	if files := attachmentFiles(t, x); len(files) != 0 {
		t.Errorf("after the wipe attachments remain: %v", files)
	}
	if x.dev.Site() == oldSite {
		t.Error("the device kept its database (same site) instead of starting a new one")
	}
	if me := x.Identity(); me.Role != "" || me.Token != "" {
		t.Errorf("identity after the wipe: %+v", me)
	}
	if x.shell != nil || !onScreen(x, tr("firstrun.enroll")) {
		t.Errorf("not back at first run: %q", texts(x))
	}
	if !onScreen(x, tr("wipe.revoked")) {
		t.Errorf("the device does not say why it wiped itself: %q", texts(x))
	}
	// Restarted on the same folder, it is a new device at first run.
	dir := x.opts.DataDir
	x.Close()
	y := newTestApp(t, dir, nil)
	if y.Identity().Role != "" || localRecords(t, y) != 0 {
		t.Errorf("after a restart: identity %+v, %d rows", y.Identity(), localRecords(t, y))
	}
}

// TestWrongPINWipe: with the wipe set to 4 wrong PINs, the lock screen
// warns from the first wrong PIN (3 tries left), naming the changes waiting
// to be pushed, and the fourth wipes the device back to first run.
func TestWrongPINWipe(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	if err := x.store.SetSetting(context.Background(), records.SettingPINWipeAfter, "4"); err != nil {
		t.Fatal(err)
	}
	writeLocalHousehold(t, x, x.Identity().Communities[0])
	pending, err := x.store.PendingChanges(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var households int
	for _, p := range pending {
		if p.Table == "households" {
			households = p.Rows
		}
	}
	if households == 0 {
		t.Fatalf("no households pending: %+v", pending)
	}
	wantPending := lang.L("wipe.pending_table", map[string]any{"Table": tr("desk.table.households"), "Rows": households})
	x.lock()
	pin := find(t, x, func(e *kit.NumericEntry) bool { return e.Password })
	for try := 1; try <= 3; try++ {
		test.Type(pin, "1111")
		test.Tap(button(t, x, "lock.unlock"))
		if !x.Locked() {
			t.Fatalf("wrong PIN %d unlocked", try)
		}
		warn := find(t, x, func(l *widget.Label) bool { return strings.Contains(l.Text, wantPending) })
		if !strings.Contains(warn.Text, fmt.Sprint(4-try)) || !strings.Contains(warn.Text, tr("lock.wrong_pin")) {
			t.Errorf("wrong PIN %d: warning %q", try, warn.Text)
		}
	}
	if localRecords(t, x) == 0 {
		t.Fatal("wiped before the fourth wrong PIN")
	}
	test.Type(pin, "1111")
	test.Tap(button(t, x, "lock.unlock"))
	if n := localRecords(t, x); n != 0 {
		t.Errorf("after the fourth wrong PIN the device holds %d rows", n)
	}
	if files := attachmentFiles(t, x); len(files) != 0 {
		t.Errorf("after the PIN wipe attachments remain: %v", files)
	}
	if x.Locked() || x.Identity().Role != "" || !onScreen(x, tr("firstrun.enroll")) || !onScreen(x, tr("wipe.pin")) {
		t.Errorf("after the PIN wipe: locked %v, identity %+v, %q", x.Locked(), x.Identity(), texts(x))
	}
}

// TestPINWipeSetting: Settings shows the default count and stores the
// one chosen.
func TestPINWipeSetting(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	x.Show("settings")
	sel := find(t, x, func(s *widget.Select) bool { return slices.Contains(s.Options, tr("settings.pin_wipe_never")) })
	if sel.Selected != fmt.Sprint(records.DefaultPINWipeAfter) {
		t.Errorf("shown %q, want the default %d", sel.Selected, records.DefaultPINWipeAfter)
	}
	sel.SetSelected(tr("settings.pin_wipe_never"))
	if w, err := x.store.PINWipeState(context.Background()); err != nil || w.Limit != 0 {
		t.Errorf("after choosing never: %+v %v", w, err)
	}
	sel.SetSelected("5")
	if w, err := x.store.PINWipeState(context.Background()); err != nil || w.Limit != 5 {
		t.Errorf("after choosing 5: %+v %v", w, err)
	}
}
