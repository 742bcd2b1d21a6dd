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

// TestIdleConns: connections used at once stay open afterwards, up to
// Options.IdleConns (4 by default), so the next requests find their
// prepared statements instead of opening a connection and parsing the
// schema again.
func TestIdleConns(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ opt, want int }{{0, defaultIdleConns}, {6, 6}} {
		r, err := Open(ctx, filepath.Join(t.TempDir(), "r.db"), Options{Site: testSite(), IdleConns: tc.opt})
		if err != nil {
			t.Fatal(err)
		}
		var conns []interface{ Close() error }
		for i := 0; i < tc.want+2; i++ {
			c, err := r.DB().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		for _, c := range conns {
			c.Close()
		}
		st := r.DB().Stats()
		if st.Idle != tc.want || st.MaxIdleClosed != 2 {
			t.Errorf("IdleConns %d: %d idle, %d closed for want of room after %d used at once; want %d idle, 2 closed",
				tc.opt, st.Idle, st.MaxIdleClosed, tc.want+2, tc.want)
		}
		r.Close()
	}
}
