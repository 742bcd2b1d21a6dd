package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"doorstep/sync/client"
	"doorstep/sync/replica"
)

// The crash test's device processes are this test binary run again with
// -test.run=^TestCrashDeviceProcess$ and these variables set.
const (
	envCrashDevice    = "DOORSTEP_CRASH_DEVICE"    // "1" in a device process
	envCrashName      = "DOORSTEP_CRASH_NAME"      // device name, for messages
	envCrashURLFile   = "DOORSTEP_CRASH_URL_FILE"  // file holding the server's current URL
	envCrashToken     = "DOORSTEP_CRASH_TOKEN"     // device token
	envCrashReplica   = "DOORSTEP_CRASH_REPLICA"   // the device's replica database
	envCrashResults   = "DOORSTEP_CRASH_RESULTS"   // acknowledged batches, one JSON line each
	envCrashStop      = "DOORSTEP_CRASH_STOP"      // the device stops once this file exists
	envCrashCommunity = "DOORSTEP_CRASH_COMMUNITY" // community of the households it adds
	envCrashShared    = "DOORSTEP_CRASH_SHARED"    // household every device edits
	envCrashSeed      = "DOORSTEP_CRASH_SEED"      // random seed
)

// crashAck is one line of a device's results file: a batch the server
// acknowledged and the households it inserted (row id → head name). The
// last line, written when the device stops, has Done set and the counts.
type crashAck struct {
	Batch   string            `json:"batch,omitempty"`
	Changes int               `json:"changes,omitempty"`
	Rows    []string          `json:"rows,omitempty"`
	Heads   map[string]string `json:"heads,omitempty"`
	Done    bool              `json:"done,omitempty"`
	Pushes  int               `json:"pushes,omitempty"`
	Outages int               `json:"outages,omitempty"`
}

