package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"doorstep/schema"
	"doorstep/server/store"
	"doorstep/sync/client"
	"doorstep/sync/client/api"
)

func TestHealth(t *testing.T) {
	e := newEnv(t, Config{})
	h, err := client.New(e.ts.URL, "").Health(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	epoch, _ := e.store.Epoch(context.Background())
	if h.Status != "ok" || h.Epoch != epoch || h.SchemaVersion != schema.Version {
		t.Errorf("health %+v", h)
	}
}

func TestEnrollAPI(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	w := e.user(t, workerC1)
	code, _, err := e.store.CreateEnrollCode(ctx, w.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c := client.New(e.ts.URL, "")
	resp, err := c.Enroll(ctx, code, "王芳的平板", "")
	if err != nil {
		t.Fatal(err)
	}
	if resp.User.ID != w.ID || resp.User.Role != schema.RoleWorker || resp.Token == "" || resp.SiteID == "" || resp.ExpiresAt.IsZero() {
		t.Errorf("enroll response %+v", resp)
	}
	me, err := c.Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if me.DeviceID != resp.DeviceID || me.User.Communities[0] != "c1" {
		t.Errorf("me %+v", me)
	}
	_, err = client.New(e.ts.URL, "").Enroll(ctx, code, "again", "")
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Code != api.CodeUnauthorized {
		t.Errorf("reused code: %v", err)
	}
}

// TestAuth: every endpoint but health and enroll needs a valid token, and a
// revocation (from another handle on the database, as the admin command
// does) is effective at the next request.
func TestAuth(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	w := e.user(t, workerC1)
	c, dev := e.enroll(t, w.ID, "")
	if _, err := c.Me(ctx); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{api.PathMe, api.PathPull, api.PathBlobs + strings.Repeat("a", 64)} {
		resp, err := http.Get(e.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without token: %d", path, resp.StatusCode)
		}
	}
	resp, err := http.Post(e.ts.URL+api.PathPush, client.ContentType, strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("push without token: %d", resp.StatusCode)
	}
	if err := e.store.RevokeDevice(ctx, dev); err != nil {
		t.Fatal(err)
	}
	_, err = c.Me(ctx)
	if api.ErrorCode(err) != api.CodeRevoked {
		t.Errorf("after revoke: %v", err)
	}
}

func TestTokenExpiry(t *testing.T) {
	e := newEnv(t, Config{TokenTTL: time.Hour})
	w := e.user(t, workerC1)
	c, _ := e.enroll(t, w.ID, "")
	e.clock.Advance(61 * time.Minute)
	_, err := c.Me(context.Background())
	if api.ErrorCode(err) != api.CodeExpired {
		t.Errorf("expired token: %v", err)
	}
}

func TestUnknownEndpoint(t *testing.T) {
	e := newEnv(t, Config{})
	for _, tc := range []struct {
		method, path string
		status       int
		code         api.Code
	}{
		{"GET", "/v1/nothing", 404, api.CodeNotFound},
		{"DELETE", api.PathPush, 405, api.CodeMethod},
		{"POST", api.PathHealth, 405, api.CodeMethod},
		{"DELETE", api.PathBlobs + "abc", 405, api.CodeMethod},
	} {
		req, _ := http.NewRequest(tc.method, e.ts.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body api.Error
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || body.Code != tc.code {
			t.Errorf("%s %s: %d %q, want %d %q", tc.method, tc.path, resp.StatusCode, body.Code, tc.status, tc.code)
		}
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, Config{Rate: 1, Burst: 3})
	w := e.user(t, workerC1)
	c, _ := e.enroll(t, w.ID, "")
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := c.Me(ctx); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	_, err := c.Me(ctx)
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Code != api.CodeRateLimited || ae.RetryAfter < time.Second {
		t.Fatalf("fourth request: %v", err)
	}
	e.clock.Advance(time.Second)
	if _, err := c.Me(ctx); err != nil {
		t.Errorf("after waiting: %v", err)
	}
}

func TestEnrollRateLimit(t *testing.T) {
	e := newEnv(t, Config{})
	c := client.New(e.ts.URL, "")
	var last error
	for i := 0; i < 12; i++ {
		_, last = c.Enroll(context.Background(), "AAAA-AAAA-AAAA", "guess", "")
	}
	if api.ErrorCode(last) != api.CodeRateLimited {
		t.Errorf("twelfth guess: %v", last)
	}
}

func TestMetrics(t *testing.T) {
	e := newEnv(t, Config{})
	w := e.user(t, workerC1)
	c, _ := e.enroll(t, w.ID, "")
	c.Me(context.Background())
	client.New(e.ts.URL, "dst_nope").Me(context.Background())
	get := func(token string) (int, string) {
		req, _ := http.NewRequest("GET", e.ts.URL+api.PathMetrics, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, _ := get(""); st != http.StatusUnauthorized {
		t.Errorf("metrics without token: %d", st)
	}
	st, body := get(testMetricsToken)
	if st != http.StatusOK {
		t.Fatalf("metrics: %d %s", st, body)
	}
	for _, want := range []string{
		"doorstep_enrollments_total 1",
		`doorstep_rejected_requests_total{code="unauthorized"} 2`, // a bad device token, a scrape without one
		`doorstep_request_duration_seconds_count{endpoint="me"} 2`,
		`doorstep_request_duration_seconds_bucket{endpoint="me",le="+Inf"} 2`,
		"# TYPE doorstep_request_duration_seconds histogram",
		"doorstep_server_sequence ",
		"doorstep_pushes_total 0",
		"doorstep_ingest_groups 0",
		"# TYPE doorstep_pull_row_cache_hits gauge",
		"# TYPE doorstep_pull_row_cache_misses gauge",
		"# TYPE doorstep_db_open_connections gauge",
		"# TYPE doorstep_db_idle_connections gauge",
		"# TYPE doorstep_db_max_idle_closed gauge",
		"# TYPE doorstep_db_idle_time_closed gauge",
		"doorstep_draining 0",
		"doorstep_store_outdated 0",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
}

func TestBlobAPI(t *testing.T) {
	e := newEnv(t, Config{BlobLimit: 4 << 20})
	ctx := context.Background()
	w := e.user(t, workerC1)
	other := e.user(t, store.User{Name: "李娜", Role: schema.RoleWorker, Communities: []string{"c2"}})
	cw, _ := e.enroll(t, w.ID, "")
	co, _ := e.enroll(t, other.ID, "")

	data := bytes.Repeat([]byte("签名"), 700_000) // 4.2 MB: over the limit
	if _, err := cw.UploadBlob(ctx, bytes.NewReader(data), int64(len(data))); api.ErrorCode(err) != api.CodeTooLarge {
		t.Errorf("oversized blob: %v", err)
	}
	data = data[:2_500_000] // three chunks
	hash, err := cw.UploadBlob(ctx, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	// The uploader may fetch it; a worker of another community may not,
	// until a row they may read references it.
	var buf bytes.Buffer
	if _, err := cw.DownloadBlob(ctx, hash, 0, &buf); err != nil || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("download by uploader: %v", err)
	}
	if _, err := co.DownloadBlob(ctx, hash, 0, io.Discard); api.ErrorCode(err) != api.CodeNotFound {
		t.Errorf("download by a stranger: %v", err)
	}
	// Resumed download.
	buf.Reset()
	if _, err := cw.DownloadBlob(ctx, hash, 1000, &buf); err != nil || !bytes.Equal(buf.Bytes(), data[1000:]) {
		t.Errorf("ranged download: %v", err)
	}
	// Uploading again sends nothing and succeeds.
	if h2, err := co.UploadBlob(ctx, bytes.NewReader(data), int64(len(data))); err != nil || h2 != hash {
		t.Errorf("second upload: %s %v", h2, err)
	}
}

// TestBlobResume: an upload cut off mid-way continues where the server's
// copy ends; bytes that do not match the name are refused.
func TestBlobResume(t *testing.T) {
	e := newEnv(t, Config{})
	ctx := context.Background()
	w := e.user(t, workerC1)
	c, _ := e.enroll(t, w.ID, "")
	data := bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7}, 300_000)
	hash, _ := client.HashBlob(bytes.NewReader(data))
	put := func(rng string, body []byte) *http.Response {
		req, _ := http.NewRequest("PUT", e.ts.URL+api.PathBlobs+hash, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+c.Token)
		if rng != "" {
			req.Header.Set("Content-Range", rng)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := put("bytes 0-99999/2100000", data[:100000])
	if resp.StatusCode != http.StatusAccepted || resp.Header.Get(api.HeaderUploadOffset) != "100000" {
		t.Fatalf("first piece: %d %s", resp.StatusCode, resp.Header.Get(api.HeaderUploadOffset))
	}
	if resp := put("bytes 50-99/2100000", data[50:100]); resp.StatusCode != http.StatusConflict {
		t.Errorf("overlapping piece: %d", resp.StatusCode)
	}
	if resp := put("bytes 0-1/0", nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad range: %d", resp.StatusCode)
	}
	// The client resumes from the server's offset.
	got, err := c.UploadBlob(ctx, bytes.NewReader(data), int64(len(data)))
	if err != nil || got != hash {
		t.Fatalf("resumed upload: %v", err)
	}
	if n := e.srv.Metrics().BlobBytes.Load(); n != int64(len(data)) {
		t.Errorf("blob bytes received %d, want %d (no byte twice)", n, len(data))
	}
	wrong := strings.Repeat("0", 64)
	req, _ := http.NewRequest("PUT", e.ts.URL+api.PathBlobs+wrong, bytes.NewReader([]byte("not zero")))
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body api.Error
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || body.Code != api.CodeHashMismatch {
		t.Errorf("mismatched blob: %d %q", resp.StatusCode, body.Code)
	}
}
