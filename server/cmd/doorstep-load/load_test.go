package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"doorstep/schema"
	"doorstep/schema/demo"
	"doorstep/server"
	"doorstep/server/store"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
	"doorstep/sync/wire"
)

// testServer is a real sync server (in process, over a real HTTP listener)
// holding the demo district's reference data and two of its communities,
// with two community workers, one in each.
type testServer struct {
	st      *store.Store
	url     string
	workers []store.User
}

func newTestServer(t *testing.T, cfg server.Config) *testServer {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "server.db"), store.Options{Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.StartEpoch(ctx); err != nil {
		t.Fatal(err)
	}
	d := demo.Generate(demo.DefaultSeed, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
	var workers []store.User
	keep := map[string]bool{}
	for _, s := range d.Table("staff") {
		comm, _ := s.Values["community_id"].(string)
		if s.Values["role"] == "worker" && !keep[comm] && len(keep) < 2 {
			keep[comm] = true
			workers = append(workers, store.User{ID: s.ID, Name: "worker " + comm, Role: schema.RoleWorker, Communities: []string{comm}})
		}
	}
	var rows []demo.Row
	for _, r := range d.Rows {
		tb, _ := schema.Reg.Table(r.Table)
		if c, _ := r.Values[tb.ScopeColumn].(string); tb.Scope != schema.ScopeCommunity || keep[c] {
			rows = append(rows, r)
		}
	}
	d.Rows = rows
	if err := demo.Write(ctx, st.Replica().DB(), d); err != nil {
		t.Fatal(err)
	}
	for i, w := range workers {
		if workers[i], err = st.AddUser(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	srv := server.New(st, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &testServer{st: st, url: ts.URL, workers: workers}
}

// codes writes n enrollment codes, alternating between the workers, to a
// file in the format enroll-code prints.
func (s *testServer) codes(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("# codes for the load test\n")
	for i := range n {
		code, _, err := s.st.CreateEnrollCode(context.Background(), s.workers[i%len(s.workers)].ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("enrollment code: " + code + "\nvalid until:     tomorrow (one device, once)\n")
	}
	path := filepath.Join(t.TempDir(), "codes.txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// count returns how many rows of table the server holds.
func (s *testServer) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := s.st.Replica().DB().QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func runLoad(t *testing.T, args ...string) Summary {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), append(args, "--json"), &out, &errOut); err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	var s Summary
	if err := json.Unmarshal(out.Bytes(), &s); err != nil {
		t.Fatalf("summary is not JSON: %v\n%s", err, out.String())
	}
	return s
}

// TestRunAgainstServer drives a real server with four devices of two
// workers and checks that what the summary reports is what the server
// stored: every acknowledged push is one visit, the pulls brought the other
// devices' visits, and nothing was refused.
func TestRunAgainstServer(t *testing.T) {
	s := newTestServer(t, server.Config{Rate: -1})
	visitsBefore := s.count(t, "means_visits")
	sum := runLoad(t, "--url", s.url, "--codes", s.codes(t, 4), "--devices", "4", "--duration", "3s",
		"--push-every", "300ms", "--pull-every", "300ms", "--seed", "7", "--spread-loopback=false")
	if len(sum.Errors) != 0 {
		t.Errorf("errors: %v", sum.Errors)
	}
	if sum.Users != 2 || sum.Devices != 4 {
		t.Errorf("users %d devices %d, want 2 and 4", sum.Users, sum.Devices)
	}
	if sum.Push.Count < 8 || sum.Pull.Count < 8 {
		t.Fatalf("only %d pushes and %d pulls in 3 s at 300 ms", sum.Push.Count, sum.Pull.Count)
	}
	if got := s.count(t, "means_visits") - visitsBefore; got != sum.Push.Count {
		t.Errorf("server holds %d new visits, summary reports %d acknowledged pushes", got, sum.Push.Count)
	}
	if per := float64(sum.ChangesPushed) / float64(sum.Push.Count); per < 55 || per > 70 {
		t.Errorf("%.1f column changes a push, want a visit's ~60", per)
	}
	if sum.ChangesPulled == 0 {
		t.Error("pulls brought none of the other devices' visits")
	}
	if sum.Push.P50 <= 0 || sum.Push.P99 < sum.Push.P50 || sum.Pull.P99 < sum.Pull.P50 {
		t.Errorf("latencies out of order: push %+v pull %+v", sum.Push, sum.Pull)
	}
	if sum.Saved != int64(sum.Push.Count) {
		t.Errorf("devices saved %d visits, the server acknowledged %d", sum.Saved, sum.Push.Count)
	}
	if sum.PushesDue < int64(sum.Push.Count) {
		t.Errorf("%d pushes due but %d acknowledged", sum.PushesDue, sum.Push.Count)
	}
}

// TestRateLimitedRetried runs devices faster than the server's per-device
// limit: the 429s are counted apart, retried after Retry-After, and no
// push is lost or reported as an error.
func TestRateLimitedRetried(t *testing.T) {
	s := newTestServer(t, server.Config{Rate: 2, Burst: 2})
	visitsBefore := s.count(t, "means_visits")
	sum := runLoad(t, "--url", s.url, "--codes", s.codes(t, 2), "--devices", "2", "--duration", "3s",
		"--push-every", "100ms", "--pull-every", "100ms", "--spread-loopback=false")
	if len(sum.Errors) != 0 {
		t.Errorf("errors: %v", sum.Errors)
	}
	if sum.RateLimited["push"]+sum.RateLimited["pull"] == 0 {
		t.Fatal("no rate_limited answers at 20 requests/s against a limit of 2/s")
	}
	if sum.Saved != int64(sum.Push.Count) {
		t.Errorf("devices saved %d visits, the server acknowledged %d", sum.Saved, sum.Push.Count)
	}
	if got := s.count(t, "means_visits") - visitsBefore; got != sum.Push.Count || got == 0 {
		t.Errorf("server holds %d new visits, summary reports %d acknowledged pushes", got, sum.Push.Count)
	}
}

// TestVisitForm checks a visit is a valid changeset of the requested size
// whose edits carry the clocks the device knows as their base.
func TestVisitForm(t *testing.T) {
	site, user := "0195a000-0000-7000-8000-00000000000a", "0195a000-1111-7000-8000-000000000001"
	h := &household{id: "0195a000-2222-7000-8000-000000000001", community: "c1",
		members: []string{"0195a000-3333-7000-8000-000000000001", "0195a000-3333-7000-8000-000000000002"}}
	seen := change.Clock{HLC: hlc.New(time.Now().Add(-time.Hour).UnixMilli(), 3), Site: "0195a000-0000-7000-8000-00000000000b"}
	w := &visitWriter{site: site, user: user, clock: hlc.NewClock(nil, 0, 0), rng: rand.New(rand.NewPCG(1, 2)),
		clocks: map[cell]change.Clock{{"households", h.id, "status"}: seen}}
	for _, rows := range []int{1, 2, 5, 10, 25} {
		f := w.write(h, rows)
		set := &change.Set{Batch: "cv37img5tppgl4002kb0", Site: site, Schema: schema.Version, Changes: f.changes}
		if err := wire.Validate(set, schema.Reg); err != nil {
			t.Fatalf("%d rows: %v", rows, err)
		}
		ids := map[string]bool{}
		for _, c := range f.changes {
			ids[c.ID] = true
			if c.Clock != f.changes[0].Clock {
				t.Errorf("%d rows: change %s has another clock than the form's", rows, c)
			}
			if c.Table == "households" && c.Column == "status" && c.Base != seen {
				t.Errorf("%d rows: household status edited over base %s, want the known %s", rows, c.Base, seen)
			}
			if c.Table == "means_visits" && !c.Base.IsZero() {
				t.Errorf("%d rows: new visit row with base %s", rows, c.Base)
			}
		}
		if len(ids) != rows {
			t.Errorf("form of %d rows has %d rows", rows, len(ids))
		}
		if rows == 10 && (len(f.changes) < 55 || len(f.changes) > 70) {
			t.Errorf("a 10-row visit has %d column changes, want about 60", len(f.changes))
		}
		// Members beyond those the household has are not invented.
		for _, c := range f.edits {
			if c.table == "members" && c.id != h.members[0] && c.id != h.members[1] {
				t.Errorf("edit of unknown member %s", c.id)
			}
		}
	}
	f, nh := w.apply("c1")
	set := &change.Set{Batch: "cv37img5tppgl4002kb0", Site: site, Schema: schema.Version, Changes: f.changes}
	if err := wire.Validate(set, schema.Reg); err != nil {
		t.Fatal(err)
	}
	if nh.community != "c1" || len(nh.members) != 2 {
		t.Errorf("new household %+v", nh)
	}
}

func TestLatency(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	l := latency(ds)
	if l.Count != 100 || l.P50 != 50 || l.P95 != 95 || l.P99 != 99 || l.Max != 100 {
		t.Errorf("latency(1..100 ms) = %+v", l)
	}
	if l := latency([]time.Duration{7 * time.Millisecond}); l.P50 != 7 || l.P99 != 7 {
		t.Errorf("latency(7 ms) = %+v", l)
	}
	if l := latency(nil); l != (Latency{}) {
		t.Errorf("latency(nil) = %+v", l)
	}
}

func TestReadCodes(t *testing.T) {
	in := `# a comment
EJ1G-A1QM-TY7A
enrollment code: T1X7-DB5Z-WM16
valid until:     2026-12-07T17:18:18Z (one device, once)
enrollment URI:  doorstep://enroll?code=VDKT-KRWW-FCK1&server=http%3A%2F%2F127.0.0.1%3A8443
community worker     赵磊浩  doorstep://enroll?code=RQGS-2F83-A9DM&server=http%3A%2F%2F127.0.0.1%3A8443

`
	got, err := readCodes(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"EJ1G-A1QM-TY7A", "T1X7-DB5Z-WM16", "VDKT-KRWW-FCK1", "RQGS-2F83-A9DM"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("codes %q, want %q", got, want)
	}
}

func TestSpreadWorkers(t *testing.T) {
	us := []fieldUser{{id: "a", communities: []string{"c1"}}, {id: "b", communities: []string{"c1"}},
		{id: "c", communities: []string{"c2"}}, {id: "d", communities: []string{"c3"}}}
	var ids []string
	for _, u := range spread(us) {
		ids = append(ids, u.id)
	}
	if got := strings.Join(ids, ""); got != "acdb" {
		t.Errorf("spread order %s, want acdb (one a community first)", got)
	}
}

func TestParseFlags(t *testing.T) {
	c, err := parseFlags([]string{"--url", "http://127.0.0.1:1, http://127.0.0.1:2", "--server-pid", "12,34", "--codes", "-"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.urls) != 2 || c.urls[1] != "http://127.0.0.1:2" || len(c.serverPIDs) != 2 || c.serverPIDs[1] != 34 {
		t.Errorf("urls %q pids %v", c.urls, c.serverPIDs)
	}
	for _, bad := range [][]string{
		{"--codes", "x", "--devices", "0"},
		{"--codes", "x", "--url", "not a url"},
		{"--codes", "x", "--server-pid", "abc"},
		{"--server-bin", "x"}, // no --db
		{"--codes", "x", "--server-bin", "y", "--db", "z"},
		{"--codes", "x", "--push-every", "0s"},
	} {
		if _, err := parseFlags(bad, io.Discard); err == nil {
			t.Errorf("parseFlags(%q) accepted", bad)
		}
	}
}

// TestReadProc samples this test process: its CPU time grows with work
// and its resident memory is not zero.
func TestReadProc(t *testing.T) {
	a, err := readProc(os.Getpid())
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	x := 0
	for start := time.Now(); time.Since(start) < 300*time.Millisecond; {
		x++
	}
	b, err := readProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if b.cpu <= a.cpu || b.rssKB <= 0 || b.peakRSSKB < b.rssKB {
		t.Errorf("before %+v after %+v (%d loops)", a, b, x)
	}
}
