package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"time"

	"doorstep/server/store"
)

// migrateCmd copies a SQLite store into a PostgreSQL database
// (store.MigrateToPostgres).
func migrateCmd(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	from := fs.String("from", "", "the SQLite database to copy (stop its server first, or copy a backup)")
	to := fs.String("to", "", "the PostgreSQL database, postgres://user@host/db")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" || store.IsPostgres(*from) {
		return usageError{"--from names the SQLite database file"}
	}
	if !store.IsPostgres(*to) {
		return usageError{"--to is a postgres:// URL"}
	}
	src, err := store.Open(ctx, *from, store.Options{Now: time.Now})
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.Open(ctx, *to, store.Options{Now: time.Now})
	if err != nil {
		return err
	}
	defer dst.Close()
	st, err := store.MigrateToPostgres(ctx, src, dst)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "copied %d synced rows (%d columns with their clocks), up to server sequence %d\n", st.Rows, st.Cells, st.MaxSeq)
	names := make([]string, 0, len(st.Tables))
	for n := range st.Tables {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(out, "  %-18s %d rows\n", n, st.Tables[n])
	}
	fmt.Fprintf(out, "blob files stay where they are: serve with --blobs %s-blobs (or the --blobs directory the SQLite server used)\n", *from)
	return nil
}

// backupCmd writes an online copy of a SQLite store (store.Backup).
func backupCmd(ctx context.Context, args []string, out io.Writer) error {
	fs, db := adminFlags("backup")
	to := fs.String("to", "", "the new backup file")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *to == "" {
		return usageError{"--to names the backup file"}
	}
	return withStore(ctx, *db, func(st *store.Store) error {
		if err := st.Backup(ctx, *to); err != nil {
			if errors.Is(err, store.ErrBackupPostgres) {
				return usageError{"--db is PostgreSQL: back it up with pg_dump --format=custom (see docs/PROTOCOL.md)"}
			}
			return err
		}
		fmt.Fprintf(out, "backed up to %s; copy the blob directory too\n", *to)
		return nil
	})
}
