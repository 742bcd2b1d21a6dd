package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeDebugAddr checks --debug-addr: the profiler answers on its own
// loopback listener (and not on the API's), and an address that is not
// loopback is refused as a usage error before any database is created.
func TestServeDebugAddr(t *testing.T) {
	free := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		return ln.Addr().String()
	}
	// A cancelled context: a server that wrongly accepted the address
	// stops at once instead of serving until the test times out.
	stopped, stop := context.WithCancel(context.Background())
	stop()
	for _, bad := range []string{"0.0.0.0:6060", ":6060", "192.0.2.1:6060", "example.org:6060", "6060"} {
		db := filepath.Join(t.TempDir(), "refused.db")
		var logs bytes.Buffer
		err := serve(stopped, []string{"--db", db, "--addr", free(), "--debug-addr", bad}, &logs)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--debug-addr") {
			t.Errorf("--debug-addr %s: got %v, want a usage error naming --debug-addr", bad, err)
		}
		if _, err := os.Stat(db); err == nil {
			t.Errorf("--debug-addr %s: a database was created before the address was refused", bad)
		}
	}

	addr, debug := free(), free()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() {
		done <- serve(ctx, []string{"--db", filepath.Join(t.TempDir(), "debug.db"), "--addr", addr,
			"--debug-addr", debug, "--log-level", "warn"}, &logs)
	}()
	get := func(url string) (int, string, error) {
		c := &http.Client{Timeout: 5 * time.Second}
		resp, err := c.Get(url)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), nil
	}
	var (
		code int
		body string
		err  error
	)
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
		if code, body, err = get("http://" + debug + "/debug/pprof/"); err == nil {
			break
		}
		select {
		case serr := <-done:
			t.Fatalf("serve exited: %v (log: %s)", serr, logs.String())
		case <-time.After(25 * time.Millisecond):
		}
	}
	if err != nil || code != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Fatalf("profiler index: %d %q %v", code, body, err)
	}
	if code, _, err := get("http://" + addr + "/debug/pprof/cmdline"); err != nil || code != http.StatusNotFound {
		t.Errorf("the API listener answered /debug/pprof/cmdline with %d (%v), want 404", code, err)
	}
	stopServe(t, cancel, done)
	if _, _, err := get("http://" + debug + "/debug/pprof/"); err == nil {
		t.Error("the profiler still answers after serve returned")
	}
}
