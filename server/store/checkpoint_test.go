package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"doorstep/schema"
	"doorstep/schema/scope"
)

// walPages returns the size of the store's WAL file in 4 KiB pages.
func walPages(tb testing.TB, path string) int64 {
	tb.Helper()
	fi, err := os.Stat(path + "-wal")
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		tb.Fatal(err)
	}
	return fi.Size() / 4096
}

// writeHouseholds writes n households of about 1 KiB each in one
// transaction.
func writeHouseholds(tb testing.TB, s *Store, n int) {
	tb.Helper()
	ctx := context.Background()
	err := s.Write(ctx, "", func(tx *sql.Tx) error {
		for range n {
			if _, err := tx.ExecContext(ctx, `INSERT INTO households(id, community_id, head_name, address) VALUES (?, 'c1', 'x', ?)`,
				uuid.NewString(), strings.Repeat("路", 300)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// TestBackgroundCheckpoint: the SQLite store's commits never checkpoint
// (the WAL grows past SQLite's automatic 1,000 pages when nothing else
// checkpoints); the background passive checkpoints copy the WAL into the
// database so it is reused; and when a reader held a passive checkpoint
// back until the WAL grew past the bound, a truncating one empties it.
func TestBackgroundCheckpoint(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "server.db")
	s, err := Open(ctx, path, Options{CheckpointEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		writeHouseholds(t, s, 500)
	}
	if got := walPages(t, path); got < 1500 {
		t.Errorf("with no background checkpoint the WAL is %d pages: the commits checkpointed", got)
	}
	if st := s.CheckpointStats(); st.Passive != 0 {
		t.Errorf("checkpoints ran: %+v", st)
	}
	s.Close()

	s, err = Open(ctx, path, Options{CheckpointEvery: 5 * time.Millisecond, WALTruncatePages: 300})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// A reader pins the WAL: passive checkpoints cannot finish, and the
	// WAL grows past the bound.
	rtx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := rtx.QueryRow(`SELECT count(*) FROM households`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		writeHouseholds(t, s, 200)
	}
	waitFor(t, func() bool { return s.CheckpointStats().Busy > 0 })
	rtx.Rollback()
	waitFor(t, func() bool { st := s.CheckpointStats(); return st.Truncate > 0 && walPages(t, path) == 0 })
	for range 3 {
		before := s.CheckpointStats()
		writeHouseholds(t, s, 100)
		waitFor(t, func() bool { return s.CheckpointStats().Passive > before.Passive+2 })
	}
	if st := s.CheckpointStats(); st.Errors != 0 || st.WALPages > 300 {
		t.Errorf("after writes with no reader: %+v", st)
	}
	if got := walPages(t, path); got > 400 {
		t.Errorf("WAL file %d pages with checkpoints running, want it reused", got)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for start := time.Now(); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Since(start) > 20*time.Second {
			t.Fatal("condition not met in 20 s")
		}
	}
}

// TestCheckpointerStopsOnClose: closing the store stops its background
// checkpoints (no checkpoint runs on the closed database).
func TestCheckpointerStopsOnClose(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "server.db"), Options{CheckpointEvery: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	e := s.eng.(sqliteEngine)
	waitFor(t, func() bool { return s.CheckpointStats().Passive > 0 })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	after := e.ckpt.stats()
	time.Sleep(50 * time.Millisecond)
	if st := e.ckpt.stats(); st != after || st.Errors != 0 {
		t.Errorf("checkpoints after Close: %+v, then %+v", after, st)
	}
	// A second Close (a deferred one after an explicit one, as
	// BenchmarkScaling did) must not panic on the stopped checkpointer.
	_ = s.Close()
}

// readSyscallBytes is what this process has read with read system calls
// so far (/proc/self/io rchar: the file pages SQLite did not have cached,
// whether or not the operating system did).
func readSyscallBytes(tb testing.TB) int64 {
	tb.Helper()
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		tb.Skipf("no /proc/self/io: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "rchar: "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				tb.Fatal(err)
			}
			return n
		}
	}
	tb.Fatal("no rchar in /proc/self/io")
	return 0
}

// TestCheckpointKeepsReadersCached: the background checkpoints do not
// make readers read again what their connections have cached. A
// district supervisor pulls a store of about 5 MB (within each
// connection's page cache) while the checkpointer runs a passive
// checkpoint every millisecond; after a first pull has filled the
// caches, a second reads no more from the file than the same pull on the
// same store with no checkpoints. When the checkpoints ran on the
// connections that serve reads, the pulls at 10× and 100× the demo
// district read their pages from the operating system many times over
// (replica.Checkpoint).
func TestCheckpointKeepsReadersCached(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 5 MB store")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "server.db")
	s, err := Open(ctx, path, Options{CheckpointEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		writeHouseholds(t, s, 500)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	sv := &scope.User{ID: "sv", Role: schema.RoleSupervisor}
	// read opens the store, pulls all of it twice and returns what the
	// second pull read from the file.
	read := func(every time.Duration) int64 {
		s, err := Open(ctx, path, Options{CheckpointEvery: every})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var before int64
		for round := range 2 {
			if round == 1 {
				before = readSyscallBytes(t)
			}
			for cursor := ""; ; {
				p, err := s.Pull(ctx, sv, cursor, 200)
				if err != nil {
					t.Fatal(err)
				}
				if cursor = p.Cursor.String(); !p.More {
					break
				}
			}
		}
		return readSyscallBytes(t) - before
	}
	plain := read(-1)
	ckpt := read(time.Millisecond)
	t.Logf("a second pull read %d bytes from the file with no checkpoints, %d with one every millisecond", plain, ckpt)
	if ckpt > 2*plain+1<<20 {
		t.Errorf("with checkpoints running a second pull read %d bytes from the file, without %d", ckpt, plain)
	}
}
