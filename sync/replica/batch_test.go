package replica

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
)

// The batched merge (Apply reads every row of a set first, merges in
// memory, writes each row once) must end exactly where applying the same
// changes one at a time ends. These tests check that.

var (
	batchSites = []string{"0195a000-0000-7000-8000-0000000000b1", "0195a000-0000-7000-8000-0000000000b2", "0195a000-0000-7000-8000-0000000000b3"}
	batchRows  = map[string][]string{
		"households": {"0195a000-0000-7000-8000-0000000000e1", "0195a000-0000-7000-8000-0000000000e2", "0195a000-0000-7000-8000-0000000000e3"},
		"members":    {"0195a000-0000-7000-8000-0000000000f1", "0195a000-0000-7000-8000-0000000000f2"},
	}
	batchValues = map[string]map[string][]any{
		"households": {"community_id": {"c1", "c2"}, "head_name": {"王建国", "李秀英", nil}, "benefit_fen": {int64(0), int64(45000)}},
		"members":    {"community_id": {"c1"}, "name": {"张伟", "刘芳"}, "household_id": {"0195a000-0000-7000-8000-0000000000e1"}},
	}
)

// batchChange draws one remote change: a row, a column, a value, a clock
// not used before, and a base that is either none or an earlier clock of
// the same cell.
func batchChange(t *rapid.T, used map[hlc.Timestamp]bool, history map[string][]change.Clock) change.Change {
	table := rapid.SampledFrom([]string{"households", "members"}).Draw(t, "table")
	id := rapid.SampledFrom(batchRows[table]).Draw(t, "row")
	var cols []string
	for c := range batchValues[table] {
		cols = append(cols, c)
	}
	slicesSort(cols)
	col := rapid.SampledFrom(cols).Draw(t, "column")
	var at hlc.Timestamp
	for {
		at = hlc.New(t0+rapid.Int64Range(0, 50).Draw(t, "ms"), 0)
		if !used[at] {
			used[at] = true
			break
		}
	}
	site := rapid.SampledFrom(batchSites).Draw(t, "site")
	c := change.Change{Table: table, ID: id, Column: col, Value: rapid.SampledFrom(batchValues[table][col]).Draw(t, "value"),
		Clock: change.Clock{HLC: at, Site: site}, User: "u" + site[len(site)-1:]}
	cell := table + "/" + id + "/" + col
	if h := history[cell]; len(h) > 0 && rapid.Bool().Draw(t, "based") {
		c.Base = rapid.SampledFrom(h).Draw(t, "base")
	}
	history[cell] = append(history[cell], c.Clock)
	return c
}

func copyFile(tb testing.TB, from, to string) {
	tb.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		tb.Fatal(err)
	}
}

