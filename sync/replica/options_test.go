package replica

import (
	"context"
	"path/filepath"
	"testing"

	"doorstep/schema"
)

// TestFullSyncOption: Options.FullSync opens every connection with
// synchronous=FULL (the server); the default is NORMAL (devices).
func TestFullSyncOption(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		full bool
		want int
	}{{false, 1}, {true, 2}} {
		r, err := Open(ctx, filepath.Join(t.TempDir(), "r.db"), Options{Target: schema.Server, FullSync: tc.full, Site: testSite()})
		if err != nil {
			t.Fatal(err)
		}
		r.DB().SetMaxOpenConns(3)
		// Every connection of the pool, not just the first.
		var conns []interface{ Close() error }
		for i := 0; i < 3; i++ {
			c, err := r.DB().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
			var mode int
			if err := c.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&mode); err != nil {
				t.Fatal(err)
			}
			if mode != tc.want {
				t.Errorf("FullSync %v: connection %d has synchronous = %d, want %d", tc.full, i, mode, tc.want)
			}
		}
		for _, c := range conns {
			c.Close()
		}
		r.Close()
	}
}
