package replica

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"doorstep/schema"
)

// TestOpenRefusesNewerSchema: a database a newer build migrated (it holds a
// migration past every one this build knows) is not opened, for a device
// or a server, and is left as it was; the build that made it opens it.
func TestOpenRefusesNewerSchema(t *testing.T) {
	for _, target := range []schema.Target{schema.Device, schema.Server} {
		t.Run(string(target), func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "r.db")
			r, err := Open(ctx, path, Options{Target: target})
			if err != nil {
				t.Fatal(err)
			}
			mustExec(t, r, `INSERT INTO streets(id, name) VALUES ('0195b000-0000-7000-8000-000000000001', '焦西街道')`)
			// What a newer build's migration leaves behind.
			mustExec(t, r, `INSERT INTO schema_migrations(version, name) VALUES (99999, '99999_later.sql')`)
			schemaText := func() string {
				t.Helper()
				db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				var s string
				if err := db.QueryRow(`SELECT group_concat(type || name || coalesce(sql, ''), ';') FROM (SELECT * FROM sqlite_master ORDER BY name)`).Scan(&s); err != nil {
					t.Fatal(err)
				}
				return s
			}
			r.Close()
			before := schemaText()

			if r, err := Open(ctx, path, Options{Target: target}); !errors.Is(err, ErrNewerSchema) {
				if err == nil {
					r.Close()
				}
				t.Fatalf("opening a newer database: %v, want ErrNewerSchema", err)
			}
			if after := schemaText(); after != before {
				t.Errorf("the refused open changed the schema:\n%s\n%s", before, after)
			}
			// The build that made it opens it: here this one, once the
			// later migration's record is gone.
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(`DELETE FROM schema_migrations WHERE version = 99999`); err != nil {
				t.Fatal(err)
			}
			db.Close()
			r, err = Open(ctx, path, Options{Target: target})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			var n int
			if err := r.DB().QueryRow(`SELECT count(*) FROM streets`).Scan(&n); err != nil || n != 1 {
				t.Errorf("streets after the refused open: %d %v", n, err)
			}
		})
	}
}
