package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"doorstep/server/internal/pgtest"
	"doorstep/sync/client/api"
)

// balancer is a load balancer for the tests, as an office would put in
// front of several server processes: it sends each request to the next
// backend its health checks (GET /readyz every checkEvery) last found
// ready, and answers 502 when the backend fails it.
type balancer struct {
	backends []*url.URL
	ready    []atomic.Bool
	next     atomic.Uint64
	proxy    *httputil.ReverseProxy
	failed   atomic.Int64 // requests answered 502
}

const checkEvery = 100 * time.Millisecond

// newBalancer starts a balancer over procs; it stops when the test ends.
func newBalancer(t *testing.T, procs []*serverProc) *httptest.Server {
	b := &balancer{ready: make([]atomic.Bool, len(procs))}
	for _, p := range procs {
		u, err := url.Parse(p.url())
		if err != nil {
			t.Fatal(err)
		}
		b.backends = append(b.backends, u)
	}
	b.proxy = &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(r.In.Context().Value(backendKey{}).(*url.URL))
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			b.failed.Add(1)
			t.Logf("balancer: %s %s: %v", r.Method, r.URL.Path, err)
			w.WriteHeader(http.StatusBadGateway)
		},
	}
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	check := func() {
		for i, u := range b.backends {
			c := &http.Client{Timeout: time.Second}
			resp, err := c.Get(u.String() + api.PathReady)
			ok := err == nil && resp.StatusCode == http.StatusOK
			if b.ready[i].Swap(ok) != ok {
				status := 0
				if err == nil {
					status = resp.StatusCode
				}
				t.Logf("balancer: %s ready %v (%d %v)", u.Host, ok, status, err)
			}
			if err == nil {
				resp.Body.Close()
			}
			c.CloseIdleConnections()
		}
	}
	check()
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(checkEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				check()
			}
		}
	}()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := int(b.next.Add(1) % uint64(len(b.backends)))
		for k := range b.backends {
			i := (start + k) % len(b.backends)
			if b.ready[i].Load() {
				b.proxy.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), backendKey{}, b.backends[i])))
				return
			}
		}
		b.failed.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(func() {
		stop()
		wg.Wait()
		srv.Close()
		if n := b.failed.Load(); n > 0 {
			t.Errorf("the balancer failed %d requests", n)
		}
	})
	return srv
}

type backendKey struct{}

// TestRollingRestart: devices sync without pause through a load balancer
// in front of two server processes on one PostgreSQL database, while each
// process in turn is stopped (SIGTERM, draining for --drain-delay first)
// and started again, as an upgrade would. No request fails: each process
// leaves the balancer's rotation before it stops taking connections and
// finishes what it holds; and every device ends with every row written.
func TestRollingRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	dsn := pgtest.FreshDatabase(t)
	procs := startServers(t, 2, dsn, t.TempDir(), "--drain-delay", "1s")
	lb := newBalancer(t, procs)
	via := &serverProc{tb: t, db: dsn, addr: strings.TrimPrefix(lb.URL, "http://")}
	community := uid()
	devs := newMPDevices(t, []*serverProc{via}, dsn, community, 4)

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var syncs, failures atomic.Int64
	for _, d := range devs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				id, head := uid(), fmt.Sprintf("%s-%d", d.name, n)
				if _, err := d.rep.DB().Exec(`INSERT INTO households(id, community_id, head_name) VALUES (?, ?, ?)`, id, community, head); err != nil {
					t.Errorf("%s: %v", d.name, err)
					return
				}
				d.pending[id] = head
				if err := d.syncWith(lb.URL); err != nil {
					failures.Add(1)
					t.Errorf("%s: sync through the balancer: %v", d.name, err)
				}
				syncs.Add(1)
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)
	for _, p := range procs {
		before := syncs.Load()
		p.stop(syscall.SIGTERM)
		if !strings.Contains(p.logs(), `"msg":"draining`) {
			t.Errorf("%s stopped without draining:\n%s", p.addr, p.logs())
		}
		p.start()
		time.Sleep(300 * time.Millisecond)
		if syncs.Load() == before {
			t.Fatalf("no device synced while %s restarted", p.addr)
		}
	}
	time.Sleep(300 * time.Millisecond)
	stop()
	wg.Wait()
	t.Logf("%d syncs through the balancer, %d failed", syncs.Load(), failures.Load())

	for range 2 {
		for _, d := range devs {
			if err := d.syncWith(lb.URL); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := map[string]string{}
	for _, d := range devs {
		for id, head := range d.acked {
			want[id] = head
		}
		if len(d.pending) > 0 {
			t.Errorf("%s: %d households never acknowledged", d.name, len(d.pending))
		}
	}
	for _, d := range devs {
		got := households(t, d.rep.DB(), community)
		if len(got) != len(want) {
			t.Errorf("%s holds %d households, %d were written", d.name, len(got), len(want))
		}
		for id, head := range want {
			if got[id] != head {
				t.Errorf("%s: household %s %q, want %q", d.name, id, got[id], head)
			}
		}
	}
}

// TestOutdatedProcess: a server process whose database a newer release
// upgraded (here: the synced tables' schema version moved past the
// build's, as the newer release's migration does) leaves the balancer's
// rotation (/readyz 503) and answers devices busy, so they retry on an
// upgraded process, storing nothing; /metrics still answers the operator.
func TestOutdatedProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	dsn := pgtest.FreshDatabase(t)
	srv := startServers(t, 1, dsn, t.TempDir())[0]
	sv := uid()
	admin(t, dsn, "user", "add", "--id", sv, "--name", "区民政局 刘", "--role", "supervisor")
	dev := newE2EDevice(t, srv, "district", sv)
	dev.exec(t, `INSERT INTO streets(id, name) VALUES (?, '焦西街道')`, uid())
	dev.sync(t)

	db := inspectDB(t, dsn)
	if _, err := db.Exec(`UPDATE server_meta SET value = '999' WHERE key = 'pg_data_version'`); err != nil {
		t.Fatal(err)
	}
	if st, code, _, retry := getRaw(t, srv.url()+api.PathReady); st != http.StatusServiceUnavailable || code != api.CodeBusy || retry == "" {
		t.Errorf("/readyz of an outdated process: %d %q, Retry-After %q; want 503 busy", st, code, retry)
	}
	late := uid()
	dev.exec(t, `INSERT INTO streets(id, name) VALUES (?, '民主街道')`, late)
	ctx := context.Background()
	out, err := dev.rep.Outbox(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dev.client.Push(ctx, out); api.ErrorCode(err) != api.CodeBusy {
		t.Errorf("push to an outdated process: %v, want busy", err)
	}
	if _, err := dev.client.Pull(ctx, ""); api.ErrorCode(err) != api.CodeBusy {
		t.Errorf("pull from an outdated process: %v, want busy", err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM streets WHERE id = ?`, late).Scan(&n); err != nil || n != 0 {
		t.Errorf("an outdated process stored the push: %d %v", n, err)
	}
	req, _ := http.NewRequest("GET", srv.url()+api.PathMetrics, nil)
	req.Header.Set("Authorization", "Bearer m")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "doorstep_store_outdated 1") {
		t.Errorf("/metrics of an outdated process: %d\n%s", resp.StatusCode, body)
	}
	if strings.Count(srv.logs(), "upgraded by a newer release") != 1 {
		t.Errorf("the log should say once that the process is outdated:\n%s", srv.logs())
	}
}
