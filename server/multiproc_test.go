package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"doorstep/server/internal/pgtest"
	"doorstep/sync/client"
)

// startServers starts n doorstep-server processes on one PostgreSQL
// database and blob directory, at once (so their schema set-up races),
// each with the extra arguments.
func startServers(t *testing.T, n int, dsn, blobs string, extra ...string) []*serverProc {
	t.Helper()
	procs := make([]*serverProc, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range procs {
		procs[i] = &serverProc{tb: t, db: dsn, addr: freeAddr(t), args: append([]string{"--blobs", blobs}, extra...)}
		p := procs[i]
		t.Cleanup(func() { p.stop(syscall.SIGKILL) })
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs[i] = procs[i].tryStart()
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return procs
}

// mpDevice is a device of the multi-process tests: a replica that syncs
// with whichever server process it is given.
type mpDevice struct {
	*e2eDevice
	rng *rand.Rand
	// acked: households this device inserted whose push a server
	// acknowledged (row id → head name).
	acked map[string]string
	// pending: inserted, not yet acknowledged.
	pending map[string]string
	// conflicts reported to it by acknowledgements, resets of its cursor.
	conflicts, resets int
	// lost: its unpushed writes that a pull overwrote (pullOnly).
	lost int
}

// syncWith runs one sync round against the process at url.
func (d *mpDevice) syncWith(url string) error {
	c := client.New(url, d.client.Token)
	st, err := c.Sync(context.Background(), d.rep, client.SyncOptions{BatchRows: 3})
	d.conflicts += st.Conflicts
	d.resets += st.ResetCursors
	if err != nil {
		return err
	}
	for id, head := range d.pending {
		d.acked[id] = head
	}
	clear(d.pending)
	return nil
}

// pullOnly pulls every page from the process at url and applies it,
// without pushing first: a device's unpushed write that a pulled change
// overwrites is kept aside (sync_lost) and pushed with its next sync, for
// the server to record the conflict. It counts the writes kept aside.
func (d *mpDevice) pullOnly(url string) error {
	resets, err := pullPages(context.Background(), d.rep, client.New(url, d.client.Token))
	d.resets += resets
	if err != nil {
		return err
	}
	var lost int
	if err := d.rep.DB().QueryRow(`SELECT count(*) FROM sync_lost`).Scan(&lost); err != nil {
		return err
	}
	d.lost += lost
	return nil
}

// insertHousehold adds a household of community on the device.
func (d *mpDevice) insertHousehold(tb testing.TB, community string, n int) {
	id := uid()
	head := fmt.Sprintf("%s-%d", d.name, n)
	d.exec(tb, `INSERT INTO households(id, community_id, head_name) VALUES (?, ?, ?)`, id, community, head)
	d.pending[id] = head
}

// households returns the households of community on db (id → head name).
func households(tb testing.TB, db *sql.DB, community string) map[string]string {
	tb.Helper()
	rows, err := db.Query(`SELECT id, coalesce(head_name, '') FROM households WHERE community_id = '` + community + `'`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, head string
		if err := rows.Scan(&id, &head); err != nil {
			tb.Fatal(err)
		}
		out[id] = head
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// newMPDevices enrolls n workers' devices of one community, each through
// a random process.
func newMPDevices(t *testing.T, procs []*serverProc, dsn, community string, n int) []*mpDevice {
	t.Helper()
	var devs []*mpDevice
	for i := 0; i < n; i++ {
		u := uid()
		admin(t, dsn, "user", "add", "--id", u, "--name", fmt.Sprintf("社区工作者%d", i), "--role", "worker", "--communities", community)
		d := newE2EDevice(t, procs[i%len(procs)], fmt.Sprintf("worker%d", i), u)
		devs = append(devs, &mpDevice{e2eDevice: d, rng: rand.New(rand.NewPCG(uint64(i), 42)),
			acked: map[string]string{}, pending: map[string]string{}})
	}
	return devs
}

// TestSeveralProcessesOnePostgres runs three server processes (the real
// binary) on one PostgreSQL database. Devices of one community push and
// pull concurrently, each round through a random process; every device
// edits one shared household too, so pushes conflict, and half of those
// edits wait on the device while others push newer ones, then meet them in
// a pull before the device pushes (the device keeps its overwritten write
// aside and pushes it for the server to record: at least one must). Afterwards every
// device holds exactly the same rows, every household any device inserted
// (each written once, never again: a change a pull cursor skipped would be
// missing for good) is on the server and every device, no cursor was ever
// reset (a reset would hide a skip), and each concurrent edit is recorded
// once: one conflict record per pair of clocks, as many as the
// acknowledgements reported. (With conflict ids made random instead of
// derived from the cell and the two clocks, the test still passes: each
// conflict here is found once, by the one merge that meets it — merges of
// all processes are serialized by the write lock, and a change merged again
// meets its own clock. The check guards that outcome, whatever a later
// change does to how conflicts are found.)
func TestSeveralProcessesOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	dsn := pgtest.FreshDatabase(t)
	procs := startServers(t, 3, dsn, t.TempDir())
	community := uid()
	devs := newMPDevices(t, procs, dsn, community, 6)
	shared := uid()
	devs[0].exec(t, `INSERT INTO households(id, community_id, head_name, benefit_fen) VALUES (?, ?, 'shared', 0)`, shared, community)
	for _, d := range devs {
		if err := d.syncWith(procs[0].url()); err != nil {
			t.Fatal(err)
		}
	}

	const rounds = 12
	var wg sync.WaitGroup
	var failed atomic.Value
	for _, d := range devs {
		wg.Add(1)
		go func(d *mpDevice) {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				for k := 0; k < 1+d.rng.IntN(3); k++ {
					d.insertHousehold(t, community, r*10+k)
				}
				if d.rng.IntN(2) == 0 {
					if _, err := d.rep.DB().Exec(`UPDATE households SET benefit_fen = ? WHERE id = ?`, d.rng.Int64N(1e6), shared); err != nil {
						failed.Store(err)
						return
					}
					// Half the time the edit waits on the device while the
					// others push newer ones, and meets them there first, as
					// after a pull without signal enough to push.
					if d.rng.IntN(2) == 0 {
						time.Sleep(30 * time.Millisecond)
						if err := d.pullOnly(procs[d.rng.IntN(len(procs))].url()); err != nil {
							failed.Store(fmt.Errorf("%s round %d: pull: %w", d.name, r, err))
							return
						}
					}
				}
				if err := d.syncWith(procs[d.rng.IntN(len(procs))].url()); err != nil {
					failed.Store(fmt.Errorf("%s round %d: %w", d.name, r, err))
					return
				}
			}
		}(d)
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		t.Fatal(err)
	}
	// One such meeting for certain: device 0 edits the shared household,
	// device 1 edits it later and pushes through one process, device 0
	// pulls through another before pushing.
	edit := func(d *mpDevice) {
		t.Helper()
		if _, err := d.rep.DB().Exec(`UPDATE households SET benefit_fen = ? WHERE id = ?`, d.rng.Int64N(1e6), shared); err != nil {
			t.Fatal(err)
		}
	}
	edit(devs[0])
	time.Sleep(5 * time.Millisecond)
	edit(devs[1])
	if err := devs[1].syncWith(procs[1].url()); err != nil {
		t.Fatal(err)
	}
	if err := devs[0].pullOnly(procs[2].url()); err != nil {
		t.Fatal(err)
	}
	// Two quiet rounds: everything pushed, then everything pulled.
	for pass := 0; pass < 2; pass++ {
		for _, d := range devs {
			if err := d.syncWith(procs[d.rng.IntN(len(procs))].url()); err != nil {
				t.Fatal(err)
			}
		}
	}

	server := pgtest.Open(t, dsn)
	onServer := households(t, server, community)
	want := map[string]string{}
	conflicts, lost := 0, 0
	for _, d := range devs {
		if d.resets != 0 {
			t.Errorf("%s: %d cursor resets", d.name, d.resets)
		}
		if len(d.pending) != 0 {
			t.Errorf("%s: %d households never acknowledged", d.name, len(d.pending))
		}
		for id, head := range d.acked {
			want[id] = head
		}
		conflicts += d.conflicts
		lost += d.lost
	}
	for id, head := range want {
		if onServer[id] != head {
			t.Errorf("server: household %s head %q, want %q", id, onServer[id], head)
		}
	}
	first := rowDump(t, devs[0].rep.DB())
	for _, d := range devs {
		got := households(t, d.rep.DB(), community)
		missing := 0
		for id := range onServer {
			if _, ok := got[id]; !ok {
				missing++
			}
		}
		if missing > 0 || len(got) != len(onServer) {
			t.Errorf("%s holds %d households, server %d, %d of the server's missing", d.name, len(got), len(onServer), missing)
		}
		if dump := rowDump(t, d.rep.DB()); !equalDumps(dump, first) {
			t.Errorf("%s and %s differ", d.name, devs[0].name)
		}
	}

	rows, err := server.Query(`SELECT tbl, row_id, col, winner_hlc, winner_site, loser_hlc, loser_site FROM conflicts`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	pairs := map[string]int{}
	records := 0
	met := false // the certain meeting's record: device 1's edit over device 0's
	for rows.Next() {
		var tbl, row, col, ws, ls string
		var wh, lh int64
		if err := rows.Scan(&tbl, &row, &col, &wh, &ws, &lh, &ls); err != nil {
			t.Fatal(err)
		}
		if row == shared && col == "benefit_fen" && ws == devs[1].rep.Site() && ls == devs[0].rep.Site() {
			met = true
		}
		a, b := fmt.Sprint(wh, ws), fmt.Sprint(lh, ls)
		if b < a {
			a, b = b, a
		}
		pairs[strings.Join([]string{tbl, row, col, a, b}, "|")]++
		records++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for k, n := range pairs {
		if n > 1 {
			t.Errorf("conflict %s recorded %d times", k, n)
		}
	}
	if records == 0 {
		t.Error("no conflict recorded: the shared household's edits never met")
	}
	if records != conflicts {
		t.Errorf("%d conflict records, acknowledgements reported %d", records, conflicts)
	}
	if !met {
		t.Errorf("no conflict record of %s's edit overwritten on the device by %s's", devs[0].name, devs[1].name)
	}
	if lost == 0 {
		t.Error("no unpushed edit was overwritten by a pull: the lost-write path never ran")
	}
	t.Logf("%d households, %d conflict records, %d unpushed edits overwritten by pulls, through %d processes",
		len(onServer), records, lost, len(procs))
}

// TestRateLimitsAcrossProcesses: two server processes on one PostgreSQL
// database share every rate limit bucket. With a burst of B (and a refill
// of one token per 100 s), a device's requests spread over both processes
// get B through in all, not B per process, and so do one address's
// enrollment attempts; every refusal is a 429 with the JSON error code
// rate_limited and a Retry-After.
func TestRateLimitsAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	const burst = 5
	dsn := pgtest.FreshDatabase(t)
	procs := startServers(t, 2, dsn, t.TempDir(), "--rate", "0.01", "--burst", fmt.Sprint(burst),
		"--enroll-rate", "0.01", "--enroll-burst", fmt.Sprint(burst))
	raw := []*rawServer{{serverProc: procs[0]}, {serverProc: procs[1]}}
	u := uid()
	admin(t, dsn, "user", "add", "--id", u, "--name", "社区工作者", "--role", "worker", "--communities", uid())
	// One enrollment attempt and one request (its check with /v1/me).
	d := newE2EDevice(t, procs[0], "worker", u)

	count := func(what string, ask func(i int) rawAnswer, okStatus int) (allowed int) {
		t.Helper()
		for i := 0; i < 2*burst; i++ {
			ans := ask(i)
			switch {
			case ans.status == okStatus:
				allowed++
			case ans.status == http.StatusTooManyRequests && ans.code == "rate_limited" && ans.header.Get("Retry-After") != "":
			default:
				t.Fatalf("%s %d through process %d: %s (Retry-After %q)", what, i, i%2, ans, ans.header.Get("Retry-After"))
			}
		}
		return allowed
	}
	me := count("request", func(i int) rawAnswer {
		return raw[i%2].do(t, http.MethodGet, "/v1/me", d.client.Token, nil, nil)
	}, http.StatusOK)
	if me != burst-1 {
		t.Errorf("device: %d of %d requests over two processes allowed after its first, want %d (burst %d in all)", me, 2*burst, burst-1, burst)
	}
	enroll := count("enrollment attempt", func(i int) rawAnswer {
		return raw[i%2].enrollAnswer(t, "WRONG-CODE-0000", "")
	}, http.StatusUnauthorized)
	if enroll != burst-1 {
		t.Errorf("enrollment: %d of %d attempts over two processes allowed after the device's, want %d (burst %d in all)", enroll, 2*burst, burst-1, burst)
	}
}

func equalDumps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestKillOneOfTwoProcesses: two server processes share one PostgreSQL
// database; devices push continuously through either; one process is
// killed with SIGKILL in the middle. Devices that lose their process go on
// with the other (replaying the batch in flight). Every household whose
// push was acknowledged is on the server and, after a final sync, on
// every device.
func TestKillOneOfTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills server processes")
	}
	dsn := pgtest.FreshDatabase(t)
	procs := startServers(t, 2, dsn, t.TempDir())
	community := uid()
	devs := newMPDevices(t, procs, dsn, community, 4)

	var killed atomic.Bool
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var pushes atomic.Int64
	for _, d := range devs {
		wg.Add(1)
		go func(d *mpDevice) {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				d.insertHousehold(t, community, n)
				p := procs[d.rng.IntN(2)]
				if killed.Load() {
					p = procs[1]
				}
				if err := d.syncWith(p.url()); err == nil {
					pushes.Add(1)
				}
			}
		}(d)
	}
	waitFor := func(n int64) {
		deadline := time.Now().Add(60 * time.Second)
		for pushes.Load() < n && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitFor(40)
	procs[0].stop(syscall.SIGKILL)
	killed.Store(true)
	before := pushes.Load()
	waitFor(before + 40)
	close(stop)
	wg.Wait()
	for pass := 0; pass < 2; pass++ {
		for _, d := range devs {
			if err := d.syncWith(procs[1].url()); err != nil {
				t.Fatal(err)
			}
		}
	}
	onServer := households(t, pgtest.Open(t, dsn), community)
	acked := 0
	for _, d := range devs {
		for id, head := range d.acked {
			acked++
			if onServer[id] != head {
				t.Errorf("acknowledged household %s (%s) lost: server has %q", id, head, onServer[id])
			}
		}
	}
	for _, d := range devs {
		if got := households(t, d.rep.DB(), community); len(got) != len(onServer) {
			t.Errorf("%s holds %d households, server %d", d.name, len(got), len(onServer))
		}
	}
	if acked == 0 || pushes.Load() <= before {
		t.Fatalf("no pushes around the kill (%d acknowledged, %d before, %d after)", acked, before, pushes.Load())
	}
	t.Logf("%d households acknowledged, %d successful syncs, %d after the kill", acked, pushes.Load(), pushes.Load()-before)
}
