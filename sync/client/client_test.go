package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"doorstep/sync/client/api"
)

func TestUnreachable(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close() // nobody listens there now
	_, err := New("http://"+addr, "t").Me(context.Background())
	if !errors.Is(err, ErrUnreachable) {
		t.Errorf("refused connection: %v", err)
	}
	var ae *api.Error
	if errors.As(err, &ae) {
		t.Error("a transport failure looks like a server refusal")
	}
}

// TestNotTheServer: a proxy or captive portal answering in HTML is the
// network's fault, not the sync server's refusal.
func TestNotTheServer(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte("<html>请登录 Wi-Fi</html>"))
	}))
	defer ts.Close()
	_, err := New(ts.URL, "t").Me(context.Background())
	if !errors.Is(err, ErrUnreachable) {
		t.Errorf("portal page: %v", err)
	}
}

func TestAPIError(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			t.Errorf("authorization header %q", r.Header.Get("Authorization"))
		}
		w.Header().Set("Retry-After", "3")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"code":"rate_limited","message":"slow down"}`))
	}))
	defer ts.Close()
	_, err := New(ts.URL, "tok").Me(context.Background())
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Code != api.CodeRateLimited || ae.RetryAfter != 3*time.Second {
		t.Errorf("rate limited: %v", err)
	}
	if errors.Is(err, ErrUnreachable) {
		t.Error("a refusal looks like an outage")
	}
}

func TestClockAheadCarriesServerTime(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		w.Write([]byte(`{"code":"clock_ahead","message":"set the date","server_time":"2026-03-01T08:00:00Z"}`))
	}))
	defer ts.Close()
	_, err := New(ts.URL, "tok").Me(context.Background())
	var ae *api.Error
	if !errors.As(err, &ae) || ae.ServerTime == nil || !ae.ServerTime.Equal(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("clock ahead: %v", err)
	}
}

func TestEnrollURI(t *testing.T) {
	uri := EnrollURI("https://sync.example.org:8443", "AB12-CD34-EF56")
	s, c, err := ParseEnrollURI(uri)
	if err != nil || s != "https://sync.example.org:8443" || c != "AB12-CD34-EF56" {
		t.Errorf("round trip %q: %s %s %v", uri, s, c, err)
	}
	for _, bad := range []string{"https://x", "doorstep://enroll?code=x", "doorstep://other?server=a&code=b", "%"} {
		if _, _, err := ParseEnrollURI(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCancelledIsNotUnreachable(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer ts.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := New(ts.URL, "t").Me(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrUnreachable) {
		t.Errorf("cancelled request: %v", err)
	}
}