// TestCrashRecovery kills the server with SIGKILL several times while three
// device processes push continuously, restarting it on the same database
// (on a fresh port) each time. Afterwards every change the server
// acknowledged is on the server, nothing is stored twice, and the three
// devices (workers of one community, so with the same scope) hold exactly
// the server's rows after a final sync.
//
// The server is the real doorstep-server binary; each device is this test
// binary run again (TestCrashDeviceProcess) with its own replica database,
// writing every acknowledged batch to a results file, synced to disk before
// the device goes on.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills server processes")
	}
	dir := t.TempDir()
	db := processDB(t, dir)
	srv := startServer(t, db, freeAddr(t))
	urlFile := filepath.Join(dir, "server-url")
	writeURL := func() {
		tmp := urlFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(srv.url()), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, urlFile); err != nil {
			t.Fatal(err)
		}
	}
	writeURL()

	community := uid()
	type proc struct {
		name, replica, results, token string
		cmd                           *exec.Cmd
		out                           lockedBuffer
		done                          chan error
	}
	var procs []*proc
	var shared string
	for i := 0; i < 3; i++ {
		u := uid()
		admin(t, db, "user", "add", "--id", u, "--name", fmt.Sprintf("社区工作者%d", i), "--role", "worker", "--communities", community)
		p := &proc{name: fmt.Sprintf("worker%d", i), replica: filepath.Join(dir, fmt.Sprintf("worker%d.db", i)), results: filepath.Join(dir, fmt.Sprintf("worker%d.acks", i))}
		token := enrollReplicaFile(t, srv, p.replica, p.name, u)
		p.token = token
		if i == 0 {
			// One household every device keeps editing, so pushes meet
			// other devices' writes.
			shared = uid()
			d := openDevice(t, srv.url(), token, p.replica)
			d.exec(t, `INSERT INTO households(id, community_id, head_name, benefit_fen) VALUES (?, ?, 'shared', 0)`, shared, community)
			d.sync(t)
			d.rep.Close()
		}
		p.cmd = exec.Command(os.Args[0], "-test.run=^TestCrashDeviceProcess$", "-test.v")
		p.cmd.Env = append(os.Environ(),
			envCrashDevice+"=1", envCrashName+"="+p.name, envCrashURLFile+"="+urlFile, envCrashToken+"="+token,
			envCrashReplica+"="+p.replica, envCrashResults+"="+p.results, envCrashStop+"="+filepath.Join(dir, "stop"),
			envCrashCommunity+"="+community, envCrashShared+"="+shared, envCrashSeed+"="+strconv.Itoa(i+1))
		p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		p.done = make(chan error, 1)
		go func(p *proc) { p.done <- p.cmd.Wait() }(p)
		procs = append(procs, p)
	}
	t.Cleanup(func() {
		for _, p := range procs {
			p.cmd.Process.Kill()
		}
	})

	// acked counts the acknowledged batches in all results files.
	acked := func() int {
		n := 0
		for _, p := range procs {
			b, _ := os.ReadFile(p.results)
			n += bytes.Count(b, []byte("\n"))
		}
		return n
	}
	// waitProgress waits until the devices have had more batches
	// acknowledged, so each kill hits devices that are pushing, however
	// slow the machine.
	waitProgress := func(more int) {
		t.Helper()
		want := acked() + more
		deadline := time.Now().Add(30 * time.Second)
		for acked() < want {
			for _, p := range procs {
				select {
				case err := <-p.done:
					t.Fatalf("%s stopped early: %v\n%s", p.name, err, p.out.String())
				default:
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("devices had no %d batches acknowledged within 30 s", more)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	const kills = 4
	rng := rand.New(rand.NewPCG(1, 2))
	waitProgress(6)
	for k := 0; k < kills; k++ {
		time.Sleep(time.Duration(100+rng.IntN(300)) * time.Millisecond)
		srv.stop(syscall.SIGKILL)
		time.Sleep(time.Duration(rng.IntN(100)) * time.Millisecond)
		// A fresh port each time: nothing can be left holding the old one.
		var err error
		for try := 0; try < 3; try++ {
			srv.addr = freeAddr(t)
			if err = srv.tryStart(); err == nil {
				break
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		writeURL()
		waitProgress(3)
	}
	if err := os.WriteFile(filepath.Join(dir, "stop"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range procs {
		select {
		case err := <-p.done:
			if err != nil {
				t.Fatalf("%s: %v\n%s", p.name, err, p.out.String())
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("%s did not stop within 60 s\n%s", p.name, p.out.String())
		}
	}

	// What each device recorded as acknowledged.
	ackedRows := map[string]map[string]string{} // device → row id → head name ("" for the shared row)
	var outages, pushes int
	for _, p := range procs {
		ackedRows[p.name] = map[string]string{}
		f, err := os.Open(p.results)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		done := false
		for sc.Scan() {
			var a crashAck
			if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
				t.Fatalf("%s: results line %q: %v", p.name, sc.Text(), err)
			}
			if a.Done {
				done = true
				outages += a.Outages
				pushes += a.Pushes
				continue
			}
			for _, id := range a.Rows {
				ackedRows[p.name][id] = a.Heads[id]
			}
		}
		f.Close()
		if err := sc.Err(); err != nil || !done {
			t.Fatalf("%s: results file unfinished: %v\n%s", p.name, err, p.out.String())
		}
	}

	// The final sync: each device pushes what is left and pulls, twice.
	var devices []*e2eDevice
	for _, p := range procs {
		d := openDevice(t, srv.url(), p.token, p.replica)
		defer d.rep.Close()
		d.name = p.name
		devices = append(devices, d)
	}
	for round := 0; round < 2; round++ {
		for _, d := range devices {
			// A crash loses nothing committed, so no cursor a device holds
			// is past the server's history: no device must start over.
			if st := d.sync(t); st.ResetCursors != 0 {
				t.Errorf("%s had to fetch everything again after the crashes", d.name)
			}
		}
	}
	srv.stop(syscall.SIGTERM)

	sdb := inspectDB(t, db)
	total := 0
	for name, rows := range ackedRows {
		for id, head := range rows {
			if head != "" {
				total++ // a household the device inserted
			}
			var got string
			err := sdb.QueryRow(`SELECT head_name FROM households WHERE id = ?`, id).Scan(&got)
			if err != nil || (head != "" && got != head) {
				t.Errorf("%s: acknowledged household %s (%s) on the server: %q, %v", name, id, head, got, err)
			}
		}
	}
	var rows, distinct, clocks int
	if err := sdb.QueryRow(`SELECT count(*), count(DISTINCT head_name) FROM households`).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if err := sdb.QueryRow(`SELECT count(*) FROM sync_rows`).Scan(&clocks); err != nil {
		t.Fatal(err)
	}
	if rows != distinct {
		t.Errorf("%d households but %d distinct names: something was stored twice", rows, distinct)
	}
	var dataRows int
	for _, table := range []string{"households", "conflicts", "staff"} {
		var n int
		if err := sdb.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		dataRows += n
	}
	if clocks != dataRows {
		t.Errorf("%d row clocks for %d data rows", clocks, dataRows)
	}
	server := rowDump(t, sdb)
	for _, d := range devices {
		got := rowDump(t, d.rep.DB())
		if len(got) != len(server) {
			t.Errorf("%s holds %d rows, the server %d", d.name, len(got), len(server))
		}
		for k, v := range server {
			if got[k] != v {
				t.Errorf("%s: %s is %s, server %s", d.name, k, got[k], v)
				break
			}
		}
		for k := range got {
			if _, ok := server[k]; !ok {
				t.Errorf("%s holds %s, which the server lacks", d.name, k)
			}
		}
	}
	var epochs int
	sdb.QueryRow(`SELECT count(*) FROM server_epochs`).Scan(&epochs)
	t.Logf("%d households acknowledged, %d rows on the server, %d epochs, %d pushes of which %d met a dead server", total, rows, epochs, pushes, outages)
	if outages == 0 {
		t.Error("no push ever met the server down: the kills missed")
	}
	if total < 30 {
		t.Errorf("only %d acknowledged inserts: the devices barely pushed", total)
	}
	if epochs != kills+1 {
		t.Errorf("%d epochs after %d restarts", epochs, kills)
	}
}

// TestCrashDeviceProcess is one device of TestCrashRecovery, run in its own
// process; on its own (without DOORSTEP_CRASH_DEVICE) it does nothing.
// Until the stop file appears it adds a household, edits the shared one,
// pushes its outbox batch by batch — recording each acknowledged batch in
// the results file and syncing that file to disk before acknowledging the
// batch in its replica — and pulls now and then. A server that cannot be
// reached is retried after a short pause, at whatever URL the URL file
// names then.
func TestCrashDeviceProcess(t *testing.T) {
	if os.Getenv(envCrashDevice) != "1" {
		t.Skip("runs only as a device process of TestCrashRecovery")
	}
	ctx := context.Background()
	name := os.Getenv(envCrashName)
	readURL := func() string {
		b, err := os.ReadFile(os.Getenv(envCrashURLFile))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return string(b)
	}
	rep, err := replica.Open(ctx, os.Getenv(envCrashReplica), replica.Options{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer rep.Close()
	c := client.New(readURL(), os.Getenv(envCrashToken))
	c.HTTP = crashHTTPClient()
	results, err := os.OpenFile(os.Getenv(envCrashResults), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer results.Close()
	record := func(a crashAck) {
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := results.Write(append(b, '\n')); err != nil {
			t.Fatalf("%s: record: %v", name, err)
		}
		if err := results.Sync(); err != nil {
			t.Fatalf("%s: record: %v", name, err)
		}
	}
	community, shared := os.Getenv(envCrashCommunity), os.Getenv(envCrashShared)
	seed, _ := strconv.ParseUint(os.Getenv(envCrashSeed), 10, 64)
	rng := rand.New(rand.NewPCG(seed, 7))
	stop := os.Getenv(envCrashStop)
	var pushes, outages int
	for n := 0; ; n++ {
		if _, err := os.Stat(stop); err == nil {
			break
		}
		id, head := uid(), fmt.Sprintf("%s-%d", name, n)
		if _, err := rep.DB().Exec(`INSERT INTO households(id, community_id, head_name, benefit_fen) VALUES (?, ?, ?, ?)`, id, community, head, int64(n)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := rep.DB().Exec(`UPDATE households SET benefit_fen = ?, status = ? WHERE id = ?`, int64(rng.IntN(1e6)), name, shared); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		err := crashPush(ctx, rep, c, func(a crashAck) { pushes++; record(a) })
		if err == nil && n%3 == 0 {
			_, err = pullPages(ctx, rep, c)
		}
		if err != nil {
			if !errors.Is(err, client.ErrUnreachable) {
				t.Fatalf("%s: %v", name, err)
			}
			outages++
			time.Sleep(time.Duration(5+rng.IntN(20)) * time.Millisecond)
			c.BaseURL = readURL()
		}
	}
	record(crashAck{Done: true, Pushes: pushes, Outages: outages})
}

// crashHTTPClient gives up on a request after 10 s (a killed server's
// connections are reset at once; this only bounds a stuck request) and
// keeps no idle connections, so each request finds the current server.
func crashHTTPClient() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
}

// crashPush pushes the outbox batch by batch, calling acked for each batch
// the server acknowledged before acknowledging it in the replica.
func crashPush(ctx context.Context, rep *replica.Replica, c *client.Client, acked func(crashAck)) error {
	for {
		set, err := rep.Outbox(ctx, 20)
		if err != nil {
			return err
		}
		if set.Batch == "" {
			return nil
		}
		a, err := c.Push(ctx, set)
		if err != nil {
			return err
		}
		rec := crashAck{Batch: a.BatchID, Changes: len(set.Changes), Heads: map[string]string{}}
		seen := map[string]bool{}
		for _, ch := range set.Changes {
			if ch.Table != "households" {
				continue
			}
			if !seen[ch.ID] {
				seen[ch.ID] = true
				rec.Rows = append(rec.Rows, ch.ID)
			}
			if head, ok := ch.Value.(string); ok && ch.Column == "head_name" {
				rec.Heads[ch.ID] = head
			}
		}
		acked(rec)
		if err := rep.Ack(ctx, a.BatchID); err != nil {
			return err
		}
	}
}

// pullPages pulls and applies pages until none is left, without pushing
// first, and returns how many pages reset the cursor.
func pullPages(ctx context.Context, rep *replica.Replica, c *client.Client) (resets int, err error) {
	cursor, err := rep.PullCursor(ctx)
	if err != nil {
		return resets, err
	}
	for {
		page, err := c.Pull(ctx, cursor)
		if err != nil {
			return resets, err
		}
		if _, err := client.ApplyPage(ctx, rep, page); err != nil {
			return resets, err
		}
		if page.Reset {
			resets++
		}
		if !page.More {
			return resets, nil
		}
		cursor = page.Cursor
	}
}

// enrollReplicaFile creates a device replica database at path for user,
// enrolls it through the API and closes it again; it returns the token.
func enrollReplicaFile(tb testing.TB, srv *serverProc, path, name, user string) string {
	tb.Helper()
	ctx := context.Background()
	rep, err := replica.Open(ctx, path, replica.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	defer rep.Close()
	c := client.New(srv.url(), "")
	if _, err := c.EnrollReplica(ctx, rep, enrollCode(tb, srv.db, user), name); err != nil {
		tb.Fatalf("enroll %s: %v", name, err)
	}
	return c.Token
}

// openDevice opens an enrolled device's replica database in this process;
// the caller closes it.
func openDevice(tb testing.TB, url, token, path string) *e2eDevice {
	tb.Helper()
	rep, err := replica.Open(context.Background(), path, replica.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return &e2eDevice{name: filepath.Base(path), user: rep.User(), rep: rep, client: client.New(url, token)}
}

// lockedBuffer collects a device process's output; it may be read while
// the process still writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written so far.
func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
