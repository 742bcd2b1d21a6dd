package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
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
