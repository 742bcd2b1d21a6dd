package records

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"doorstep/sync/change"
	"doorstep/sync/hlc"
	"doorstep/sync/replica"
)

// openReplicaStore opens a device replica and a Store on it, and returns
// both (the test applies remote changes through the replica).
func openReplicaStore(tb testing.TB) (*Store, *replica.Replica) {
	tb.Helper()
	now := func() time.Time { return refNow }
	rep, err := replica.Open(context.Background(), filepath.Join(tb.TempDir(), "device.db"), replica.Options{Now: now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { rep.Close() })
	return New(rep.DB(), now), rep
}

// TestIndexUpdateEqualsRebuild: after each step of a life of data — new
// households and members, edits, a head renamed, a member moved to another
// household, a household deleted, a household moved out of the worker's
// community and back, a community renamed, a member deleted, changes
// pulled from the server, a purge — the index HouseholdIndex returns
// (updated for the changed households only) equals one built from scratch,
// and finds what a search should.
func TestIndexUpdateEqualsRebuild(t *testing.T) {
	ctx := context.Background()
	s, rep := openReplicaStore(t)
	seed(t, s)
	db := s.DB()
	const h8, h9, m9 = "0195a000-0000-7000-8000-000000000008", "0195a000-0000-7000-8000-000000000009", "0195a000-0000-7000-8000-000000000019"
	remoteAt := int64(0)
	pulled := func(table, id string, cols map[string]any) {
		remoteAt++
		var cs []change.Change
		site := "0195a000-0000-7000-8000-0000000000aa"
		for col, v := range cols {
			cs = append(cs, change.Change{Table: table, ID: id, Column: col, Value: v,
				Clock: change.Clock{HLC: hlc.New(refNow.UnixMilli()+remoteAt, 0), Site: site}, User: "w2"})
		}
		if _, err := rep.Apply(ctx, &change.Set{Site: site, Changes: cs}, replica.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		name  string
		do    func()
		query string
		want  []string
	}{
		{"first build", func() {}, "zs", []string{"h1"}},
		{"new household with members", func() {
			mustExec(t, db, `INSERT INTO households(id, community_id, ref_code, address, head_name, status) VALUES ('h4', 'c1', 'JF-004', '民主路20号', '赵六', 'active')`)
			mustExec(t, db, `INSERT INTO members(id, household_id, community_id, name, id_number) VALUES ('m5', 'h4', 'c1', '赵六', '410802199001010011'), ('m6', 'h4', 'c1', '钱七', '410802199201010022')`)
		}, "qq", []string{"h4"}},
		{"address edited", func() {
			mustExec(t, db, `UPDATE households SET address = '人民路1号' WHERE id = 'h2'`)
		}, "人民路", []string{"h2"}},
		{"head renamed", func() {
			mustExec(t, db, `UPDATE households SET head_name = '李思思' WHERE id = 'h2'`)
			mustExec(t, db, `UPDATE members SET name = '李思思' WHERE id = 'm3'`)
		}, "lss", []string{"h2"}},
		{"member moved to another household", func() {
			mustExec(t, db, `UPDATE members SET household_id = 'h2' WHERE id = 'm6'`)
		}, "qianqi", []string{"h2"}},
		{"household deleted", func() {
			mustExec(t, db, `DELETE FROM households WHERE id = 'h4'`)
		}, "zhaoliu", nil},
		{"household moved out of the community", func() {
			mustExec(t, db, `UPDATE households SET community_id = 'c2' WHERE id = 'h1'`)
		}, "zs", nil},
		{"household moved back", func() {
			mustExec(t, db, `UPDATE households SET community_id = 'c1' WHERE id = 'h1'`)
		}, "zs", []string{"h1"}},
		{"community renamed", func() {
			mustExec(t, db, `UPDATE communities SET name = '新民主社区' WHERE id = 'c1'`)
		}, "新民主", []string{"h2", "h1"}},
		{"member deleted", func() {
			mustExec(t, db, `DELETE FROM members WHERE id = 'm2'`)
		}, "cxh", nil},
		{"changes pulled from the server", func() {
			pulled("households", h9, map[string]any{"community_id": "c1", "head_name": "孙悟空", "deleted": int64(0)})
			pulled("members", m9, map[string]any{"household_id": h9, "community_id": "c1", "name": "猪八戒", "deleted": int64(0)})
			pulled("households", h9, map[string]any{"head_name": "孙大圣"})
			pulled("households", h8, map[string]any{"community_id": "c1", "head_name": "周八", "deleted": int64(0)})
		}, "zbj", []string{h9}},
		{"pulled delete", func() {
			pulled("households", h9, map[string]any{"deleted": int64(1)})
		}, "sds", nil},
		{"purge", func() {
			if n, err := rep.PurgeRows(ctx, []change.RowRef{{Table: "households", ID: h8}}); err != nil || n != 1 {
				t.Fatalf("purged %d rows: %v", n, err)
			}
		}, "zhouba", nil},
	}
	for i, st := range steps {
		st.do()
		got, err := s.HouseholdIndex(ctx, worker)
		if err != nil {
			t.Fatal(err)
		}
		want, err := New(db, nil).HouseholdIndex(ctx, worker)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.entries, want.entries) {
			t.Fatalf("%s: updated index differs from a rebuild:\ngot  %+v\nwant %+v", st.name, got.entries, want.entries)
		}
		var ids []string
		for _, h := range got.Search(st.query) {
			ids = append(ids, h.ID)
		}
		if fmt.Sprint(ids) != fmt.Sprint(st.want) {
			t.Errorf("%s: Search(%q) = %v, want %v", st.name, st.query, ids, st.want)
		}
		if i > 0 && st.name != "purge" && s.search.rebuilds != 1 {
			t.Errorf("%s: %d full builds, want only the first", st.name, s.search.rebuilds)
		}
	}
	if s.search.rebuilds != 2 {
		t.Errorf("%d full builds, want 2 (the first, after the purge)", s.search.rebuilds)
	}
	// Another identity gets its own index.
	other := worker
	other.Communities = []string{"c2"}
	ix, err := s.HouseholdIndex(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	if ix.Len() != 1 || ix.Search("ww")[0].ID != "h3" {
		t.Errorf("worker of c2: %d households", ix.Len())
	}
}

// BenchmarkHouseholdIndexUpdate compares, over 3,000 households, bringing
// the search index up to date after one household form save (the
// household edited, a member added) by updating it (HouseholdIndex with
// the index of the previous call cached) with building it from scratch;
// it reports both times in ms and their ratio.
func BenchmarkHouseholdIndexUpdate(b *testing.B) {
	ctx := context.Background()
	s, _ := openReplicaStore(b)
	seedMany(b, s, 3000)
	if _, err := s.HouseholdIndex(ctx, worker); err != nil {
		b.Fatal(err)
	}
	save := func(i int) {
		hid := fmt.Sprintf("hh%05d", i%3000)
		tx, err := s.DB().BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer tx.Rollback() //nolint:errcheck // no-op after commit
		if _, err := tx.Exec(`UPDATE households SET address = ? WHERE id = ?`, fmt.Sprintf("新华路%d号", i), hid); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO members(id, household_id, community_id, name) VALUES (?, ?, 'c1', '新成员')`, fmt.Sprintf("new-%d", i), hid); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	var update, rebuild time.Duration
	n := 0
	for i := 0; b.Loop(); i++ {
		save(i)
		t0 := time.Now()
		ix, err := s.HouseholdIndex(ctx, worker)
		if err != nil {
			b.Fatal(err)
		}
		update += time.Since(t0)
		t0 = time.Now()
		full, err := s.fullIndex(ctx, worker)
		if err != nil {
			b.Fatal(err)
		}
		rebuild += time.Since(t0)
		if ix.Len() != full.Len() {
			b.Fatalf("updated index has %d households, rebuilt %d", ix.Len(), full.Len())
		}
		n++
	}
	if s.search.rebuilds != 1 {
		b.Fatalf("%d full builds through HouseholdIndex, want 1", s.search.rebuilds)
	}
	b.ReportMetric(float64(update.Microseconds())/1000/float64(n), "update-ms")
	b.ReportMetric(float64(rebuild.Microseconds())/1000/float64(n), "rebuild-ms")
	b.ReportMetric(float64(rebuild)/float64(update), "rebuild/update")
	b.ReportMetric(0, "ns/op")
}
