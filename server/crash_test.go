package server_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"doorstep/sync/client"
)

// TestCrashRecovery kills the server with SIGKILL several times while three
// devices push continuously, restarting it on the same database each time.
// Afterwards every change the server acknowledged is on the server, nothing
// is stored twice, and the three devices (workers of one community, so
// with the same scope) hold exactly the server's rows.
//
// The server is a real process (the doorstep-server binary). The three
// devices are goroutines of this test, each with its own replica database
// and HTTP client, as an app would have; a killed server looks to them
// exactly as it would to separate processes (connections refused or reset
// mid-request).
func TestCrashRecovery(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "server.db")
	srv := startServer(t, db, freeAddr(t))

	community := uid()
	var users []string
	for i := 0; i < 3; i++ {
		u := uid()
		admin(t, db, "user", "add", "--id", u, "--name", fmt.Sprintf("社区工作者%d", i), "--role", "worker", "--communities", community)
		users = append(users, u)
	}
	devices := make([]*e2eDevice, 3)
	for i := range devices {
		devices[i] = newE2EDevice(t, srv, fmt.Sprintf("worker%d", i), users[i])
	}
	shared := uid()
	devices[0].exec(t, `INSERT INTO households(id, community_id, head_name, benefit_fen) VALUES (?, ?, 'shared', 0)`, shared, community)
	devices[0].sync(t)

	// acked[device] = head names of the households whose insert the server
	// acknowledged.
	var mu sync.Mutex
	acked := map[string]map[string]string{} // row id → head name
	var outages atomic.Int64                // pushes that found the server down
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for i, d := range devices {
		acked[d.name] = map[string]string{}
		wg.Add(1)
		go func(i int, d *e2eDevice) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				id, name := uid(), fmt.Sprintf("%s-%d", d.name, n)
				if _, err := d.rep.DB().Exec(`INSERT INTO households(id, community_id, head_name, benefit_fen) VALUES (?, ?, ?, ?)`, id, community, name, int64(n)); err != nil {
					errs <- err
					return
				}
				if _, err := d.rep.DB().Exec(`UPDATE households SET benefit_fen = ?, status = ? WHERE id = ?`, int64(rng.IntN(1e6)), d.name, shared); err != nil {
					errs <- err
					return
				}
				if err := pushAcked(ctx, d, func(rowID, head string) {
					mu.Lock()
					acked[d.name][rowID] = head
					mu.Unlock()
				}); err != nil {
					if !errors.Is(err, client.ErrUnreachable) {
						errs <- fmt.Errorf("%s: %w", d.name, err)
						return
					}
					outages.Add(1)
					time.Sleep(time.Duration(5+rng.IntN(20)) * time.Millisecond)
					continue
				}
				if n%3 == 0 {
					if _, err := d.client.Sync(ctx, d.rep, client.SyncOptions{}); err != nil && !errors.Is(err, client.ErrUnreachable) {
						errs <- fmt.Errorf("%s: %w", d.name, err)
						return
					}
				}
			}
		}(i, d)
	}

	const kills = 4
	rng := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < kills; k++ {
		time.Sleep(time.Duration(300+rng.IntN(400)) * time.Millisecond)
		srv.stop(syscall.SIGKILL)
		time.Sleep(time.Duration(rng.IntN(100)) * time.Millisecond)
		srv.start()
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	// Let everything settle: each device pushes what is left and pulls.
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

	sdb, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	total := 0
	for name, rows := range acked {
		total += len(rows)
		for id, head := range rows {
			var got string
			if err := sdb.QueryRow(`SELECT head_name FROM households WHERE id = ?`, id).Scan(&got); err != nil || got != head {
				t.Errorf("%s: acknowledged household %s (%s) on the server: %q, %v", name, id, head, got, err)
			}
		}
	}
	var rows, distinct, clocks int
	sdb.QueryRow(`SELECT count(*), count(DISTINCT head_name) FROM households`).Scan(&rows, &distinct)
	sdb.QueryRow(`SELECT count(*) FROM sync_rows`).Scan(&clocks)
	if rows != distinct {
		t.Errorf("%d households but %d distinct names: something was stored twice", rows, distinct)
	}
	var dataRows int
	for _, table := range []string{"households", "conflicts", "staff"} {
		var n int
		sdb.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n)
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
	t.Logf("%d households acknowledged, %d rows on the server, %d epochs, %d pushes met a dead server", total, rows, epochs, outages.Load())
	if outages.Load() == 0 {
		t.Error("no push ever met the server down: the kills missed")
	}
	if total < 30 {
		t.Errorf("only %d acknowledged inserts: the devices barely pushed", total)
	}
	if epochs != kills+1 {
		t.Errorf("%d epochs after %d restarts", epochs, kills)
	}
}

// pushAcked pushes the device's outbox batch by batch, reporting each
// inserted household of every batch the server acknowledged.
func pushAcked(ctx context.Context, d *e2eDevice, ack func(rowID, head string)) error {
	for {
		set, err := d.rep.Outbox(ctx, 20)
		if err != nil {
			return err
		}
		if set.Batch == "" {
			return nil
		}
		a, err := d.client.Push(ctx, set)
		if err != nil {
			return err
		}
		for _, c := range set.Changes {
			if c.Table == "households" && c.Column == "head_name" {
				if head, ok := c.Value.(string); ok && head != "shared" {
					ack(c.ID, head)
				}
			}
		}
		if err := d.rep.Ack(ctx, a.BatchID); err != nil {
			return err
		}
	}
}
