package store

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// dbCPU measures the CPU time of a PostgreSQL cluster on this machine:
// every child of its postmaster (the backends serving the store's
// connections, autovacuum, the checkpointer and writers), read from /proc.
// BenchmarkScaling adds it to its own CPU time for the phases whose work
// is in the database server, so their CPU ratios can be read like
// SQLite's. A process that exits between two samples loses what it used
// since the first (an autovacuum worker finishing); one that starts
// counts from zero.
type dbCPU struct {
	postmaster int // 0: not measurable (a remote server, no /proc)
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's times: 100 on
// every Linux this runs on.
const clockTicks = 100

// newDBCPU finds s's postmaster through one of its backends; on a remote
// server or without /proc it measures nothing.
func newDBCPU(tb testing.TB, s *Store) dbCPU {
	tb.Helper()
	if !s.Postgres() {
		return dbCPU{}
	}
	var pid int
	if err := s.db.QueryRowContext(context.Background(), `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		tb.Fatal(err)
	}
	ppid, _, ok := procStat(pid)
	if !ok {
		return dbCPU{}
	}
	return dbCPU{postmaster: ppid}
}

// ok reports whether the cluster's CPU is measured.
func (d dbCPU) ok() bool { return d.postmaster != 0 }

// sample returns the CPU time used so far by each child of the postmaster.
func (d dbCPU) sample() map[int]time.Duration {
	out := map[int]time.Duration{}
	if !d.ok() {
		return out
	}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, dir := range dirs {
		pid, err := strconv.Atoi(filepath.Base(dir))
		if err != nil {
			continue
		}
		if ppid, cpu, ok := procStat(pid); ok && ppid == d.postmaster {
			out[pid] = cpu
		}
	}
	return out
}

// since returns the CPU time the cluster used after start (a sample).
func (d dbCPU) since(start map[int]time.Duration) time.Duration {
	var total time.Duration
	for pid, cpu := range d.sample() {
		total += cpu - start[pid]
	}
	return total
}

// procStat reads a process's parent and its user plus system CPU time.
func procStat(pid int) (ppid int, cpu time.Duration, ok bool) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	// The command name, in parentheses, may hold spaces: the fields
	// counted from 3 (state) start after its closing one.
	end := strings.LastIndexByte(string(raw), ')')
	if end < 0 {
		return 0, 0, false
	}
	f := strings.Fields(string(raw[end+1:]))
	if len(f) < 13 {
		return 0, 0, false
	}
	ppid, err1 := strconv.Atoi(f[1])
	utime, err2 := strconv.ParseInt(f[11], 10, 64)
	stime, err3 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, 0, false
	}
	return ppid, time.Duration(utime+stime) * time.Second / clockTicks, true
}

// TestDBCPU: the cluster's CPU time grows while it works (a query that
// keeps a backend busy), as the scaling benchmark relies on.
func TestDBCPU(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		s, _ := mustOpen(t)
		d := newDBCPU(t, s)
		if !d.ok() {
			t.Skip("the PostgreSQL server is not on this machine")
		}
		start := d.sample()
		if len(start) == 0 {
			t.Fatal("no process of the cluster found")
		}
		if _, err := s.db.Exec(`SELECT count(*) FROM generate_series(1, 3000000)`); err != nil {
			t.Fatal(err)
		}
		if used := d.since(start); used < 100*time.Millisecond {
			t.Errorf("cluster CPU during a busy query: %v, want some", used)
		}
	})
}
