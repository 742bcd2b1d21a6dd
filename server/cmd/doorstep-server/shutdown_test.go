package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"doorstep/server/store"
	"doorstep/sync/client"
	"doorstep/sync/client/api"
	"doorstep/sync/replica"
	"doorstep/sync/wire"
)

// TestShutdownFinishesPush: a push whose body is still arriving when the
// server is told to stop (SIGTERM cancels serve's context) is completed,
// committed and acknowledged before the server exits.
func TestShutdownFinishesPush(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "server.db")
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.AddUser(ctx, store.User{Name: "王芳", Role: "worker", Communities: []string{"c1"}})
	if err != nil {
		t.Fatal(err)
	}
	code, _, err := st.CreateEnrollCode(ctx, u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- serve(sctx, []string{"--db", db, "--addr", addr, "--log-level", "warn"}, io.Discard) }()
	c := client.New("http://"+addr, "")
	for i := 0; i < 200; i++ {
		if _, err = c.Health(ctx); err == nil {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	dev, err := replica.Open(ctx, filepath.Join(dir, "device.db"), replica.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	dev.SetUser(ctx, u.ID)
	if _, err := c.Enroll(ctx, code, "tablet", dev.Site()); err != nil {
		t.Fatal(err)
	}
	if _, err := dev.DB().Exec(`INSERT INTO households(id, community_id, head_name) VALUES ('0195f3c2-3333-7000-8000-000000000001', 'c1', '赵大爷')`); err != nil {
		t.Fatal(err)
	}
	set, err := dev.Outbox(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	if err := wire.Encode(&body, set); err != nil {
		t.Fatal(err)
	}

	// Send half the body, stop the server, then send the rest.
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", "http://"+addr+api.PathPush, pr)
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.ContentLength = int64(body.Len())
	type result struct {
		status int
		err    error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			res <- result{0, err}
			return
		}
		resp.Body.Close()
		res <- result{resp.StatusCode, nil}
	}()
	half := body.Len() / 2
	pw.Write(body.Bytes()[:half])
	time.Sleep(100 * time.Millisecond) // the request is in the handler now
	stop()
	time.Sleep(100 * time.Millisecond) // shutdown has begun
	pw.Write(body.Bytes()[half:])
	pw.Close()
	r := <-res
	if r.err != nil || r.status != http.StatusOK {
		t.Fatalf("push in flight at shutdown: %d %v", r.status, r.err)
	}
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	sdb, _ := sql.Open("sqlite", "file:"+db+"?mode=ro")
	defer sdb.Close()
	var n int
	if err := sdb.QueryRow(`SELECT count(*) FROM households`).Scan(&n); err != nil || n != 1 {
		t.Errorf("households on the server after shutdown: %d, %v", n, err)
	}
}
