package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"doorstep/sync/client/api"
	"doorstep/sync/version"
)

// TestUserAgentCarriesVersion: every request names the app and its build,
// which the server logs and checks against its minimum app version.
func TestUserAgentCarriesVersion(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("User-Agent")
		json.NewEncoder(w).Encode(api.Health{Status: "ok"}) //nolint:errcheck // test server
	}))
	defer srv.Close()
	if _, err := New(srv.URL, "").Health(context.Background()); err != nil {
		t.Fatal(err)
	}
	v, ok := version.FromUserAgent(got)
	if want := os.Getenv("DOORSTEP_WANT_VERSION"); want != "" && version.String() != want {
		t.Fatalf("version.String() is %q in a test binary stamped %q (make versions)", version.String(), want)
	}
	if !ok || v != version.String() {
		t.Fatalf("User-Agent %q carries version %q (%v), want %q", got, v, ok, version.String())
	}
}
