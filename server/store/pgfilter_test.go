package store

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"doorstep/schema"
)

// TestPullReadsWhatTheUserReceives: a worker of a small community in a
// big district. On PostgreSQL a first pull looks at the community's rows
// (and the few district rows), not every changed row, and the next pull,
// after many changes elsewhere, looks at none; on both backends the worker
// receives exactly the community's rows.
func TestPullReadsWhatTheUserReceives(t *testing.T) { eachBackend(t, testPullReadsWhatTheUserReceives) }

func testPullReadsWhatTheUserReceives(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	w := mustAddUser(t, s, User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"small"}})
	insert := func(community string, n int) {
		t.Helper()
		err := s.Write(ctx, "", func(tx *sql.Tx) error {
			for i := 0; i < n; i++ {
				if _, err := tx.ExecContext(ctx, `INSERT INTO households(id, community_id, head_name) VALUES (?, ?, ?)`,
					uuid.NewString(), community, fmt.Sprint(community, i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	insert("big", 1000)
	insert("small", 40)
	insert("big", 1000)
	u, err := s.Access(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	cursor, scanned, got := "", 0, 0
	for {
		p, err := s.Pull(ctx, u, cursor, 1000)
		if err != nil {
			t.Fatal(err)
		}
		scanned += p.Scanned
		for _, c := range p.Changes {
			if c.Table == "households" && c.Column == "community_id" {
				if c.Value != "small" {
					t.Fatalf("received a household of %v", c.Value)
				}
				got++
			}
		}
		cursor = p.Cursor.String()
		if !p.More {
			break
		}
	}
	if got != 40 {
		t.Errorf("received %d households, want 40", got)
	}
	if s.Postgres() && scanned > 100 {
		t.Errorf("first pull looked at %d rows for 40 households", scanned)
	}
	t.Logf("first pull: %d rows looked at for %d households", scanned, got)

	insert("big", 1000)
	p, err := s.Pull(ctx, u, cursor, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Changes) != 0 || p.Reset {
		t.Errorf("next pull: %d changes, reset %v", len(p.Changes), p.Reset)
	}
	if s.Postgres() && (p.Scanned != 0 || p.More) {
		t.Errorf("next pull looked at %d rows (more %v) for nothing", p.Scanned, p.More)
	}
}
