package server

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"doorstep/schema"
	"doorstep/server/store"
)

// TestSteadyPullStatements counts the statements a PostgreSQL server
// sends for a device's pull that finds nothing new — most pulls of a
// device in steady state. Each statement is a round trip, and on a busy
// machine each round trip waits for a core (docs/LOAD.md): the device
// with its user (1), the user's lists (1), the rate limit (1), the cursor
// with the epoch and the scope moves (1), and the listing with the newest
// sequence (1). Before they were merged: 12, and a transaction begun
// and rolled back.
func TestSteadyPullStatements(t *testing.T) {
	e := newEnv(t, Config{})
	if !e.store.Postgres() {
		t.Skip("counts PostgreSQL round trips (DOORSTEP_TEST_STORE=postgres)")
	}
	ctx := context.Background()
	u := e.user(t, store.User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c1"}})
	site := uuid.NewString()
	c, _ := e.enroll(t, u.ID, site)
	set, _ := visitPush(site, u.ID, nil)
	if _, err := c.Push(ctx, set); err != nil {
		t.Fatal(err)
	}
	cursor := ""
	for {
		p, err := c.Pull(ctx, cursor)
		if err != nil {
			t.Fatal(err)
		}
		cursor = p.Cursor
		if !p.More {
			break
		}
	}
	before := store.PGStatements()
	p, err := c.Pull(ctx, cursor)
	if err != nil {
		t.Fatal(err)
	}
	n := store.PGStatements() - before
	if len(p.Set.Changes) != 0 || p.More {
		t.Fatalf("a pull after the last page: %d changes, more %v; want nothing", len(p.Set.Changes), p.More)
	}
	t.Logf("statements of a pull with nothing new: %d", n)
	if n > 5 {
		t.Errorf("a pull with nothing new sent %d statements to PostgreSQL, want at most 5", n)
	}
}
