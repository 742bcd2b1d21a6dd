package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"doorstep/server/store"
)

// serveFlags returns the flags and environment variables "serve -h" lists.
func serveFlags(t *testing.T) (flags, vars map[string]bool) {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"serve", "-h"}, &out, &out); err == nil || !strings.Contains(out.String(), "-addr") {
		t.Fatalf("serve -h: %v\n%s", err, out.String())
	}
	flags, vars = map[string]bool{}, map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(out.String(), -1) {
		flags[m[1]] = true
	}
	for _, m := range regexp.MustCompile(`env (DOORSTEP_[A-Z_]+)`).FindAllStringSubmatch(out.String(), -1) {
		vars[m[1]] = true
	}
	return flags, vars
}

// unit reads a systemd unit: each key's values in order, continuation
// lines joined.
func unit(t *testing.T, path string) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "[") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: line %q is not key=value", path, line)
		}
		out[k] = append(out[k], v)
	}
	return out
}

// TestDeployFiles: the systemd units and the environment file in
// server/deploy run "doorstep-server serve" with flags and variables it
// has, and give it longer to stop than it may take (drain delay, then
// requests in flight), so systemd never kills a process that is still
// finishing pushes.
func TestDeployFiles(t *testing.T) {
	flags, vars := serveFlags(t)
	units, err := filepath.Glob("../../deploy/*.service")
	if err != nil || len(units) != 2 {
		t.Fatalf("units: %v %v", units, err)
	}
	for _, path := range units {
		u := unit(t, path)
		exec := u["ExecStart"]
		if len(exec) != 1 {
			t.Fatalf("%s: ExecStart %q", path, exec)
		}
		args := strings.Fields(strings.ReplaceAll(exec[0], "%i", "8443"))
		if len(args) < 2 || filepath.Base(args[0]) != "doorstep-server" || args[1] != "serve" {
			t.Fatalf("%s: ExecStart %q does not run doorstep-server serve", path, exec[0])
		}
		var drain time.Duration
		for i, a := range args[2:] {
			name, ok := strings.CutPrefix(a, "--")
			if !ok {
				continue
			}
			name, val, hasVal := strings.Cut(name, "=")
			if !flags[name] {
				t.Errorf("%s: serve has no flag --%s", path, name)
			}
			if !hasVal && i+3 < len(args) {
				val = args[i+3]
			}
			if name == "drain-delay" {
				if drain, err = time.ParseDuration(val); err != nil {
					t.Errorf("%s: --drain-delay %q: %v", path, val, err)
				}
			}
		}
		stop := u["TimeoutStopSec"]
		if len(stop) != 1 {
			t.Fatalf("%s: TimeoutStopSec %q", path, stop)
		}
		sec, err := time.ParseDuration(stop[0] + "s")
		if err != nil {
			t.Fatal(err)
		}
		if need := drain + shutdownGrace; sec <= need {
			t.Errorf("%s: TimeoutStopSec=%s, not longer than the %v drain delay and %v for requests in flight", path, stop[0], drain, shutdownGrace)
		}
		if got := u["RestartPreventExitStatus"]; len(got) != 1 || got[0] != strconv.Itoa(exitOutdated) {
			t.Errorf("%s: RestartPreventExitStatus %q, want %d (an outdated binary)", path, got, exitOutdated)
		}
		for _, f := range u["EnvironmentFile"] {
			if filepath.Base(strings.TrimPrefix(f, "-")) != "server.env" && !strings.HasPrefix(f, "-") {
				t.Errorf("%s: EnvironmentFile %s must exist on the machine; only server.env is shipped", path, f)
			}
		}
	}
	b, err := os.ReadFile("../../deploy/server.env")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimPrefix(strings.TrimSpace(line), "#")
		k, _, ok := strings.Cut(line, "=")
		if !ok || !strings.HasPrefix(k, "DOORSTEP_") || strings.ContainsAny(k, " ") {
			continue
		}
		if !vars[k] {
			t.Errorf("server.env: serve reads no variable %s", k)
		}
	}
}

// TestExitOutdated: serve on a database a newer release migrated exits
// with exitOutdated (which the units do not restart on), a command-line
// mistake with exitUsage, anything else with 1.
func TestExitOutdated(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "district.db")
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().Exec(`INSERT INTO schema_migrations(version, name) VALUES (99999, '99999_later.sql')`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	var out bytes.Buffer
	err = run(ctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, &out, &out)
	if code := exitCode(err); code != exitOutdated {
		t.Errorf("serve on a newer database: %v, exit %d, want %d", err, code, exitOutdated)
	}
	if code := exitCode(run(ctx, []string{"serve", "--no-such-flag"}, &out, &out)); code != exitUsage {
		t.Errorf("a bad flag: exit %d, want %d", code, exitUsage)
	}
	if code := exitCode(run(ctx, []string{"serve", "--db", filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")}, &out, &out)); code != 1 {
		t.Errorf("a database that cannot be made: exit %d, want 1", code)
	}
}
