package server_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"doorstep/server/internal/pgtest"
	"doorstep/server/store"
	"doorstep/sync/client"
)

// The end-to-end tests run the real doorstep-server binary, built once per
// test run with CGO_ENABLED=0 exactly as `make server` builds it.
var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// TestMain removes the built binary after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

func serverBinary(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "doorstep-server-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "doorstep-server")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/doorstep-server")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build doorstep-server: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		tb.Fatal(buildErr)
	}
	return binPath
}

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serverProc is a running doorstep-server process.
type serverProc struct {
	tb     testing.TB
	db     string
	blobs  string // blob directory on PostgreSQL, unless args name one
	addr   string
	args   []string
	cmd    *exec.Cmd
	logMu  sync.Mutex
	log    strings.Builder
	exited chan struct{}
}

// startServer runs "doorstep-server serve" on a temp database (or db) and
// waits until it answers health checks.
func startServer(tb testing.TB, db, addr string, extra ...string) *serverProc {
	tb.Helper()
	p := &serverProc{tb: tb, db: db, addr: addr, args: extra, blobs: tb.TempDir()}
	p.start()
	tb.Cleanup(func() { p.stop(syscall.SIGKILL) })
	return p
}

func (p *serverProc) start() {
	p.tb.Helper()
	if err := p.tryStart(); err != nil {
		p.tb.Fatal(err)
	}
}

// tryStart runs the server and waits until it answers health checks; it
// returns an error (the process stopped) when it exits at start or is not
// healthy within 20 s.
func (p *serverProc) tryStart() error {
	args := append([]string{"serve", "--db", p.db, "--addr", p.addr, "--metrics-token", "m", "--rate", "-1", "--log-level", "info"}, p.args...)
	if store.IsPostgres(p.db) && !slices.Contains(p.args, "--blobs") {
		args = append(args, "--blobs", p.blobs)
	}
	p.cmd = exec.Command(serverBinary(p.tb), args...)
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		return fmt.Errorf("start server: %w", err)
	}
	if err := p.cmd.Start(); err != nil {
		return fmt.Errorf("start server: %w", err)
	}
	p.exited = make(chan struct{})
	go func(cmd *exec.Cmd, r io.Reader, done chan struct{}) {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			p.logMu.Lock()
			p.log.WriteString(sc.Text() + "\n")
			p.logMu.Unlock()
		}
		cmd.Wait()
		close(done)
	}(p.cmd, stderr, p.exited)
	c := client.New("http://"+p.addr, "")
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := c.Health(ctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("server on %s exited at start: %s", p.addr, p.logs())
		default:
		}
		if time.Now().After(deadline) {
			p.stop(syscall.SIGKILL)
			return fmt.Errorf("server on %s not healthy after 20 s: %v\n%s", p.addr, err, p.logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop sends sig and waits for the process to end.
func (p *serverProc) stop(sig syscall.Signal) {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	select {
	case <-p.exited:
		return
	default:
	}
	p.cmd.Process.Signal(sig)
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
	}
}

func (p *serverProc) logs() string {
	p.logMu.Lock()
	defer p.logMu.Unlock()
	return p.log.String()
}

func (p *serverProc) url() string { return "http://" + p.addr }

// settle waits until the server has verified the evidence of everything
// stored (pushes are answered before their verification, evidencefollow.go):
// until /metrics says no changed row is left above the watermark.
func (p *serverProc) settle() {
	p.tb.Helper()
	if err := waitEvidence(p.url(), "m", 30*time.Second); err != nil {
		p.tb.Fatalf("%v\nserver log:\n%s", err, p.logs())
	}
}

// waitEvidence polls a server's /metrics until doorstep_evidence_lag_rows
// is 0, for at most d.
func waitEvidence(url, token string, d time.Duration) error {
	deadline := time.Now().Add(d)
	last := "no answer"
	for {
		req, err := http.NewRequest(http.MethodGet, url+"/metrics", nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		if resp, err := http.DefaultClient.Do(req); err != nil {
			last = err.Error()
		} else {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			last = "no doorstep_evidence_lag_rows in /metrics"
			for _, line := range strings.Split(string(body), "\n") {
				if v, ok := strings.CutPrefix(line, "doorstep_evidence_lag_rows "); ok {
					if v == "0" {
						return nil
					}
					last = "lag " + v
				}
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("evidence verification did not catch up within %s: %s", d, last)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// processDB returns the database for the server processes of a test: a
// SQLite file in dir, or with DOORSTEP_TEST_STORE=postgres a fresh
// PostgreSQL database (see helpers_test.go's testStoreDB).
func processDB(tb testing.TB, dir string) string {
	tb.Helper()
	if os.Getenv("DOORSTEP_TEST_STORE") == "postgres" {
		return pgtest.FreshDatabase(tb)
	}
	return filepath.Join(dir, "server.db")
}

// inspectDB opens a server database for a test to read: read-only for
// SQLite; through a store (whose handle takes "?" placeholders) for
// PostgreSQL. It is closed when the test ends.
func inspectDB(tb testing.TB, db string) *sql.DB {
	tb.Helper()
	if store.IsPostgres(db) {
		st, err := store.Open(context.Background(), db, store.Options{})
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { st.Close() })
		return st.DB()
	}
	sdb, err := sql.Open("sqlite", "file:"+db+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { sdb.Close() })
	return sdb
}

// admin runs an admin subcommand on the same database and returns its
// output.
func admin(tb testing.TB, db string, args ...string) string {
	tb.Helper()
	cmd := exec.Command(serverBinary(tb), args...)
	cmd.Env = append(os.Environ(), "DOORSTEP_DB="+db)
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("doorstep-server %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// enrollCode creates an enrollment code for user with the admin command.
func enrollCode(tb testing.TB, db, user string) string {
	tb.Helper()
	out := admin(tb, db, "enroll-code", "--user", user)
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, "enrollment code:"); ok {
			return strings.TrimSpace(rest)
		}
	}
	tb.Fatalf("no code in %q", out)
	return ""
}
