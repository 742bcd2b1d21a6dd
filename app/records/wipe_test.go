package records

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"doorstep/sync/replica"
)

// TestWipe: after a wipe the data folder holds no database and no
// attachment; a database opened there again holds no household, member,
// income or elder row.
func TestWipe(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, DatabaseFile)
	rep, err := replica.Open(ctx, path, replica.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db := rep.DB()
	mustExec(t, db, `INSERT INTO households (id, community_id, head_name) VALUES ('h1', 'c1', '王建国')`)
	mustExec(t, db, `INSERT INTO members (id, household_id, community_id, name, id_number) VALUES ('m1', 'h1', 'c1', '王建国', '110105195804010011')`)
	mustExec(t, db, `INSERT INTO incomes (id, household_id, community_id, monthly_fen) VALUES ('i1', 'h1', 'c1', 120000)`)
	mustExec(t, db, `INSERT INTO elders (id, community_id, name) VALUES ('e1', 'c1', '赵桂兰')`)
	blobs := filepath.Join(dir, BlobFolder)
	for _, f := range []string{"a1b2", ".tmp-123", filepath.Join("old", "c3d4")} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(blobs, f)), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(blobs, f), []byte("photo bytes "+f), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	prefs := filepath.Join(dir, "preferences.json")
	if err := os.WriteFile(prefs, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := rep.Close(); err != nil {
		t.Fatal(err)
	}

	rp, err := Wipe(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rp.Files < 4 || rp.Bytes == 0 {
		t.Errorf("report %+v: want the database and 3 attachments at least", rp)
	}
	left, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(left, []string{prefs}) {
		t.Errorf("left in the data folder: %v, want only %s", left, prefs)
	}
	again, err := Wipe(dir)
	if err != nil || again.Files != 0 {
		t.Errorf("second wipe: %+v %v", again, err)
	}

	rep, err = replica.Open(ctx, path, replica.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	for _, table := range []string{"households", "members", "incomes", "elders"} {
		var n int
		if err := rep.DB().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%s: %d rows after the wipe", table, n)
		}
	}
}

func TestWipeReportsWhatItCannotRemove(t *testing.T) {
	dir := t.TempDir()
	blobs := filepath.Join(dir, BlobFolder)
	if err := os.MkdirAll(blobs, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(blobs, "a1"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Something that cannot be removed as a file, even by root: a
	// non-empty folder where the database's WAL should be.
	wal := filepath.Join(dir, DatabaseFile+"-wal")
	if err := os.MkdirAll(filepath.Join(wal, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	rp, err := Wipe(dir)
	if err == nil {
		t.Fatal("a file that could not be removed was not reported")
	}
	if _, serr := os.Stat(blobs); !os.IsNotExist(serr) || rp.Files != 1 {
		t.Errorf("the attachments must go even when the database cannot: %+v %v", rp, serr)
	}
}

func TestPINWipe(t *testing.T) {
	ctx := context.Background()
	now := refNow
	rep, err := replica.Open(ctx, filepath.Join(t.TempDir(), DatabaseFile), replica.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	s := New(rep.DB(), func() time.Time { return now })
	if err := s.SetPIN(ctx, "2468"); err != nil {
		t.Fatal(err)
	}
	var seen []PINWipe
	for i := 0; i < DefaultPINWipeAfter; i++ {
		ok, _, err := s.Unlock(ctx, "1111")
		if err != nil || ok {
			t.Fatalf("wrong PIN %d: %v %v", i, ok, err)
		}
		now = now.Add(PINMaxWait) // wait out the throttle: every try counts
		p, err := s.PINWipeState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, p)
	}
	for i, p := range seen {
		failures := i + 1
		if p.Failures != failures || p.TriesLeft() != DefaultPINWipeAfter-failures {
			t.Errorf("after %d wrong PINs: %+v, %d left", failures, p, p.TriesLeft())
		}
		if want := failures >= DefaultPINWipeAfter-PINWarnTries && failures < DefaultPINWipeAfter; p.Warn() != want {
			t.Errorf("after %d wrong PINs: warn %v", failures, p.Warn())
		}
		if p.Due() != (failures == DefaultPINWipeAfter) {
			t.Errorf("after %d wrong PINs: due %v", failures, p.Due())
		}
	}
	// The right PIN resets the count; a configured limit of 0 never wipes.
	if ok, _, err := s.Unlock(ctx, "2468"); err != nil || !ok {
		t.Fatalf("right PIN: %v %v", ok, err)
	}
	if p, err := s.PINWipeState(ctx); err != nil || p.Failures != 0 || p.Due() {
		t.Errorf("after the right PIN: %+v %v", p, err)
	}
	if err := s.SetSetting(ctx, SettingPINWipeAfter, "0"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting(ctx, SettingPINFailures, "50"); err != nil {
		t.Fatal(err)
	}
	if p, err := s.PINWipeState(ctx); err != nil || p.Due() || p.Warn() || p.TriesLeft() != -1 {
		t.Errorf("wipe off: %+v %v", p, err)
	}
	if err := s.SetSetting(ctx, SettingPINWipeAfter, "many"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PINWipeState(ctx); err == nil {
		t.Error("a limit that is not a count was accepted")
	}
}

// TestPendingChanges: the warning before a wipe names what has not been
// pushed; once acknowledged, nothing is pending.
func TestPendingChanges(t *testing.T) {
	ctx := context.Background()
	rep, err := replica.Open(ctx, filepath.Join(t.TempDir(), DatabaseFile), replica.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	s := New(rep.DB(), nil)
	if pc, err := s.PendingChanges(ctx); err != nil || len(pc) != 0 {
		t.Fatalf("fresh device: %v %v", pc, err)
	}
	mustExec(t, rep.DB(), `INSERT INTO households (id, community_id) VALUES ('h1', 'c1')`)
	mustExec(t, rep.DB(), `INSERT INTO incomes (id, household_id, community_id) VALUES ('i1', 'h1', 'c1'), ('i2', 'h1', 'c1')`)
	want := []PendingChange{{"households", 1}, {"incomes", 2}}
	pc, err := s.PendingChanges(ctx)
	if err != nil || !slices.Equal(pc, want) {
		t.Fatalf("before sync: %v %v, want %v", pc, err, want)
	}
	// Folded into the row clocks (as any sync operation does), still pending.
	set, err := rep.Outbox(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if pc, err := s.PendingChanges(ctx); err != nil || !slices.Equal(pc, want) {
		t.Fatalf("in the outbox: %v %v, want %v", pc, err, want)
	}
	if err := rep.Ack(ctx, set.Batch); err != nil {
		t.Fatal(err)
	}
	if pc, err := s.PendingChanges(ctx); err != nil || len(pc) != 0 {
		t.Fatalf("after the server acknowledged: %v %v", pc, err)
	}
	mustExec(t, rep.DB(), `UPDATE households SET address = '幸福路' WHERE id = 'h1'`)
	if pc, err := s.PendingChanges(ctx); err != nil || !slices.Equal(pc, []PendingChange{{"households", 1}}) {
		t.Fatalf("a later edit: %v %v", pc, err)
	}
}
