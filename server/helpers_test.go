package server

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"doorstep/schema"
	"doorstep/server/internal/pgtest"
	"doorstep/server/store"
	"doorstep/sync/client"
	"doorstep/sync/replica"
)

// testClock is an adjustable clock shared by the store and the server.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a server on a temp database behind an httptest listener.
type env struct {
	store *store.Store
	srv   *Server
	ts    *httptest.Server
	clock *testClock
}

const testMetricsToken = "metrics-secret"

func newEnv(tb testing.TB, cfg Config) *env {
	tb.Helper()
	clock := &testClock{t: time.Now().UTC().Truncate(time.Millisecond)}
	st, err := store.Open(context.Background(), testStoreDB(tb), store.Options{Now: clock.Now, BlobDir: filepath.Join(tb.TempDir(), "blobs")})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := st.StartEpoch(context.Background()); err != nil {
		tb.Fatal(err)
	}
	if cfg.MetricsToken == "" {
		cfg.MetricsToken = testMetricsToken
	}
	srv := New(st, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), clock.Now)
	ts := httptest.NewServer(srv.Handler())
	tb.Cleanup(func() {
		ts.Close()
		st.Close()
	})
	return &env{store: st, srv: srv, ts: ts, clock: clock}
}

// testStoreEnv selects the backend of the tests' servers: "postgres" runs
// them on a fresh schema of the PostgreSQL server named by DOORSTEP_TEST_PG
// (make test-pg); anything else on a SQLite file. The store package's own
// conformance suite runs on both in every run.
const testStoreEnv = "DOORSTEP_TEST_STORE"

// testStoreDB returns what store.Open takes for a test's server database.
func testStoreDB(tb testing.TB) string {
	tb.Helper()
	if os.Getenv(testStoreEnv) == "postgres" {
		return pgtest.FreshSchema(tb)
	}
	return filepath.Join(tb.TempDir(), "server.db")
}

// user adds a user.
func (e *env) user(tb testing.TB, u store.User) store.User {
	tb.Helper()
	u, err := e.store.AddUser(context.Background(), u)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// enroll enrolls a device for user through the API and returns its client.
func (e *env) enroll(tb testing.TB, userID, site string) (*client.Client, string) {
	tb.Helper()
	ctx := context.Background()
	code, _, err := e.store.CreateEnrollCode(ctx, userID, time.Hour)
	if err != nil {
		tb.Fatal(err)
	}
	c := client.New(e.ts.URL, "")
	resp, err := c.Enroll(ctx, code, "test device", site)
	if err != nil {
		tb.Fatal(err)
	}
	return c, resp.DeviceID
}

var (
	workerC1 = store.User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c1"}}
)

// device is an enrolled device with its own replica database.
type device struct {
	rep    *replica.Replica
	client *client.Client
	id     string
	user   string
}

// newDevice opens a device replica and enrolls it for user.
func (e *env) newDevice(tb testing.TB, userID string) *device {
	tb.Helper()
	ctx := context.Background()
	rep, err := replica.Open(ctx, filepath.Join(tb.TempDir(), "device.db"), replica.Options{Now: e.clock.Now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { rep.Close() })
	code, _, err := e.store.CreateEnrollCode(ctx, userID, time.Hour)
	if err != nil {
		tb.Fatal(err)
	}
	c := client.New(e.ts.URL, "")
	resp, err := c.EnrollReplica(ctx, rep, code, "test device")
	if err != nil {
		tb.Fatal(err)
	}
	if rep.User() != userID {
		tb.Fatalf("replica user %q after enrolling, want %q", rep.User(), userID)
	}
	return &device{rep: rep, client: c, id: resp.DeviceID, user: userID}
}

// exec runs SQL on the device's database (captured like an app write).
func (d *device) exec(tb testing.TB, q string, args ...any) {
	tb.Helper()
	if _, err := d.rep.DB().Exec(q, args...); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
}

// sync runs one sync round and fails the test on error.
func (d *device) sync(tb testing.TB) client.Stats {
	tb.Helper()
	st, err := d.client.Sync(context.Background(), d.rep, client.SyncOptions{})
	if err != nil {
		tb.Fatalf("sync: %v", err)
	}
	return st
}

// has reports whether the device's table holds a row with id.
func (d *device) has(tb testing.TB, table, id string) bool {
	tb.Helper()
	var n int
	if err := d.rep.DB().QueryRow(`SELECT count(*) FROM `+table+` WHERE id = ?`, id).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n > 0
}

// newID returns a fresh row id.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

func clientOpts() client.SyncOptions { return client.SyncOptions{} }

var districtSupervisor = store.User{Name: "区民政局", Role: schema.RoleSupervisor}

func testStart() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

func copyFile(tb testing.TB, from, to string) {
	tb.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		tb.Fatal(err)
	}
}