func slicesSort(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// replicaState is everything merging decides: every synced row's columns
// with value and clock, and the conflict records (which are captured, so
// also listed by Changes).
func replicaState(tb testing.TB, r *Replica) string {
	tb.Helper()
	ctx := context.Background()
	page, err := r.Changes(ctx, Cursor{}, 1000)
	if err != nil {
		tb.Fatal(err)
	}
	var lines []string
	for _, row := range page.Rows {
		for _, c := range row.Changes {
			if row.Table == "conflicts" {
				// Detection time and our own clock differ between runs; a
				// record names the row's community at the end of the Apply
				// that found it (the whole set in one, the change alone in
				// the other).
				if c.Column == "detected_at" || c.Column == "resolved_at" || c.Column == "community_id" {
					continue
				}
				c.Clock = change.Clock{}
			}
			lines = append(lines, fmt.Sprintf("%s %s %s=%s @%s", row.Table, row.ID, c.Column, change.FormatValue(c.Value), c.Clock))
		}
	}
	slicesSort(lines)
	return strings.Join(lines, "\n")
}

// TestBatchedMergeEqualsOneByOne: for random sets of changes (the same row
// edited several times, not always adjacently; rows inserted and edited in
// one set; concurrent edits and later edits resolving them), one Apply of
// the whole set and one Apply per change end in the same state, on a
// device and on a server replica, with the same counts.
//
// It runs batchChecks cases per target unless -rapid.checks is given.
func TestBatchedMergeEqualsOneByOne(t *testing.T) {
	if f := flag.Lookup("rapid.checks"); f != nil {
		set := false
		flag.Visit(func(f *flag.Flag) { set = set || f.Name == "rapid.checks" })
		if !set {
			old := f.Value.String()
			flag.Set("rapid.checks", fmt.Sprint(batchChecks))
			defer flag.Set("rapid.checks", old)
		}
	}
	for _, target := range []schema.Target{schema.Device, schema.Server} {
		t.Run(string(target), func(t *testing.T) {
			// Each case copies a migrated database instead of migrating anew.
			dir := t.TempDir()
			tmpl := filepath.Join(dir, "template.db")
			r, err := Open(context.Background(), tmpl, Options{Target: target, Now: newTestClock().Now, Site: testSite(), MaxDrift: 30 * 24 * time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			n := 0
			open := func() *Replica {
				n++
				path := filepath.Join(dir, fmt.Sprintf("%d.db", n))
				copyFile(t, tmpl, path)
				r, err := Open(context.Background(), path, Options{Target: target, Now: newTestClock().Now, MaxDrift: 30 * 24 * time.Hour})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { r.Close(); os.Remove(path) })
				return r
			}
			rapid.Check(t, func(rt *rapid.T) {
				used := map[hlc.Timestamp]bool{}
				history := map[string][]change.Clock{}
				// Some rows exist before the set arrives.
				before := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) change.Change { return batchChange(t, used, history) }), 0, 8).Draw(rt, "before")
				set := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) change.Change { return batchChange(t, used, history) }), 1, 25).Draw(rt, "set")
				batched, single := open(), open()
				for _, r := range []*Replica{batched, single} {
					for _, c := range before {
						apply(t, r, c)
					}
				}
				got, err := batched.Apply(context.Background(), &change.Set{Site: batchSites[0], Changes: set}, ApplyOptions{})
				if err != nil {
					rt.Fatal(err)
				}
				var want Result
				for _, c := range set {
					res := apply(t, single, c)
					want.Applied += res.Applied
					want.Ignored += res.Ignored
					want.Conflicts += res.Conflicts
					want.Resolved += res.Resolved
				}
				if got != want {
					rt.Errorf("one Apply: %+v; one per change: %+v", got, want)
				}
				if g, w := replicaState(t, batched), replicaState(t, single); g != w {
					rt.Fatalf("state after one Apply:\n%s\n\none per change:\n%s", g, w)
				}
				// Applying the set again changes no value or clock. (Without a
				// batch id a replayed losing change may be recorded again as
				// losing to the newer winner, one at a time as in one Apply:
				// the replicas stay equal.)
				data := func(r *Replica) string {
					var keep []string
					for _, l := range strings.Split(replicaState(t, r), "\n") {
						if !strings.HasPrefix(l, "conflicts ") {
							keep = append(keep, l)
						}
					}
					return strings.Join(keep, "\n")
				}
				was := data(batched)
				again, err := batched.Apply(context.Background(), &change.Set{Site: batchSites[0], Changes: set}, ApplyOptions{})
				if err != nil {
					rt.Fatal(err)
				}
				if again.Applied != 0 || data(batched) != was {
					rt.Errorf("second Apply of the same set changed data: %+v", again)
				}
			})
		})
	}
}

// TestBatchSameRowTwice: one set edits a row, another row, then the first
// row again (the same column and another one): the row ends with the
// later values, its clock with the later clocks, and it is written once
// with both edits.
func TestBatchSameRowTwice(t *testing.T) {
	r := mustOpen(t, schema.Device, nil)
	apply(t, r, remote("head_name", "原名", t0, siteX), remote("benefit_fen", int64(1), t0, siteX))
	other := "0195a000-0000-7000-8000-0000000000d9"
	o := remote("head_name", "别家", t0+1, siteX)
	o.ID = other
	res := apply(t, r,
		remote("head_name", "一改", t0+2, siteX),
		o,
		remote("head_name", "二改", t0+3, siteX),
		remote("benefit_fen", int64(2), t0+3, siteX),
		remote("head_name", "迟到的旧值", t0+1, siteX), // older than the row's clock: loses
	)
	if res.Applied != 4 || res.Ignored != 1 {
		t.Errorf("result %+v, want 4 applied, 1 ignored", res)
	}
	var name string
	var fen int64
	if err := r.DB().QueryRow(`SELECT head_name, benefit_fen FROM households WHERE id = ?`, hh1).Scan(&name, &fen); err != nil {
		t.Fatal(err)
	}
	if name != "二改" || fen != 2 {
		t.Errorf("row holds %q, %d; want 二改, 2", name, fen)
	}
	cells := cellsOf(t, r, "households", hh1)
	if c := cells["head_name"]; c.Clock.HLC != hlc.New(t0+3, 0) {
		t.Errorf("head_name clock %s, want the later edit's", c.Clock)
	}
	if !headNameIs(t, r, other, "别家") {
		t.Error("the other row of the set was not written")
	}
}

func headNameIs(t *testing.T, r *Replica, id, want string) bool {
	t.Helper()
	var got string
	if err := r.DB().QueryRow(`SELECT head_name FROM households WHERE id = ?`, id).Scan(&got); err != nil {
		t.Fatal(err)
	}
	return got == want
}

