package server_test

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"testing"

	"doorstep/server/store"
	"doorstep/sync/client"
	"doorstep/sync/client/api"
)

// holdsScope checks that device d holds exactly the rows its user may see
// on the server now, plus the rows named in kept (rows with unpushed
// writes, which must stay), and that shared rows have the server's values.
func holdsScope(tb testing.TB, st *store.Store, sdb *sql.DB, d *e2eDevice, kept ...string) {
	tb.Helper()
	ctx := context.Background()
	u, err := st.Access(ctx, d.user)
	if err != nil {
		tb.Fatal(err)
	}
	want := visibleOnServer(tb, sdb, u)
	server := rowDump(tb, sdb)
	got := rowDump(tb, d.rep.DB())
	keep := map[string]bool{}
	for _, k := range kept {
		keep[k] = true
	}
	var missing, extra, differ []string
	for k := range want {
		if _, ok := got[k]; !ok {
			missing = append(missing, k)
		}
	}
	for k, v := range got {
		switch {
		case keep[k]:
		case !want[k]:
			extra = append(extra, k)
		case v != server[k]:
			differ = append(differ, k+": device "+v+", server "+server[k])
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing)+len(extra)+len(differ) > 0 {
		tb.Errorf("%s holds %d rows, may see %d: missing %v, outside its scope %v, differing %v", d.name, len(got), len(want), missing, extra, differ)
	}
	for _, k := range kept {
		if _, ok := got[k]; !ok {
			tb.Errorf("%s lost %s, which holds an unpushed write", d.name, k)
		}
	}
}

// TestEndToEndScopeLoss runs the real server binary and checks that rows
// leaving a user's scope leave their device, without losing an unpushed
// write:
//
//   - an admin takes a community away from a worker (the cursor's scope
//     fingerprint changes): the device pushes first, then drops everything
//     it may no longer see and fetches its scope again;
//   - a household moves to another community, and a spot check is made
//     unannounced: devices that could see the old scope but not the new one
//     drop the row (and the spot check's review event) on their next pull,
//     while the new community's worker receives the household whole;
//   - a worker with an unpushed edit of a row in a community taken away
//     keeps that row and the edit (the push is refused, not dropped), and
//     loses everything else of that community; the refused row is held on
//     the device, so the worker's other writes are still pushed, and once
//     the community is given back and the row released its edit is pushed.
func TestEndToEndScopeLoss(t *testing.T) {
	ctx := context.Background()
	db := processDB(t, t.TempDir())
	srv := startServer(t, db, freeAddr(t))
	ids := map[string]string{"district": uid(), "wang": uid(), "li": uid(), "zhou": uid()}
	s1 := uid()
	c1, c2, c3 := uid(), uid(), uid()
	admin(t, db, "user", "add", "--id", ids["district"], "--name", "区民政局 刘", "--role", "supervisor")
	admin(t, db, "user", "add", "--id", ids["wang"], "--name", "社区 王芳", "--role", "worker", "--communities", c1+","+c2)
	admin(t, db, "user", "add", "--id", ids["li"], "--name", "社区 李娜", "--role", "worker", "--communities", c3)
	admin(t, db, "user", "add", "--id", ids["zhou"], "--name", "社区 周敏", "--role", "worker", "--communities", c1+","+c2)
	district := newE2EDevice(t, srv, "district", ids["district"])
	wang := newE2EDevice(t, srv, "wang", ids["wang"])
	li := newE2EDevice(t, srv, "li", ids["li"])
	zhou := newE2EDevice(t, srv, "zhou", ids["zhou"])
	devices := []*e2eDevice{district, wang, li, zhou}

	district.exec(t, `INSERT INTO streets(id, name) VALUES (?, '焦西街道')`, s1)
	district.exec(t, `INSERT INTO communities(id, street_id, name) VALUES (?, ?, '新华社区'), (?, ?, '中州社区'), (?, ?, '民主社区')`, c1, s1, c2, s1, c3, s1)
	district.sync(t)
	// Wang's households in c1 and c2, with members; a spot check of a c1
	// household, announced, with a review event about it.
	h1, h2, hMove := uid(), uid(), uid()
	wang.exec(t, `INSERT INTO households(id, community_id, head_name, caseworker_id) VALUES (?, ?, '赵一', ?), (?, ?, '钱二', ?), (?, ?, '孙三', ?)`,
		h1, c1, ids["wang"], h2, c2, ids["wang"], hMove, c1, ids["wang"])
	for _, h := range []struct{ id, c string }{{h1, c1}, {h2, c2}, {hMove, c1}} {
		wang.exec(t, `INSERT INTO members(id, household_id, community_id, name) VALUES (?, ?, ?, '成员')`, uid(), h.id, h.c)
	}
	wang.sync(t)
	check, review := uid(), uid()
	district.sync(t)
	district.exec(t, `INSERT INTO spot_checks(id, household_id, community_id, caseworker_id, inspector_ids, unannounced, planned_on)
		VALUES (?, ?, ?, ?, ?, 0, '2026-05-01')`, check, h1, c1, ids["wang"], `["`+ids["li"]+`"]`)
	district.exec(t, `INSERT INTO review_events(id, community_id, record_table, record_id, household_id, action) VALUES (?, ?, 'spot_checks', ?, ?, 'comment')`,
		review, c1, check, h1)
	district.sync(t)
	for _, d := range devices {
		d.sync(t)
	}
	has := func(d *e2eDevice, table, id string) bool { _, ok := rowDump(t, d.rep.DB())[table+"/"+id]; return ok }
	if !has(wang, "spot_checks", check) || !has(wang, "review_events", review) || !has(wang, "households", h2) {
		t.Fatal("setup: wang lacks rows of their communities")
	}

	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sdb := st.DB()

	// (b) Single rows leave: the household moves to c3 (with its member),
	// the spot check is made unannounced.
	district.exec(t, `UPDATE households SET community_id = ? WHERE id = ?`, c3, hMove)
	district.exec(t, `UPDATE members SET community_id = ? WHERE household_id = ?`, c3, hMove)
	district.exec(t, `UPDATE spot_checks SET unannounced = 1 WHERE id = ?`, check)
	district.sync(t)
	stats := wang.sync(t)
	if stats.Purged == 0 {
		t.Error("wang's pull dropped no rows")
	}
	if has(wang, "households", hMove) || has(wang, "spot_checks", check) || has(wang, "review_events", review) {
		t.Error("rows that left wang's scope are still on the device")
	}
	li.sync(t)
	if !has(li, "households", hMove) || !has(li, "spot_checks", check) {
		t.Error("li lacks the moved household or the check they inspect")
	}
	for _, d := range devices {
		d.sync(t)
		holdsScope(t, st, sdb, d)
	}

	// (a) An admin takes c2 away from wang, who has an unpushed edit in c1
	// (pushed before anything is dropped), and from zhou, who has an
	// unpushed edit of a c2 household (refused, and kept on the device).
	wang.exec(t, `UPDATE households SET head_name = '赵一改' WHERE id = ?`, h1)
	zhou.exec(t, `UPDATE households SET head_name = '钱二（周改）' WHERE id = ?`, h2)
	admin(t, db, "user", "set", "--id", ids["wang"], "--communities", c1)
	admin(t, db, "user", "set", "--id", ids["zhou"], "--communities", c1)
	stats = wang.sync(t)
	if stats.ResetCursors == 0 || stats.Purged == 0 {
		t.Errorf("wang after losing c2: %+v, want a scope reset that drops rows", stats)
	}
	var name string
	if err := sdb.QueryRow(`SELECT head_name FROM households WHERE id = ?`, h1).Scan(&name); err != nil || name != "赵一改" {
		t.Errorf("wang's c1 edit on the server: %q, %v", name, err)
	}
	if has(wang, "households", h2) {
		t.Error("wang still holds a c2 household")
	}
	holdsScope(t, st, sdb, wang)

	// Zhou's refused edit does not block the rest: the refused row is
	// held on the device, the new c1 household is pushed with it.
	hNew := uid()
	zhou.exec(t, `INSERT INTO households(id, community_id, head_name, caseworker_id) VALUES (?, ?, '李五', ?)`, hNew, c1, ids["zhou"])
	stats, err = zhou.client.Sync(ctx, zhou.rep, client.SyncOptions{})
	var refusal *api.Error
	if !errors.As(err, &refusal) || refusal.Code != api.CodeForbiddenScope {
		t.Fatalf("zhou's push of a c2 edit after losing c2: %v, want forbidden_scope", err)
	}
	if len(refusal.Rows) != 1 || refusal.Rows[0] != (api.RowRef{Table: "households", ID: h2}) {
		t.Errorf("the refusal names rows %+v, want households/%s", refusal.Rows, h2)
	}
	if stats.Held != 1 || stats.Batches != 1 {
		t.Errorf("zhou's sync: %+v, want 1 row held and 1 batch pushed", stats)
	}
	holdsScope(t, st, sdb, zhou, "households/"+h2)
	if err := zhou.rep.DB().QueryRow(`SELECT head_name FROM households WHERE id = ?`, h2).Scan(&name); err != nil || name != "钱二（周改）" {
		t.Errorf("zhou's unpushed edit: %q, %v", name, err)
	}
	if held, err := zhou.rep.Held(ctx); err != nil || len(held) != 1 || held[0].ID != h2 || held[0].Code != string(api.CodeForbiddenScope) {
		t.Errorf("zhou's held rows: %+v, %v", held, err)
	}
	if err := sdb.QueryRow(`SELECT head_name FROM households WHERE id = ?`, hNew).Scan(&name); err != nil || name != "李五" {
		t.Errorf("zhou's c1 household on the server: %q, %v", name, err)
	}
	if err := sdb.QueryRow(`SELECT head_name FROM households WHERE id = ?`, h2).Scan(&name); err != nil || name != "钱二" {
		t.Errorf("the refused edit on the server: %q, %v", name, err)
	}
	// Later syncs are not blocked.
	zhou.exec(t, `UPDATE households SET head_name = '李五改' WHERE id = ?`, hNew)
	if stats := zhou.sync(t); stats.Batches != 1 || stats.Held != 0 {
		t.Errorf("zhou's next sync: %+v, want one batch pushed", stats)
	}
	if err := sdb.QueryRow(`SELECT head_name FROM households WHERE id = ?`, hNew).Scan(&name); err != nil || name != "李五改" {
		t.Errorf("zhou's later c1 edit on the server: %q, %v", name, err)
	}
	holdsScope(t, st, sdb, zhou, "households/"+h2)

	// The admin gives c2 back: released, the held edit reaches the server.
	admin(t, db, "user", "set", "--id", ids["zhou"], "--communities", c1+","+c2)
	if n, err := zhou.rep.Release(ctx); err != nil || n != 1 {
		t.Fatalf("release: %d, %v", n, err)
	}
	zhou.sync(t)
	if err := sdb.QueryRow(`SELECT head_name FROM households WHERE id = ?`, h2).Scan(&name); err != nil || name != "钱二（周改）" {
		t.Errorf("the released edit on the server: %q, %v", name, err)
	}
	holdsScope(t, st, sdb, zhou)
	// Li and the district are untouched by both.
	for _, d := range []*e2eDevice{li, district} {
		d.sync(t)
		holdsScope(t, st, sdb, d)
	}
}
