package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
	// Its background work (the evidence follower) runs, as in serve.
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan struct{})
	go func() { srv.Run(runCtx); close(ran) }()
	t.Cleanup(func() {
		ts.Close()
		stop()
		<-ran
	})
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
	if len(sum.Errors) != 0 || len(sum.Unfinished) != 0 {
		t.Errorf("errors: %v, unfinished: %v", sum.Errors, sum.Unfinished)
	}
	if sum.Users != 2 || sum.Devices != 4 {
		t.Errorf("users %d devices %d, want 2 and 4", sum.Users, sum.Devices)
	}
	// Each device's first push and pull tick falls within the window (their
	// phase is under the 300 ms period), and answers may take the grace
	// period: at least one of each per device, however slow the machine.
	if sum.Push.Count < sum.Devices || sum.Pull.Count < sum.Devices {
		t.Fatalf("only %d pushes and %d pulls from %d devices", sum.Push.Count, sum.Pull.Count, sum.Devices)
	}
	if got := s.count(t, "means_visits") - visitsBefore; got != sum.Push.Count {
		t.Errorf("server holds %d new visits, summary reports %d acknowledged pushes", got, sum.Push.Count)
	}
	if per := float64(sum.ChangesPushed) / float64(sum.Push.Count); per < 55 || per > 70 {
		t.Errorf("%.1f column changes a push, want a visit's ~60", per)
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

// TestEvidenceCatchUp: with the servers' metrics token, a run reports how
// far evidence verification was behind when it ended and how long it took
// to catch up, and then the server has verified everything; a wrong token
// is an error, not a silent zero.
func TestEvidenceCatchUp(t *testing.T) {
	s := newTestServer(t, server.Config{Rate: -1, MetricsToken: "m"})
	sum := runLoad(t, "--url", s.url, "--codes", s.codes(t, 2), "--devices", "2", "--duration", "2s",
		"--push-every", "200ms", "--pull-every", "1s", "--spread-loopback=false", "--metrics-token", "m")
	if sum.Push.Count == 0 {
		t.Fatal("no pushes")
	}
	if sum.Evidence == nil || sum.Evidence.CatchUpSecs < 0 || sum.Evidence.RowsAtEnd < 0 {
		t.Fatalf("evidence after the run: %+v, want a lag that reached zero", sum.Evidence)
	}
	if lag, err := s.st.FollowLag(context.Background()); err != nil || lag != 0 {
		t.Errorf("the server's evidence lag after the run reported catching up: %d, %v", lag, err)
	}
	var verdicts int
	if err := s.st.DB().QueryRow(`SELECT count(*) FROM evidence_verdicts`).Scan(&verdicts); err != nil || verdicts == 0 {
		t.Errorf("%d verdicts after %d pushed visits, %v", verdicts, sum.Push.Count, err)
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"--url", s.url, "--codes", s.codes(t, 1), "--devices", "1", "--duration", "1s",
		"--spread-loopback=false", "--metrics-token", "wrong", "--json"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "metrics") {
		t.Errorf("a wrong metrics token: %v, want an error about /metrics", err)
	}
}

// TestRateLimitedRetried puts a proxy in front of the server that answers
// the first attempt of every push 429 rate_limited with Retry-After: 1, as
// the server's limiter does: each visit is counted once as rate_limited,
// sent again after the wait, acknowledged, and none is lost or reported as
// an error.
func TestRateLimitedRetried(t *testing.T) {
	s := newTestServer(t, server.Config{Rate: -1})
	visitsBefore := s.count(t, "means_visits")
	var mu sync.Mutex
	seen := map[[32]byte]bool{}
	limiter := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/push" {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			sum := sha256.Sum256(body)
			mu.Lock()
			first := !seen[sum]
			seen[sum] = true
			mu.Unlock()
			if first {
				w.Header().Set("Retry-After", "1")
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusTooManyRequests)
				io.WriteString(w, `{"code":"rate_limited","message":"too many requests"}`) //nolint:errcheck // test server
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		proxy(w, r, s.url)
	}))
	t.Cleanup(limiter.Close)
	sum := runLoad(t, "--url", limiter.URL, "--codes", s.codes(t, 2), "--devices", "2", "--duration", "2s",
		"--push-every", "300ms", "--pull-every", "1h", "--spread-loopback=false")
	if len(sum.Errors) != 0 || len(sum.Unfinished) != 0 {
		t.Errorf("errors %v, unfinished %v", sum.Errors, sum.Unfinished)
	}
	if sum.Saved == 0 || sum.RateLimited["push"] != sum.Saved {
		t.Errorf("%d visits saved, %d push 429s counted; want one each", sum.Saved, sum.RateLimited["push"])
	}
	if sum.Saved != int64(sum.Push.Count) {
		t.Errorf("devices saved %d visits, the server acknowledged %d", sum.Saved, sum.Push.Count)
	}
	if got := s.count(t, "means_visits") - visitsBefore; got != sum.Push.Count {
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
	for start := selfCPU(); selfCPU()-start < 100*time.Millisecond; { // CPU time, not wall time
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

func TestFirstOf(t *testing.T) {
	if firstOf([]error{nil, nil}) != nil {
		t.Error("no error made one")
	}
	e1, e2 := errors.New("one"), errors.New("two")
	err := firstOf([]error{nil, e1, e2, e2})
	if !errors.Is(err, e1) || !strings.Contains(err.Error(), "2 more") {
		t.Errorf("firstOf = %v", err)
	}
	if firstOf([]error{e2}) != e2 {
		t.Error("a single error changed")
	}
}

// TestAdoptShares: devices of one user visit disjoint households while
// there are enough, and every device gets at least one.
func TestAdoptShares(t *testing.T) {
	u := &userData{cursor: "c", clocks: map[cell]change.Clock{}}
	for i := range 10 {
		u.households = append(u.households, &household{id: fmt.Sprintf("h%02d", i), community: "c1"})
	}
	seen := map[string]int{}
	for rank := range 3 {
		d := newDevice(rank, "http://127.0.0.1:1", nil, 1)
		d.adopt(u, 16, rank, 3)
		if d.cursor != "c" || len(d.households) == 0 {
			t.Fatalf("device %d: cursor %q, %d households", rank, d.cursor, len(d.households))
		}
		for _, h := range d.households {
			seen[h.id]++
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("household %s visited by %d devices", id, n)
		}
	}
	if len(seen) != 10 {
		t.Errorf("%d of 10 households visited", len(seen))
	}
	d := newDevice(20, "http://127.0.0.1:1", nil, 1)
	d.adopt(u, 16, 20, 30) // more devices than households
	if len(d.households) != 1 {
		t.Errorf("device 20 of 30 got %d households, want 1", len(d.households))
	}
}

// TestUnfinishedCounted: a server slower than the run allows leaves
// requests unanswered; they are counted as unfinished, not as latencies
// or errors.
func TestUnfinishedCounted(t *testing.T) {
	s := newTestServer(t, server.Config{Rate: -1})
	codes := s.codes(t, 1)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/push" {
			time.Sleep(3 * time.Second) // longer than window and grace
		}
		proxy(w, r, s.url)
	}))
	t.Cleanup(slow.Close)
	sum := runLoad(t, "--url", slow.URL, "--codes", codes, "--devices", "1", "--duration", "1s",
		"--push-every", "100ms", "--pull-every", "1h", "--grace", "500ms", "--spread-loopback=false")
	if sum.Unfinished["push"] != 1 || sum.Push.Count != 0 || len(sum.Errors) != 0 {
		t.Errorf("unfinished %v, %d pushes answered, errors %v; want the one push unfinished", sum.Unfinished, sum.Push.Count, sum.Errors)
	}
}