// TestBatchInsertsAndEdits: one set inserts new rows (one of them in two
// parts, with another row between) and edits existing ones; every row ends
// with all its columns, and inserted rows get every column the set gave.
func TestBatchInsertsAndEdits(t *testing.T) {
	r := mustOpen(t, schema.Server, nil)
	existing, fresh := hh1, "0195a000-0000-7000-8000-0000000000d1"
	apply(t, r, remote("head_name", "老户", t0, siteX), remote("community_id", "c1", t0, siteX))
	at := func(id, col string, v any, ms int64) change.Change {
		c := remote(col, v, ms, siteX)
		c.ID = id
		return c
	}
	base := change.Clock{HLC: hlc.New(t0, 0), Site: siteX}
	edit := at(existing, "head_name", "老户改", t0+5)
	edit.Base = base
	res := apply(t, r,
		at(fresh, "head_name", "新户", t0+5),
		edit,
		at(fresh, "community_id", "c2", t0+5),
		at(fresh, "benefit_fen", int64(30000), t0+6),
	)
	if res.Applied != 4 || res.Conflicts != 0 {
		t.Errorf("result %+v, want 4 applied, no conflict", res)
	}
	var name, comm string
	var fen int64
	if err := r.DB().QueryRow(`SELECT head_name, community_id, benefit_fen FROM households WHERE id = ?`, fresh).Scan(&name, &comm, &fen); err != nil {
		t.Fatal(err)
	}
	if name != "新户" || comm != "c2" || fen != 30000 {
		t.Errorf("inserted row holds %q %q %d", name, comm, fen)
	}
	if !headNameIs(t, r, existing, "老户改") {
		t.Error("the edit of the existing row was not written")
	}
	if n := count(t, r, `SELECT count(*) FROM households`); n != 2 {
		t.Errorf("%d households, want 2", n)
	}
}

// siteZ is a third remote site.
const siteZ = "0195a000-0000-7000-8000-0000000000cc"

// TestBatchConflicts: in one set sent to the hub, two devices' concurrent
// edits of one column (both based on the stored value) and then a third
// edit based on the winner: one conflict record naming both values, and
// it is resolved by the third edit in the same set. A second column gets
// a concurrent edit that loses.
func TestBatchConflicts(t *testing.T) {
	r := mustOpen(t, schema.Server, nil)
	apply(t, r, remote("head_name", "原名", t0, siteX), remote("address", "原址", t0, siteX), remote("community_id", "c1", t0, siteX))
	base := change.Clock{HLC: hlc.New(t0, 0), Site: siteX}
	a := remote("head_name", "甲改", t0+10, siteY)
	a.Base = base
	b := remote("head_name", "乙改", t0+11, siteZ)
	b.Base = base
	winner := b.Clock
	c := remote("head_name", "丙定", t0+12, siteX)
	c.Base = winner
	late := remote("address", "新址", t0+20, siteY)
	late.Base = base
	lost := remote("address", "旧址改", t0+15, siteZ) // concurrent with late, older: loses
	lost.Base = base
	res := apply(t, r, a, late, b, lost, c)
	if res.Conflicts != 2 || res.Resolved != 1 {
		t.Errorf("result %+v, want 2 conflicts, 1 resolved", res)
	}
	var winVal, loseVal, community string
	var resolved int
	if err := r.DB().QueryRow(`SELECT winner_value, loser_value, resolved, community_id FROM conflicts WHERE row_id = ? AND col = 'head_name'`, hh1).
		Scan(&winVal, &loseVal, &resolved, &community); err != nil {
		t.Fatal(err)
	}
	if winVal != `"乙改"` || loseVal != `"甲改"` || resolved != 1 || community != "c1" {
		t.Errorf("head_name conflict: winner %s loser %s resolved %d community %q", winVal, loseVal, resolved, community)
	}
	if err := r.DB().QueryRow(`SELECT winner_value, loser_value, resolved FROM conflicts WHERE row_id = ? AND col = 'address'`, hh1).
		Scan(&winVal, &loseVal, &resolved); err != nil {
		t.Fatal(err)
	}
	if winVal != `"新址"` || loseVal != `"旧址改"` || resolved != 0 {
		t.Errorf("address conflict: winner %s loser %s resolved %d", winVal, loseVal, resolved)
	}
	if !headNameIs(t, r, hh1, "丙定") {
		t.Error("head_name is not the last edit")
	}
	// The same set again: no value changes.
	again := apply(t, r, a, late, b, lost, c)
	if again.Applied != 0 {
		t.Errorf("replayed set: %+v", again)
	}
	if !headNameIs(t, r, hh1, "丙定") {
		t.Error("a replay changed head_name")
	}
}
