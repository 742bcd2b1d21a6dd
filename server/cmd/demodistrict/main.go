// Command demodistrict writes the seeded demo district (schema/demo) into a
// new SQLite database and prints its totals, to look at the district offline.
// The server's own `doorstep-server demo` loads the same district into a
// server database with its users.
//
// Usage:
//
//	demodistrict -db path.db [-seed 1] [-target device|server] [-ref 2026-07-01] [-plain] [-force]
//
// By default the database is opened as a sync replica (sync/replica), so the
// district's rows are captured with sync metadata like any other write and
// sync to whoever may see them. -plain writes a plain schema-migrated
// database without sync metadata instead.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"

	"doorstep/schema"
	"doorstep/schema/demo"
	"doorstep/sync/replica"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, time.Now); err != nil {
		fmt.Fprintln(os.Stderr, "demodistrict:", err)
		os.Exit(1)
	}
}

// run parses args, generates the district and writes it, reporting to out.
func run(ctx context.Context, args []string, out io.Writer, now func() time.Time) error {
	fs := flag.NewFlagSet("demodistrict", flag.ContinueOnError)
	fs.SetOutput(out)
	path := fs.String("db", "", "SQLite database file to create (required)")
	seed := fs.Int64("seed", demo.DefaultSeed, "generator seed: the same seed gives the same district")
	target := fs.String("target", string(schema.Device), "migrations to apply: device or server")
	refStr := fs.String("ref", "", "reference date YYYY-MM-DD (default today): the district covers the last first half-year ending on or before it")
	plain := fs.Bool("plain", false, "write a plain schema-migrated database, without sync metadata")
	force := fs.Bool("force", false, "replace the database file if it exists")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *path == "" {
		fs.Usage()
		return errors.New("-db is required")
	}
	t := schema.Target(*target)
	if t != schema.Device && t != schema.Server {
		return fmt.Errorf("-target must be device or server, not %q", *target)
	}
	ref := now()
	if *refStr != "" {
		d, err := time.Parse("2006-01-02", *refStr)
		if err != nil {
			return fmt.Errorf("-ref: %w", err)
		}
		ref = d
	}
	if err := prepare(*path, *force); err != nil {
		return err
	}

	start := time.Now()
	d := demo.Generate(*seed, ref)
	genTime := time.Since(start)

	start = time.Now()
	var err error
	if *plain {
		err = writePlain(ctx, *path, t, d)
	} else {
		err = writeReplica(ctx, *path, t, d)
	}
	if err != nil {
		return err
	}
	writeTime := time.Since(start)

	mode := "sync replica"
	if *plain {
		mode = "plain"
	}
	fmt.Fprintf(out, "wrote %s (%s, %s database, seed %d)\n", *path, mode, t, *seed)
	fmt.Fprint(out, demo.Totals(d))
	fmt.Fprintf(out, "generate %v, write %v (%.0f rows/s)\n", genTime.Round(time.Millisecond),
		writeTime.Round(time.Millisecond), float64(len(d.Rows))/writeTime.Seconds())
	return nil
}

// prepare refuses to overwrite an existing database unless force, in which
// case it removes the file and its WAL and shared-memory files.
func prepare(path string, force bool) error {
	if _, err := os.Stat(path); err == nil {
		if !force {
			return fmt.Errorf("%s exists: remove it or pass -force", path)
		}
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("remove %s: %w", p, err)
			}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("check %s: %w", path, err)
	}
	return nil
}

// writePlain migrates a plain SQLite database for target and writes d.
func writePlain(ctx context.Context, path string, target schema.Target, d *demo.District) error {
	db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if err := schema.Migrate(ctx, db, target); err != nil {
		db.Close()
		return fmt.Errorf("migrate %s: %w", path, err)
	}
	if err := demo.Write(ctx, db, d); err != nil {
		db.Close()
		return err
	}
	if err := db.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	return nil
}

// writeReplica opens path as a sync replica for target and writes d
// through its handle, so every row is captured.
func writeReplica(ctx context.Context, path string, target schema.Target, d *demo.District) error {
	rep, err := replica.Open(ctx, path, replica.Options{Target: target})
	if err != nil {
		return err
	}
	if err := demo.Write(ctx, rep.DB(), d); err != nil {
		rep.Close()
		return err
	}
	return rep.Close()
}