// proxy forwards r to the server at base.
func proxy(w http.ResponseWriter, r *http.Request, base string) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, base+r.URL.RequestURI(), r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body) //nolint:errcheck // the test client reads what arrives
}

// TestApplicationFirst: a device whose community holds no household files
// an application (a new household and members) and then visits it; the
// server accepts both, and the household is the one visited.
func TestApplicationFirst(t *testing.T) {
	s := newTestServer(t, server.Config{Rate: -1})
	ctx := context.Background()
	u, err := s.st.AddUser(ctx, store.User{Name: "new community worker", Role: schema.RoleWorker, Communities: []string{"c-new"}})
	if err != nil {
		t.Fatal(err)
	}
	code, _, err := s.st.CreateEnrollCode(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "codes.txt")
	if err := os.WriteFile(path, []byte(code+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sum := runLoad(t, "--url", s.url, "--codes", path, "--devices", "1", "--duration", "2s",
		"--push-every", "300ms", "--pull-every", "1h", "--spread-loopback=false")
	if len(sum.Errors) != 0 || sum.Push.Count < 1 {
		t.Fatalf("errors %v, %d pushes", sum.Errors, sum.Push.Count)
	}
	var households, visits int
	db := s.st.Replica().DB()
	if err := db.QueryRow(`SELECT count(*) FROM households WHERE community_id = 'c-new'`).Scan(&households); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM means_visits v JOIN households h ON h.id = v.household_id
		WHERE h.community_id = 'c-new'`).Scan(&visits); err != nil {
		t.Fatal(err)
	}
	if households != 1 || visits != sum.Push.Count-1 {
		t.Errorf("%d households and %d visits of them in c-new after %d pushes; want 1 and %d", households, visits, sum.Push.Count, sum.Push.Count-1)
	}
}

// TestFloodFirstSync runs every device's first sync at once (--flood)
// against a real server: each device receives its whole community from
// nothing (so the flood's changes are the devices' shares added up, not one
// per user), the server's memory is sampled (the server runs in this test's
// process), and the measured window still runs after it with the devices'
// households shared out.
func TestFloodFirstSync(t *testing.T) {
	s := newTestServer(t, server.Config{Rate: -1})
	plain := runLoad(t, "--url", s.url, "--codes", s.codes(t, 2), "--devices", "2", "--duration", "1s",
		"--push-every", "300ms", "--pull-every", "300ms", "--spread-loopback=false")
	if plain.Flood != nil {
		t.Error("a run without --flood reports a flood")
	}
	flood := func(devices int) *Flood {
		sum := runLoad(t, "--url", s.url, "--codes", s.codes(t, devices), "--devices", fmt.Sprint(devices), "--duration", "1s",
			"--push-every", "300ms", "--pull-every", "300ms", "--spread-loopback=false", "--flood",
			"--server-pid", fmt.Sprint(os.Getpid()))
		if sum.Flood == nil {
			t.Fatal("no flood in the summary")
		}
		if sum.Push.Count < sum.Devices || len(sum.Errors) != 0 {
			t.Errorf("after the flood: %d pushes from %d devices, errors %v", sum.Push.Count, sum.Devices, sum.Errors)
		}
		return sum.Flood
	}
	// Two devices, one a worker: each worker's scope once. Six devices,
	// alternating between the two workers: each scope three times, from
	// nothing (plus the visits pushed in between).
	two, six := flood(2), flood(6)
	if two.Devices != 2 || six.Devices != 6 || two.Changes == 0 || six.Secs <= 0 {
		t.Fatalf("floods %+v and %+v", two, six)
	}
	if six.Changes < 3*two.Changes || six.Pages.Count < 3*two.Pages.Count {
		t.Errorf("six devices received %d changes in %d pages; two received %d in %d: every device must sync from nothing",
			six.Changes, six.Pages.Count, two.Changes, two.Pages.Count)
	}
	if len(six.ServerPeakRSSMB) != 1 || six.ServerPeakRSSMB[0] <= 0 {
		t.Errorf("server peak RSS %v, want one positive figure", six.ServerPeakRSSMB)
	}
}
