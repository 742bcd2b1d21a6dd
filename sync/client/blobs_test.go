package client

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"doorstep/sync/client/api"
)

// countingListener counts the bytes the server reads from its connections.
type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	return countingConn{c, l.n}, err
}

type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// TestUploadRefusedBeforeTheBytes: a piece the server refuses without
// reading it (here too_large) is refused before the device sends it
// (Expect: 100-continue), so the device reads the refusal instead of a
// connection reset half-way through a megabyte, and spends no data on it.
func TestUploadRefusedBeforeTheBytes(t *testing.T) {
	var read atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		json.NewEncoder(w).Encode(api.Error{Code: api.CodeTooLarge, Message: "over the limit"})
	}))
	srv.Listener = countingListener{srv.Listener, &read}
	srv.Start()
	defer srv.Close()
	data := bytes.Repeat([]byte("签名"), 700_000)
	_, err := New(srv.URL, "token").UploadBlob(context.Background(), bytes.NewReader(data), int64(len(data)))
	if api.ErrorCode(err) != api.CodeTooLarge {
		t.Fatalf("upload: %v, want %s", err, api.CodeTooLarge)
	}
	if n := read.Load(); n > 64<<10 {
		t.Errorf("the server read %d bytes of a refused upload: the piece was sent anyway", n)
	}
}
