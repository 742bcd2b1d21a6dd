package server

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"doorstep/schema"
	"doorstep/server/store"
	"doorstep/sync/version"
)

// lockedBuffer is a log sink safe for the server's concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// TestHealthReportsVersion: /v1/health carries the build's version.
func TestHealthReportsVersion(t *testing.T) {
	e := newEnv(t, Config{})
	c, _ := e.enroll(t, e.user(t, store.User{Name: "王莉", Role: schema.RoleSupervisor}).ID, uuid.NewString())
	h, err := c.Health(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := os.Getenv("DOORSTEP_WANT_VERSION"); want != "" && version.String() != want {
		t.Fatalf("version.String() is %q in a test binary stamped %q (make versions)", version.String(), want)
	}
	if h.Version == "" || h.Version != version.String() {
		t.Fatalf("health version %q, want %q", h.Version, version.String())
	}
}

// TestOldAppIsLoggedOnce: a device syncing with an app older than the
// server's minimum is logged once per version, and still served.
func TestOldAppIsLoggedOnce(t *testing.T) {
	e := newEnv(t, Config{MinAppVersion: "v0.2.0"})
	var logs lockedBuffer
	e.srv.log = slog.New(slog.NewTextHandler(&logs, nil))
	u := e.user(t, store.User{Name: "王莉", Role: schema.RoleSupervisor})
	oldApp, oldID := e.enroll(t, u.ID, uuid.NewString())
	newApp, _ := e.enroll(t, u.ID, uuid.NewString())
	oldApp.UserAgent = "Doorstep/v0.1.3-4-gabc (android/arm64)"
	newApp.UserAgent = "Doorstep/v0.2.0 (windows/amd64)"
	ctx := context.Background()
	for range 3 {
		if _, err := oldApp.Me(ctx); err != nil {
			t.Fatalf("an old app must still be served: %v", err)
		}
		if _, err := newApp.Me(ctx); err != nil {
			t.Fatal(err)
		}
	}
	out := logs.String()
	if n := strings.Count(out, "older than the minimum"); n != 1 {
		t.Fatalf("logged %d times, want once:\n%s", n, out)
	}
	if !strings.Contains(out, "device="+oldID) || !strings.Contains(out, "app_version=v0.1.3-4-gabc") {
		t.Fatalf("the log line does not name the device and version:\n%s", out)
	}
}
