package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestBodyClockLiftedAtEOF: once the whole body is in, its deadline no
// longer applies, so a handler working longer than the body was given (an
// ingest waiting its turn) is not cancelled by net/http's background read
// timing out.
func TestBodyClockLiftedAtEOF(t *testing.T) {
	s := &Server{cfg: Config{BodyGrace: 50 * time.Millisecond, MinBodyRate: 1 << 30}}
	ctxErr := make(chan error, 1)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := s.clockBody(w, r)
		if _, err := io.ReadAll(r.Body); err != nil {
			t.Errorf("read body: %v", err)
		}
		// Readers often ask once more after the end (io.Copy through a
		// LimitReader, a JSON decoder).
		if n, err := r.Body.Read(make([]byte, 8)); n != 0 || err != io.EOF {
			t.Errorf("read past the end: %d, %v", n, err)
		}
		time.Sleep(300 * time.Millisecond) // well past grace + bytes/rate
		ctxErr <- r.Context().Err()
		if body.unread(r) {
			t.Error("body read to EOF counts as unread")
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer ts.Close()
	resp, err := http.Post(ts.URL, "text/plain", strings.NewReader("a small body"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := <-ctxErr; err != nil {
		t.Errorf("request context after the body deadline passed: %v", err)
	}
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("status %d", resp.StatusCode)
	}
}
