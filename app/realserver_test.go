package app

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"doorstep/server/store"
	"doorstep/sync/client"
)

// The end-to-end harness: the real doorstep-server binary, built once per
// test binary run as `make server` builds it, run as its own process on a
// temp database, with users and enrollment codes from its admin commands.

// serverBin is the doorstep-server binary shared by the tests of one run;
// TestMain removes its folder at the end.
var serverBin struct {
	once     sync.Once
	dir, bin string
	err      error
}

// TestMain runs the package's tests, then removes the server binary built
// for them.
func TestMain(m *testing.M) {
	code := m.Run()
	if serverBin.dir != "" {
		os.RemoveAll(serverBin.dir)
	}
	os.Exit(code)
}

// serverBinary builds the server binary on first use, with CGO_ENABLED=0
// as `make server` does, and returns its path.
func serverBinary(t *testing.T) string {
	t.Helper()
	serverBin.once.Do(func() {
		dir, err := os.MkdirTemp("", "doorstep-server-bin")
		if err != nil {
			serverBin.err = err
			return
		}
		serverBin.dir = dir
		bin := filepath.Join(dir, "doorstep-server")
		cmd := exec.Command("go", "build", "-o", bin, "doorstep/server/cmd/doorstep-server")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			serverBin.err = fmt.Errorf("go build doorstep-server: %w\n%s", err, out)
			return
		}
		serverBin.bin = bin
	})
	if serverBin.err != nil {
		t.Fatal(serverBin.err)
	}
	return serverBin.bin
}

// realServer is a doorstep-server process on a temp database.
type realServer struct {
	bin, db, url string
}

// newRealServer gives the server binary a fresh database in a temp folder
// of the test; serve starts it.
func newRealServer(t *testing.T) *realServer {
	t.Helper()
	return &realServer{bin: serverBinary(t), db: filepath.Join(t.TempDir(), "server.db")}
}

// admin runs an admin subcommand of the server on its database.
func (s *realServer) admin(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(s.bin, args...)
	cmd.Env = append(os.Environ(), "DOORSTEP_DB="+s.db)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("doorstep-server %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// addUser adds a user with the admin command ("user add", which also makes
// the staff row) and returns the new user's id; scope holds flags such as
// --street=... or --communities=....
func (s *realServer) addUser(t *testing.T, name, role string, scope ...string) string {
	t.Helper()
	id := uuid.Must(uuid.NewV7()).String()
	s.admin(t, append([]string{"user", "add", "--id", id, "--name", name, "--role", role}, scope...)...)
	return id
}

// enrollCode makes a one-time enrollment code for user with the admin
// command.
func (s *realServer) enrollCode(t *testing.T, user string) string {
	t.Helper()
	out := s.admin(t, "enroll-code", "--user", user)
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, "enrollment code:"); ok {
			return strings.TrimSpace(rest)
		}
	}
	t.Fatalf("no enrollment code in %q", out)
	return ""
}

// store opens the server's database beside the running server process,
// as an admin command does, on the wall clock. The caller closes it.
func (s *realServer) store(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), s.db, store.Options{Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// exec runs SQL statements on the server's database from the test, the
// way an admin command writes to it: a separate connection on the wall
// clock, whose writes the sync triggers capture.
func (s *realServer) exec(t *testing.T, queries ...string) {
	t.Helper()
	ctx := context.Background()
	st := s.store(t)
	defer st.Close()
	for _, q := range queries {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// settle waits until the server has verified the evidence of everything
// stored (a push is answered before its verification): until no changed
// row is left above the verification watermark.
func (s *realServer) settle(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	st := s.store(t)
	defer st.Close()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		lag, err := st.FollowLag(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if lag == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server's evidence verification did not catch up within 30 s: %d rows waiting", lag)
		}
	}
}

// count runs a count query on the server's database, read beside the
// running server process.
func (s *realServer) count(t *testing.T, query string) int {
	t.Helper()
	st := s.store(t)
	defer st.Close()
	var n int
	if err := st.DB().QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// serve runs "doorstep-server serve" at a free loopback port until the
// test ends, and sets url once it answers health checks.
func (s *realServer) serve(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	logPath := filepath.Join(t.TempDir(), "server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(s.bin, "serve", "--db", s.db, "--addr", addr, "--rate", "-1")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		logFile.Close()
	})
	url := "http://" + addr
	c := client.New(url, "")
	for deadline := time.Now().Add(30 * time.Second); ; {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := c.Health(ctx)
		cancel()
		if err == nil {
			s.url = url
			return
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(logPath)
			t.Fatalf("doorstep-server exited at start:\n%s", log)
		default:
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logPath)
			t.Fatalf("doorstep-server not healthy after 30 s: %v\n%s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
