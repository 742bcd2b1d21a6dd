package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"doorstep/schema"
	"doorstep/server/store"
	"doorstep/sync/client"
)

// adminFlags starts the flags of subcommand name with the shared --db.
func adminFlags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	return fs, dbFlag(fs)
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	return nil
}

// withStore opens the database at path for an admin command, runs fn with
// it and closes it.
func withStore(ctx context.Context, path string, fn func(st *store.Store) error) error {
	st, err := openStore(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	return fn(st)
}

func userAdd(ctx context.Context, args []string, out io.Writer) error {
	fs, db := adminFlags("user add")
	id := fs.String("id", "", "user id (also the staff row id); a new UUID when empty")
	name := fs.String("name", "", "the user's name")
	role := fs.String("role", "", "worker, volunteer, supervisor or admin")
	communities := fs.String("communities", "", "comma-separated community ids (workers; extra ones for supervisors)")
	street := fs.String("street", "", "a supervisor's street id; empty = whole district")
	pairings := fs.String("pairings", "", "comma-separated volunteer_pairings ids (volunteers)")
	if err := parse(fs, args); err != nil {
		return err
	}
	return withStore(ctx, *db, func(st *store.Store) error {
		u, err := st.AddUser(ctx, store.User{ID: *id, Name: *name, Role: schema.Role(*role), Street: *street,
			Communities: splitList(*communities), Pairings: splitList(*pairings)})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "added user %s (%s, %s)\n", u.ID, u.Name, u.Role)
		return nil
	})
}

func userSet(ctx context.Context, args []string, out io.Writer) error {
	fs, db := adminFlags("user set")
	id := fs.String("id", "", "user id")
	communities := fs.String("communities", "", "comma-separated community ids (replaces the old list)")
	street := fs.String("street", "", "a supervisor's street id; empty = whole district")
	pairings := fs.String("pairings", "", "comma-separated volunteer_pairings ids (replaces the old list)")
	if err := parse(fs, args); err != nil {
		return err
	}
	return withStore(ctx, *db, func(st *store.Store) error {
		u, err := st.SetScope(ctx, *id, *street, splitList(*communities), splitList(*pairings))
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "user %s: street %q, communities %v, pairings %v\n", u.ID, u.Street, u.Communities, u.Pairings)
		return nil
	})
}

func userList(ctx context.Context, args []string, out io.Writer) error {
	fs, db := adminFlags("user list")
	if err := parse(fs, args); err != nil {
		return err
	}
	return withStore(ctx, *db, func(st *store.Store) error {
		us, err := st.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tROLE\tSTREET\tCOMMUNITIES\tPAIRINGS")
		for _, u := range us {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.Name, u.Role, dash(u.Street),
				dash(strings.Join(u.Communities, ",")), dash(strings.Join(u.Pairings, ",")))
		}
		return tw.Flush()
	})
}

func enrollCode(ctx context.Context, args []string, out io.Writer) error {
	fs, db := adminFlags("enroll-code")
	user := fs.String("user", "", "the user the device will belong to")
	ttl := fs.Duration("ttl", 72*time.Hour, "how long the code works")
	server := fs.String("server", env("DOORSTEP_PUBLIC_URL", ""), "the server address devices use, put in the QR code (env DOORSTEP_PUBLIC_URL)")
	qr := fs.String("qr", "", "write the QR code as a PNG to this file")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *qr != "" && *server == "" {
		return usageError{"--qr needs --server (the address the device should use)"}
	}
	return withStore(ctx, *db, func(st *store.Store) error {
		code, expires, err := st.CreateEnrollCode(ctx, *user, *ttl)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "enrollment code: %s\nvalid until:     %s (one device, once)\n", code, expires.Local().Format(time.RFC3339))
		if *server != "" {
			uri := client.EnrollURI(*server, code)
			fmt.Fprintf(out, "enrollment URI:  %s\n", uri)
			if *qr != "" {
				if err := qrcode.WriteFile(uri, qrcode.Medium, 512, *qr); err != nil {
					return fmt.Errorf("write QR code %s: %w", *qr, err)
				}
				fmt.Fprintf(out, "QR code:         %s\n", *qr)
			}
		}
		return nil
	})
}

func devicesList(ctx context.Context, args []string, out io.Writer) error {
	fs, db := adminFlags("devices list")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parse(fs, args); err != nil {
		return err
	}
	return withStore(ctx, *db, func(st *store.Store) error {
		ds, err := st.Devices(ctx)
		if err != nil {
			return err
		}
		keys, err := st.DevicePublicKeys(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return encodeDevices(out, ds, keys)
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tUSER\tSITE\tKEY\tSTATE\tLAST SEEN\tCURSOR\tLAST PUSH SEQ")
		for _, d := range ds {
			state := "active"
			switch {
			case !d.RevokedAt.IsZero():
				state = "revoked " + d.RevokedAt.Local().Format("2006-01-02 15:04")
			case !d.ExpiresAt.IsZero() && time.Now().After(d.ExpiresAt):
				state = "expired"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", d.ID, d.Name, d.UserID, d.SiteID, dash(keyFingerprint(keys[d.ID])), state,
				dash(localTime(d.LastSeen)), dash(d.LastCursor), d.LastPushSeq)
		}
		return tw.Flush()
	})
}

func deviceRevoke(ctx context.Context, args []string, out io.Writer) error {
	fs, db := adminFlags("device revoke")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"device revoke needs exactly one device id"}
	}
	return withStore(ctx, *db, func(st *store.Store) error {
		if err := st.RevokeDevice(ctx, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(out, "revoked device %s; its token is refused from now on\n", fs.Arg(0))
		return nil
	})
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func localTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04:05")
}
