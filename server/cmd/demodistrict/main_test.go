package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

func TestRun(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC) }
	// The default mode (a sync replica); -plain shares everything but the
	// opening of the file, and demo's own tests cover plain writes.
	for _, mode := range []string{"-target=device"} {
		t.Run(mode, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "demo.db")
			var out bytes.Buffer
			if err := run(context.Background(), []string{"-db", path, mode}, &out, now); err != nil {
				t.Fatalf("%v\n%s", err, out.String())
			}
			for _, want := range []string{"2026-01-01 – 2026-06-30", "在保户数      2522", "在保人数                6708", "739000.00 yuan", "+220 / -182"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var n int
			if err := db.QueryRow(`SELECT count(*) FROM households WHERE status = 'active'`).Scan(&n); err != nil || n != 2522 {
				t.Errorf("active households in the file: %d (%v)", n, err)
			}
			if err := run(context.Background(), []string{"-db", path, mode}, &out, now); err == nil {
				t.Error("second run over an existing file succeeded without -force")
			}
		})
	}
}

func TestPrepare(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	if err := prepare(path, false); err != nil {
		t.Fatalf("new file: %v", err)
	}
	for _, p := range []string{path, path + "-wal"} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := prepare(path, false); err == nil {
		t.Error("existing file accepted without force")
	}
	if err := prepare(path, true); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal"} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s still there (%v)", p, err)
		}
	}
}

func TestRunFlags(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{},
		{"-db", filepath.Join(dir, "x.db"), "-target", "phone"},
		{"-db", filepath.Join(dir, "x.db"), "-ref", "July"},
	} {
		var out bytes.Buffer
		if err := run(context.Background(), args, &out, time.Now); err == nil {
			t.Errorf("run %v succeeded", args)
		}
	}
}
