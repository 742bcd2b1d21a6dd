package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// dribble sends a request whose head is head and whose body is sent a
// piece every interval, until the server answers or closes, and returns
// the answer's bytes and how long after the head the server finished with
// the connection (answered and closed, or — when keep is true — answered).
func dribble(t *testing.T, addr, head string, pieces [][]byte, interval time.Duration, keep bool) (string, time.Duration) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for _, p := range pieces {
			select {
			case <-stop:
				return
			case <-time.After(interval):
			}
			if _, err := conn.Write(p); err != nil {
				return
			}
		}
	}()
	// Generous bound: the server under test must be done long before; the
	// old server held such connections for ten minutes.
	conn.SetReadDeadline(time.Now().Add(90 * time.Second))
	var got bytes.Buffer
	buf := make([]byte, 4096)
	for {
		n, err := conn.Read(buf)
		got.Write(buf[:n])
		if keep && bytes.Contains(got.Bytes(), []byte("\r\n\r\n")) && bytes.HasSuffix(got.Bytes(), []byte("}\n")) {
			break
		}
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatalf("server still holding the connection after %v; answer so far %q", time.Since(start).Round(time.Second), got.String())
			}
			break
		}
	}
	return got.String(), time.Since(start)
}

// pieces cuts n bytes of b into pieces of size.
func pieces(b []byte, size int) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		k := min(size, len(b))
		out = append(out, b[:k])
		b = b[k:]
	}
	return out
}

// TestSlowBodies (issue 10, 8): a request is authenticated from its
// headers before any of its body is read, a refused request is answered
// and closed at once, and a body is read against a minimum rate, not a
// flat ten minutes: a dribbling client is cut off within seconds, an
// honest slow upload completes.
func TestSlowBodies(t *testing.T) {
	s := startRaw(t, "--body-grace", "2s", "--min-body-rate", "1KiB")
	user := s.addUser(t, "--name", "甲", "--role", "worker", "--communities", "cA")
	d := s.enrollRaw(t, user, "")
	const declared = 100000
	dribbled := pieces(bytes.Repeat([]byte("x"), declared), 10) // 10 bytes a piece

	t.Run("NoToken", func(t *testing.T) {
		head := fmt.Sprintf("POST /v1/push HTTP/1.1\r\nHost: %s\r\nContent-Type: application/vnd.doorstep.changeset+gzip\r\nContent-Length: %d\r\n\r\n", s.addr, declared)
		ans, took := dribble(t, s.addr, head, dribbled, 500*time.Millisecond, false)
		if !strings.HasPrefix(ans, "HTTP/1.1 401 ") || !strings.Contains(ans, `"code":"unauthorized"`) {
			t.Errorf("answer %q, want 401 unauthorized", ans)
		}
		if took > 10*time.Second {
			t.Errorf("unauthenticated dribbling request held for %v", took.Round(time.Millisecond))
		}
	})
	t.Run("BadTokenChunked", func(t *testing.T) {
		head := fmt.Sprintf("PUT /v1/blobs/%s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer dst_not-a-real-token\r\nTransfer-Encoding: chunked\r\n\r\n", strings.Repeat("a", 64), s.addr)
		var chunks [][]byte
		for range 200 {
			chunks = append(chunks, []byte("a\r\n0123456789\r\n"))
		}
		ans, took := dribble(t, s.addr, head, chunks, 500*time.Millisecond, false)
		if !strings.HasPrefix(ans, "HTTP/1.1 401 ") {
			t.Errorf("answer %q, want 401", ans)
		}
		if took > 10*time.Second {
			t.Errorf("unauthenticated chunked request held for %v", took.Round(time.Millisecond))
		}
	})
	t.Run("TokenButDribbling", func(t *testing.T) {
		head := fmt.Sprintf("POST /v1/push HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/vnd.doorstep.changeset+gzip\r\nContent-Length: %d\r\n\r\n", s.addr, d.token, declared)
		ans, took := dribble(t, s.addr, head, dribbled, 500*time.Millisecond, false)
		if !strings.HasPrefix(ans, "HTTP/1.1 400 ") || !strings.Contains(ans, "too slowly") {
			t.Errorf("answer %q, want 400 for a body under the minimum rate", ans)
		}
		// 2 s of grace plus the few bytes received at 1 KiB/s.
		if took > 15*time.Second {
			t.Errorf("dribbling push held for %v", took.Round(time.Millisecond))
		}
	})
	t.Run("SlowButSteadyUpload", func(t *testing.T) {
		blob := bytes.Repeat([]byte("照片"), 2048) // 12 KiB at ~3 KiB/s: 4 s, over the grace
		sum := sha256.Sum256(blob)
		head := fmt.Sprintf("PUT /v1/blobs/%s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n",
			hex.EncodeToString(sum[:]), s.addr, d.token, len(blob))
		ans, took := dribble(t, s.addr, head, pieces(blob, 1024), 300*time.Millisecond, true)
		if !strings.HasPrefix(ans, "HTTP/1.1 201 ") {
			t.Errorf("steady upload of %d bytes over %v: %q, want 201", len(blob), took.Round(time.Millisecond), ans)
		}
	})
}
