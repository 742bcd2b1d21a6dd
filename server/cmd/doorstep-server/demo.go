package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"doorstep/schema"
	"doorstep/schema/demo"
	"doorstep/server/store"
	"doorstep/sync/client"
)

// demoCmd fills a server database with the demo district (schema/demo),
// makes every demo staff member a user with the matching role and scope,
// and prints one enrollment code per kind of user; the last line is a
// community worker's enrollment URI, which `make demo` hands to the app.
// On a database that has users already it only prints fresh codes.
func demoCmd(ctx context.Context, args []string, out io.Writer) error {
	fs, db := adminFlags("demo")
	seed := fs.Int64("seed", demo.DefaultSeed, "demo generator seed")
	refStr := fs.String("ref", "", "reference date YYYY-MM-DD (default today): the district covers the half-year before it")
	server := fs.String("server", env("DOORSTEP_PUBLIC_URL", "http://127.0.0.1:8443"), "the server address the codes point devices to")
	if err := parse(fs, args); err != nil {
		return err
	}
	ref := time.Now()
	if *refStr != "" {
		t, err := time.Parse("2006-01-02", *refStr)
		if err != nil {
			return usageError{"--ref: " + err.Error()}
		}
		ref = t
	}
	return withStore(ctx, *db, func(st *store.Store) error {
		users, err := st.Users(ctx)
		if err != nil {
			return err
		}
		if len(users) == 0 {
			d := demo.Generate(*seed, ref)
			if err := demo.Write(ctx, st.DB(), d); err != nil {
				return err
			}
			if users, err = addDemoUsers(ctx, st, d); err != nil {
				return err
			}
			// Its history was never signed on a device: the evidence
			// follower starts after it (else every record is flagged
			// unsigned).
			if err := st.SkipVerification(ctx); err != nil {
				return err
			}
			// A bulk load: PostgreSQL would plan the first requests
			// from an empty database's estimates.
			if err := st.Analyze(ctx); err != nil {
				return err
			}
			fmt.Fprintf(out, "demo district: %d rows, %d users in %s\n", len(d.Rows), len(users), *db)
		}
		picks := pickDemoUsers(users)
		var last string
		for _, label := range []string{"district supervisor", "street supervisor", "volunteer", "community worker"} {
			u, ok := picks[label]
			if !ok {
				continue
			}
			code, _, err := st.CreateEnrollCode(ctx, u.ID, 7*24*time.Hour)
			if err != nil {
				return err
			}
			last = client.EnrollURI(*server, code)
			fmt.Fprintf(out, "%-20s %s  %s\n", label, u.Name, last)
		}
		if last == "" {
			return fmt.Errorf("demo: the district has no users to enroll")
		}
		fmt.Fprintln(out, last)
		return nil
	})
}

// addDemoUsers makes a user of every demo staff row: workers cover their
// community, volunteers their pairings, supervisors their street (or the
// district when they have none).
func addDemoUsers(ctx context.Context, st *store.Store, d *demo.District) ([]store.User, error) {
	pairings := map[string][]string{} // volunteer id → pairing ids
	for _, p := range d.Table("volunteer_pairings") {
		var vols []string
		if s, ok := p.Values["volunteer_ids"].(string); ok {
			json.Unmarshal([]byte(s), &vols) //nolint:errcheck // a malformed list pairs nobody
		}
		for _, v := range vols {
			pairings[v] = append(pairings[v], p.ID)
		}
	}
	text := func(v any) string { s, _ := v.(string); return s }
	var out []store.User
	for _, s := range d.Table("staff") {
		u := store.User{ID: s.ID, Name: text(s.Values["name"]), Role: schema.Role(text(s.Values["role"]))}
		switch u.Role {
		case schema.RoleWorker:
			u.Communities = []string{text(s.Values["community_id"])}
		case schema.RoleVolunteer:
			u.Pairings = pairings[s.ID]
		case schema.RoleSupervisor:
			u.Street = text(s.Values["street_id"])
		default:
			continue
		}
		added, err := st.AddUser(ctx, u)
		if err != nil {
			return nil, fmt.Errorf("demo user %s: %w", u.Name, err)
		}
		out = append(out, added)
	}
	return out, nil
}

// pickDemoUsers chooses one user of each kind, deterministically.
func pickDemoUsers(users []store.User) map[string]store.User {
	picks := map[string]store.User{}
	take := func(label string, u store.User) {
		if cur, ok := picks[label]; !ok || u.ID < cur.ID {
			picks[label] = u
		}
	}
	for _, u := range users {
		switch {
		case u.Role == schema.RoleWorker:
			take("community worker", u)
		case u.Role == schema.RoleVolunteer && len(u.Pairings) > 0:
			take("volunteer", u)
		case u.Role == schema.RoleSupervisor && u.Street != "":
			take("street supervisor", u)
		case u.Role == schema.RoleSupervisor:
			take("district supervisor", u)
		}
	}
	return picks
}
