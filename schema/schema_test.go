package schema

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"
)

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestRegistryMatchesMigrations checks that every registry table exists
// with exactly the registry's columns and types, for both targets.
func TestRegistryMatchesMigrations(t *testing.T) {
	for _, target := range []Target{Device, Server} {
		t.Run(string(target), func(t *testing.T) {
			db := openDB(t)
			ctx := context.Background()
			if err := Migrate(ctx, db, target); err != nil {
				t.Fatal(err)
			}
			if err := Migrate(ctx, db, target); err != nil {
				t.Fatalf("second migrate: %v", err)
			}
			for _, tb := range Reg.Tables() {
				rows, err := db.Query(`SELECT name, type FROM pragma_table_info(?)`, tb.Name)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]string{}
				for rows.Next() {
					var n, ty string
					if err := rows.Scan(&n, &ty); err != nil {
						t.Fatal(err)
					}
					got[n] = ty
				}
				rows.Close()
				if got["id"] != "TEXT" {
					t.Errorf("%s: id column type %q, want TEXT", tb.Name, got["id"])
				}
				delete(got, "id")
				if len(got) != len(tb.Columns) {
					t.Errorf("%s: %d columns in SQL, %d in registry", tb.Name, len(got), len(tb.Columns))
				}
				for _, c := range tb.Columns {
					if got[c.Name] != c.Type.String() {
						t.Errorf("%s.%s: SQL type %q, registry %s", tb.Name, c.Name, got[c.Name], c.Type)
					}
				}
				var strict int
				if err := db.QueryRow(`SELECT strict FROM pragma_table_list WHERE name = ?`, tb.Name).Scan(&strict); err != nil || strict != 1 {
					t.Errorf("%s: not a STRICT table (err %v)", tb.Name, err)
				}
			}
		})
	}
}

func TestRegistryRefusesBadNames(t *testing.T) {
	bad := []Table{
		{Name: "x; DROP TABLE households", Scope: ScopeDistrict, Columns: cols()},
		{Name: "ok", Scope: ScopeDistrict, Columns: cols("Name:s")},
		{Name: "ok", Scope: ScopeDistrict, Columns: cols("id:s")},
		{Name: "ok", Scope: ScopeCommunity, ScopeColumn: "community_id", Columns: cols("name:s")},
		{Name: "ok", Scope: ScopeDistrict, Columns: []Column{{Name: "a", Type: TypeText}}},
	}
	for i, tb := range bad {
		if _, err := NewRegistry([]Table{tb}); err == nil {
			t.Errorf("case %d: NewRegistry accepted %+v", i, tb)
		}
	}
	if _, err := NewRegistry([]Table{{Name: "a", Scope: ScopeDistrict, Columns: cols()}, {Name: "a", Scope: ScopeDistrict, Columns: cols()}}); err == nil {
		t.Error("duplicate table accepted")
	}
}

func TestRegistryLookups(t *testing.T) {
	hh, ok := Reg.Table("households")
	if !ok {
		t.Fatal("households missing")
	}
	if c, ok := hh.Column("benefit_fen"); !ok || c.Type != TypeInt {
		t.Errorf("benefit_fen: got %+v %v", c, ok)
	}
	if _, ok := hh.Column("id_number"); ok {
		t.Error("households has no id_number column")
	}
	for i, c := range hh.Columns {
		if got := hh.ColumnIndex(c.Name); got != i {
			t.Errorf("ColumnIndex(%s) = %d, want %d", c.Name, got, i)
		}
	}
	if got := hh.ColumnIndex("id_number"); got != -1 {
		t.Errorf("ColumnIndex of a column households lacks = %d, want -1", got)
	}
	if _, ok := Reg.Table("sqlite_master"); ok {
		t.Error("sqlite_master is not a synced table")
	}
	if hh.CanRead(RoleVolunteer) {
		t.Error("volunteers must not read households")
	}
	// Volunteers must never receive income, assets or ID numbers.
	for _, tb := range Reg.Tables() {
		if !tb.CanRead(RoleVolunteer) {
			continue
		}
		if tb.Pairing == NoPairingAccess && tb.Scope != ScopeDistrict {
			t.Errorf("%s: volunteers read it but it has no pairing access", tb.Name)
		}
		for _, c := range tb.Columns {
			switch c.Name {
			case "id_number", "monthly_fen", "value_fen", "income_band", "benefit_fen":
				t.Errorf("%s.%s is readable by volunteers", tb.Name, c.Name)
			}
		}
	}
	vv, _ := Reg.Table("volunteer_visits")
	if !vv.CanWrite(RoleVolunteer) {
		t.Error("volunteers must write visit logs")
	}
	for _, name := range []string{"households", "members", "incomes", "assets", "means_visits"} {
		tb, _ := Reg.Table(name)
		if tb.CanWrite(RoleVolunteer) {
			t.Errorf("volunteers may write %s", name)
		}
	}
}
