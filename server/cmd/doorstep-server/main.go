// Command doorstep-server is Doorstep's sync server and its administration
// tool: "serve" runs the HTTP API; the other subcommands manage users,
// enrollment codes and devices in the same database, even while it serves.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"doorstep/server/store"
	"doorstep/sync/replica"
	"doorstep/sync/version"
)

const usage = `doorstep-server — Doorstep's sync server

Usage:
  doorstep-server serve [flags]                      run the HTTP sync API
  doorstep-server version                            print the build's version
  doorstep-server user add --name N --role R [--id ID] [--communities C1,C2] [--street S] [--pairings P1,P2]
  doorstep-server user set --id ID [--communities C1,C2] [--street S] [--pairings P1,P2]
  doorstep-server user list
  doorstep-server enroll-code --user ID [--ttl 72h] [--server URL] [--qr code.png]
  doorstep-server devices list [--json]
  doorstep-server device revoke DEVICE_ID
  doorstep-server evidence verify [--household ID] [--blobs DIR] [--store]
                                                     print each submitted record's evidence verdict
  doorstep-server demo [--server URL] [--seed 1] [--ref YYYY-MM-DD]
                                                     load the demo district, a user per demo staff member,
                                                     and print enrollment codes (the last line: a worker's)
  doorstep-server migrate --from district.db --to postgres://user@host/db
                                                     copy a SQLite store into PostgreSQL (safe to rerun)
  doorstep-server backup --db district.db --to copy.db
                                                     an online copy of a SQLite store (PostgreSQL: pg_dump)

Every subcommand takes --db PATH (env DOORSTEP_DB, default doorstep.db): a
SQLite file, or a PostgreSQL URL (postgres://user@host/db) that several
serve processes may share (with one --blobs directory they all see).
Roles: worker (communities), volunteer (pairings), supervisor (a street, or
none for the whole district), admin (server only, no devices).
Run "doorstep-server serve -h" for the server's flags and environment variables.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "doorstep-server:", err)
		os.Exit(exitCode(err))
	}
}

// Exit codes besides 0 and 1 (any other failure).
const (
	// exitUsage: a mistake in the command line.
	exitUsage = 2
	// exitOutdated: the database was upgraded by a newer release than this
	// binary (store.ErrOutdated, replica.ErrNewerSchema). Starting again
	// cannot help, so the systemd units (server/deploy) do not restart on
	// it: only a newer binary can serve the database.
	exitOutdated = 3
)

// exitCode is the process's exit status for err.
func exitCode(err error) int {
	var ue usageError
	switch {
	case errors.As(err, &ue):
		return exitUsage
	case errors.Is(err, store.ErrOutdated), errors.Is(err, replica.ErrNewerSchema):
		return exitOutdated
	}
	return 1
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

// Error returns the message.
func (e usageError) Error() string { return e.msg }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd, rest := args[0], args[1:]
	sub := ""
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		sub = rest[0]
	}
	switch {
	case cmd == "version" || cmd == "--version":
		fmt.Fprintf(stdout, "doorstep-server %s (%s, %s/%s)\n", version.String(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return nil
	case cmd == "serve":
		return serve(ctx, rest, stderr)
	case cmd == "user" && sub == "add":
		return userAdd(ctx, rest[1:], stdout)
	case cmd == "user" && sub == "set":
		return userSet(ctx, rest[1:], stdout)
	case cmd == "user" && sub == "list", cmd == "users":
		if sub != "" {
			rest = rest[1:]
		}
		return userList(ctx, rest, stdout)
	case cmd == "enroll-code":
		return enrollCode(ctx, rest, stdout)
	case cmd == "devices" || cmd == "device" && sub == "list":
		if sub != "" {
			rest = rest[1:]
		}
		return devicesList(ctx, rest, stdout)
	case cmd == "device" && sub == "revoke":
		return deviceRevoke(ctx, rest[1:], stdout)
	case cmd == "evidence" && sub == "verify":
		return evidenceVerify(ctx, rest[1:], stdout)
	case cmd == "demo":
		return demoCmd(ctx, rest, stdout)
	case cmd == "migrate":
		return migrateCmd(ctx, rest, stdout)
	case cmd == "backup":
		return backupCmd(ctx, rest, stdout)
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Sprintf("unknown command %q", strings.Join(args[:min(2, len(args))], " "))}
}

// env returns the environment variable or def.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// dbFlag adds the --db flag every subcommand shares.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", env("DOORSTEP_DB", "doorstep.db"), "SQLite database file, or a postgres:// URL (env DOORSTEP_DB)")
}

// openStore opens the database for an admin command.
func openStore(ctx context.Context, path string) (*store.Store, error) {
	return store.Open(ctx, path, store.Options{Now: time.Now})
}

// parseSize reads a byte count: "1048576", "512KiB", "32MiB", "1GiB" (KB,
// MB and GB are read as powers of 1024 too).
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		m      int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.m
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad size %q (want e.g. 32MiB)", s)
	}
	return n * mult, nil
}

// splitList reads "a,b, c" as [a b c]; "" is nil.
func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}
