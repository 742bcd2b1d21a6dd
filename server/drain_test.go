package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"doorstep/sync/client/api"
)

// getRaw sends GET url on a connection of its own and returns the status,
// the error code of a JSON error body, and whether the server asked to
// close the connection.
func getRaw(t *testing.T, url string) (status int, code api.Code, closed bool, retryAfter string) {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	var e api.Error
	if resp.StatusCode >= 400 {
		if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
			t.Fatalf("GET %s: %d with no JSON error: %v", url, resp.StatusCode, err)
		}
	}
	return resp.StatusCode, e.Code, resp.Close, resp.Header.Get("Retry-After")
}

// TestDrainBeforeStop: with --drain-delay, SIGTERM takes the process out
// of a load balancer's rotation (/readyz 503, every answer closing its
// connection) while it keeps serving devices in full for the delay, then
// stops cleanly; a second signal ends the delay early.
func TestDrainBeforeStop(t *testing.T) {
	dir := t.TempDir()
	db := processDB(t, dir)
	const delay = 4 * time.Second
	srv := startServer(t, db, freeAddr(t), "--drain-delay", delay.String())
	sv := uid()
	admin(t, db, "user", "add", "--id", sv, "--name", "区民政局 刘", "--role", "supervisor")
	dev := newE2EDevice(t, srv, "district", sv)

	if st, _, closed, _ := getRaw(t, srv.url()+api.PathReady); st != http.StatusOK || closed {
		t.Fatalf("before the signal: /readyz %d, connection closed %v; want 200 on a kept connection", st, closed)
	}
	if st, _, closed, _ := getRaw(t, srv.url()+api.PathHealth); st != http.StatusOK || closed {
		t.Fatalf("before the signal: /v1/health %d, connection closed %v; want 200 on a kept connection", st, closed)
	}

	signalled := time.Now()
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for {
		st, code, closed, retry := getRaw(t, srv.url()+api.PathReady)
		if st == http.StatusServiceUnavailable {
			if code != api.CodeBusy || !closed || retry == "" {
				t.Fatalf("draining /readyz: code %q, connection closed %v, Retry-After %q", code, closed, retry)
			}
			break
		}
		if time.Since(signalled) > 2*time.Second {
			t.Fatalf("/readyz still %d 2 s after SIGTERM\n%s", st, srv.logs())
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Still serving in full: a push and a pull go through, each answer
	// closing its connection.
	street := uid()
	dev.exec(t, `INSERT INTO streets(id, name) VALUES (?, '焦西街道')`, street)
	if st := dev.sync(t); st.Pushed == 0 {
		t.Fatalf("sync while draining pushed nothing: %+v", st)
	}
	if st, _, closed, _ := getRaw(t, srv.url()+api.PathHealth); st != http.StatusOK || !closed {
		t.Errorf("draining /v1/health: %d, connection closed %v; want 200 and Connection: close", st, closed)
	}
	req, _ := http.NewRequest("GET", srv.url()+api.PathMetrics, nil)
	req.Header.Set("Authorization", "Bearer m")
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Error(err)
	} else {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), "doorstep_draining 1") {
			t.Errorf("/metrics while draining:\n%s", body)
		}
	}
	select {
	case <-srv.exited:
		t.Fatalf("stopped %v after SIGTERM, before the %v drain delay\n%s", time.Since(signalled), delay, srv.logs())
	default:
	}
	select {
	case <-srv.exited:
	case <-time.After(delay + 20*time.Second):
		t.Fatalf("not stopped %v after SIGTERM\n%s", time.Since(signalled), srv.logs())
	}
	if took := time.Since(signalled); took < delay {
		t.Errorf("stopped %v after SIGTERM, before the %v drain delay", took, delay)
	}
	logs := srv.logs()
	if !strings.Contains(logs, `"msg":"draining`) || !strings.Contains(logs, `"msg":"stopped"`) {
		t.Errorf("no drain then clean stop in the log:\n%s", logs)
	}
	var n int
	if err := inspectDB(t, db).QueryRow(`SELECT count(*) FROM streets WHERE id = ?`, street).Scan(&n); err != nil || n != 1 {
		t.Errorf("the push made while draining: %d rows stored, %v", n, err)
	}

	// A second signal ends a long delay at once.
	srv2 := startServer(t, processDB(t, t.TempDir()), freeAddr(t), "--drain-delay", "10m")
	signalled = time.Now()
	if err := srv2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for {
		if st, _, _, _ := getRaw(t, srv2.url()+api.PathReady); st == http.StatusServiceUnavailable {
			break
		}
		if time.Since(signalled) > 2*time.Second {
			t.Fatalf("/readyz not 503 2 s after SIGTERM\n%s", srv2.logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
	srv2.stop(syscall.SIGTERM)
	if took := time.Since(signalled); took > 15*time.Second {
		t.Errorf("a second SIGTERM during a 10 m drain: stopped after %v", took)
	}
	if !strings.Contains(srv2.logs(), "second signal") || !strings.Contains(srv2.logs(), `"msg":"stopped"`) {
		t.Errorf("no early clean stop in the log:\n%s", srv2.logs())
	}
}
