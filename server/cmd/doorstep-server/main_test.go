package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"doorstep/server/store"
	"doorstep/sync/client"
)

func TestParseSize(t *testing.T) {
	tests := map[string]int64{"1048576": 1 << 20, "32MiB": 32 << 20, "512KiB": 512 << 10, "1GiB": 1 << 30, "10MB": 10 << 20, "7B": 7, " 3 MiB ": 3 << 20}
	for in, want := range tests {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "lots", "-5", "5TB"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) accepted", bad)
		}
	}
}

func TestUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	ctx := context.Background()
	if err := run(ctx, nil, &out, &errOut); err != nil || !strings.Contains(out.String(), "enroll-code") {
		t.Errorf("no arguments: %v %q", err, out.String())
	}
	var ue usageError
	if err := run(ctx, []string{"frobnicate"}, &out, &errOut); !errors.As(err, &ue) {
		t.Errorf("unknown command: %v", err)
	}
	if err := run(ctx, []string{"device", "revoke", "--db", filepath.Join(t.TempDir(), "x.db")}, &out, &errOut); !errors.As(err, &ue) {
		t.Errorf("revoke without an id: %v", err)
	}
	if err := run(ctx, []string{"serve", "--tls-cert", "c.pem"}, &out, &errOut); !errors.As(err, &ue) {
		t.Errorf("cert without key: %v", err)
	}
}

// TestAdminCommands runs the admin subcommands in process on one database.
func TestAdminCommands(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "admin.db")
	cmd := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if err := run(ctx, append(args, "--db", db), &out, &errOut); err != nil {
			t.Fatalf("%v: %v %s", args, err, errOut.String())
		}
		return out.String()
	}
	cmd("user", "add", "--id", "u1", "--name", "王芳", "--role", "worker", "--communities", "c1, c2")
	if out := cmd("user", "list"); !strings.Contains(out, "王芳") || !strings.Contains(out, "c1,c2") {
		t.Errorf("user list:\n%s", out)
	}
	cmd("user", "set", "--id", "u1", "--communities", "c3")
	out := cmd("enroll-code", "--user", "u1", "--server", "https://sync.example.org", "--qr", filepath.Join(t.TempDir(), "qr.png"))
	uri := ""
	for _, l := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(l, "enrollment URI:"); ok {
			uri = strings.TrimSpace(rest)
		}
	}
	if server, code, err := client.ParseEnrollURI(uri); err != nil || server != "https://sync.example.org" || len(code) != 14 {
		t.Errorf("enrollment URI %q: %s %s %v", uri, server, code, err)
	}
	if out := cmd("devices", "list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("devices list --json: %q", out)
	}
}

// selfSigned writes a certificate and key for 127.0.0.1 and returns their
// paths and a pool trusting the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "doorstep test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestServeTLS starts "serve" with a certificate, checks health over HTTPS
// and stops it as SIGTERM would (by cancelling its context).
func TestServeTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var logs bytes.Buffer
	go func() {
		done <- serve(ctx, []string{"--db", filepath.Join(t.TempDir(), "tls.db"), "--addr", addr,
			"--tls-cert", certFile, "--tls-key", keyFile, "--log-level", "warn"}, &logs)
	}()
	c := client.New("https://"+addr, "")
	c.HTTP = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	// The server opens (and migrates) a new database before it listens:
	// under -race on a loaded 2-core machine that once took more than the
	// 5 s this loop used to allow. A server that exits fails at once.
	var err error
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
		if _, err = c.Health(context.Background()); err == nil {
			break
		}
		select {
		case serr := <-done:
			t.Fatalf("serve exited before it answered: %v (log: %s)", serr, logs.String())
		case <-time.After(25 * time.Millisecond):
		}
	}
	if err != nil {
		t.Fatalf("health over TLS: %v", err)
	}
	stopServe(t, cancel, done)
}

// stopServe stops a serve started by a test as SIGTERM would (by
// cancelling its context) and waits for it to return, which must be
// without an error.
func stopServe(t *testing.T, cancel context.CancelFunc, done <-chan error) {
	t.Helper()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// TestDemo loads the demo district into a server database and checks the
// users and codes it prints.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the whole demo district")
	}
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "demo.db")
	var out bytes.Buffer
	if err := run(ctx, []string{"demo", "--db", db, "--ref", "2026-07-01", "--server", "http://127.0.0.1:9"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	last := lines[len(lines)-1]
	if server, code, err := client.ParseEnrollURI(last); err != nil || server != "http://127.0.0.1:9" || code == "" {
		t.Errorf("last line %q: %v", last, err)
	}
	for _, kind := range []string{"district supervisor", "street supervisor", "volunteer", "community worker"} {
		if !strings.Contains(out.String(), kind) {
			t.Errorf("no code for a %s:\n%s", kind, out.String())
		}
	}
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	users, err := st.Users(ctx)
	if err != nil || len(users) < 50 {
		t.Fatalf("%d users, %v", len(users), err)
	}
	// The district's history was never signed on a device: the evidence
	// follower starts after it.
	if lag, err := st.FollowLag(ctx); err != nil || lag != 0 {
		t.Errorf("evidence lag after the demo load: %d, %v; want 0", lag, err)
	}
	for _, u := range users {
		if u.Role == "volunteer" {
			a, err := st.Access(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(u.Pairings) > 0 && len(a.Elders) == 0 {
				t.Errorf("volunteer %s has pairings %v but no elders", u.Name, u.Pairings)
			}
		}
	}
	// A second run on the same database only prints new codes.
	out.Reset()
	if err := run(ctx, []string{"demo", "--db", db}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "demo district:") {
		t.Errorf("second run generated again:\n%s", out.String())
	}
}
