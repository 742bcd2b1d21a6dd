package server

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"pgregory.net/rapid"

	"doorstep/schema"
	"doorstep/server/store"
	"doorstep/sync/change"
	"doorstep/sync/client"
	"doorstep/sync/replica"
)

// TestServerConvergence is the convergence property test against the real
// server, on the store TestMain's backend (SQLite, or PostgreSQL with
// DOORSTEP_TEST_STORE=postgres): 2–4 devices of two workers and a district
// supervisor, each with its own clock skewed by up to ±30 s, insert, edit,
// move between communities and delete rows of two tables drawn from small
// pools (so that edits collide), and sync through the HTTP API in a random
// order, some syncing in pieces (small push batches). After every device
// has synced twice more:
//
//   - every device holds exactly the server's rows, with the same values;
//   - every cell holds the value of the write with the greatest clock
//     (last writer wins: no acknowledged write lost to an older one);
//   - no write is recorded as the loser of more than one conflict.
//
// sync/replica's TestConvergence checks the engine itself under dropped,
// replayed and interrupted syncs; this one checks that the server's store
// — either backend — merges, records and serves what the engine would.
// Each case uses its own rows and devices on one server. 25 cases by
// default, 4 under the race detector (which makes each case ~10× slower;
// `make test` runs the 25 without it), -rapid.checks=N for more.
func TestServerConvergence(t *testing.T) {
	checks := map[bool]int{false: 25, true: 4}[raceEnabled]
	flag.Visit(func(f *flag.Flag) {
		if f.Name == "rapid.checks" {
			checks = -1
		}
	})
	if checks > 0 {
		flag.Set("rapid.checks", fmt.Sprint(checks))
		defer flag.Set("rapid.checks", "100")
	}
	e := newEnv(t, Config{Rate: -1, EnrollRate: -1})
	ctx := context.Background()
	workerA := e.user(t, store.User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c1", "c2"}})
	workerB := e.user(t, store.User{Name: "李娜", Role: schema.RoleWorker, Communities: []string{"c1", "c2"}})
	office := e.user(t, districtSupervisor)
	users := []string{workerA.ID, workerB.ID, office.ID}
	dir := t.TempDir()
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		n++
		c := &convCase{rt: rt, ctx: ctx, e: e, ids: map[string][]string{}}
		for _, tbl := range convTables {
			for i := 0; i < 3; i++ {
				c.ids[tbl] = append(c.ids[tbl], newID())
			}
		}
		nd := rapid.IntRange(2, 4).Draw(rt, "devices")
		for i := 0; i < nd; i++ {
			skew := time.Duration(rapid.Int64Range(-30, 30).Draw(rt, "skew")) * time.Second
			c.devs = append(c.devs, c.enroll(filepath.Join(dir, fmt.Sprintf("%d-%d.db", n, i)), users[i%len(users)], skew))
		}
		defer c.close()
		steps := rapid.IntRange(5, 25).Draw(rt, "steps")
		for s := 0; s < steps; s++ {
			d := c.devs[rapid.IntRange(0, len(c.devs)-1).Draw(rt, "device")]
			switch rapid.IntRange(0, 3).Draw(rt, "action") {
			case 0, 1:
				c.write(d)
			case 2:
				c.sync(d, 0)
			case 3:
				c.sync(d, rapid.IntRange(1, 3).Draw(rt, "batch rows"))
			}
			e.clock.Advance(time.Duration(rapid.IntRange(0, 2000).Draw(rt, "ms")) * time.Millisecond)
		}
		for round := 0; round < 2; round++ {
			for _, d := range c.devs {
				c.sync(d, 0)
			}
		}
		c.check()
	})
}

// The tables and cells the case writes: values from small pools so that
// devices overwrite each other.
var (
	convTables = []string{"households", "members"}
	convValues = map[string]map[string][]any{
		"households": {
			"community_id": {"c1", "c2"},
			"head_name":    {"王建国", "李秀英", "张伟"},
			"benefit_fen":  {int64(0), int64(45000), int64(90000)},
			"address":      {nil, "建设路 1 号"},
			"deleted":      {int64(0), int64(1)},
		},
		"members": {
			"community_id": {"c1", "c2"},
			"name":         {"赵敏", "周静"},
			"counted":      {int64(0), int64(1)},
			"deleted":      {int64(0), int64(1)},
		},
	}
)

// convCase is one case: its devices, rows and the writes they made.
type convCase struct {
	rt     *rapid.T
	ctx    context.Context
	e      *env
	ids    map[string][]string
	devs   []*convDevice
	writes []convWrite
}

type convDevice struct {
	rep    *replica.Replica
	client *client.Client
	name   string
}

// convWrite is one write of one cell with the clock the device gave it.
type convWrite struct {
	table, id, col string
	value          any
	clock          change.Clock
}

// enroll opens a device replica whose clock runs skew from the server's
// and enrolls it for user.
func (c *convCase) enroll(path, user string, skew time.Duration) *convDevice {
	rep, err := replica.Open(c.ctx, path, replica.Options{Now: func() time.Time { return c.e.clock.Now().Add(skew) }})
	if err != nil {
		c.rt.Fatal(err)
	}
	code, _, err := c.e.store.CreateEnrollCode(c.ctx, user, time.Hour)
	if err != nil {
		c.rt.Fatal(err)
	}
	cl := client.New(c.e.ts.URL, "")
	if _, err := cl.EnrollReplica(c.ctx, rep, code, filepath.Base(path)); err != nil {
		c.rt.Fatal(err)
	}
	return &convDevice{rep: rep, client: cl, name: filepath.Base(path)}
}

func (c *convCase) close() {
	for _, d := range c.devs {
		d.rep.Close()
	}
}

// write inserts a row the device does not hold, or changes 1–2 cells of
// one it holds, and records each written cell with its clock.
func (c *convCase) write(d *convDevice) {
	tbl := rapid.SampledFrom(convTables).Draw(c.rt, "table")
	id := rapid.SampledFrom(c.ids[tbl]).Draw(c.rt, "row")
	vals := convValues[tbl]
	cols := make([]string, 0, len(vals))
	for col := range vals {
		cols = append(cols, col)
	}
	sort.Strings(cols)
	set := map[string]any{}
	var n int
	if err := d.rep.DB().QueryRow(`SELECT count(*) FROM `+tbl+` WHERE id = ?`, id).Scan(&n); err != nil {
		c.rt.Fatal(err)
	}
	if n == 0 {
		for _, col := range cols {
			if col != "deleted" {
				set[col] = rapid.SampledFrom(vals[col]).Draw(c.rt, col)
			}
		}
	} else {
		for k := rapid.IntRange(1, 2).Draw(c.rt, "cells"); k > 0; k-- {
			col := rapid.SampledFrom(cols).Draw(c.rt, "column")
			set[col] = rapid.SampledFrom(vals[col]).Draw(c.rt, col)
		}
	}
	names := make([]string, 0, len(set))
	args := make([]any, 0, len(set)+1)
	for col := range set {
		names = append(names, col)
	}
	sort.Strings(names)
	var q string
	if n == 0 {
		q = `INSERT INTO ` + tbl + ` (id`
		args = append(args, id)
		marks := "?"
		for _, col := range names {
			q += ", " + col
			marks += ", ?"
			args = append(args, set[col])
		}
		q += `) VALUES (` + marks + `)`
	} else {
		q = `UPDATE ` + tbl + ` SET `
		for i, col := range names {
			if i > 0 {
				q += ", "
			}
			q += col + " = ?"
			args = append(args, set[col])
		}
		q += ` WHERE id = ?`
		args = append(args, id)
	}
	if _, err := d.rep.DB().Exec(q, args...); err != nil {
		c.rt.Fatalf("%s: %s: %v", d.name, q, err)
	}
	row, ok, err := d.rep.RowState(c.ctx, tbl, id)
	if err != nil || !ok {
		c.rt.Fatalf("%s: row state of %s %s: %v %v", d.name, tbl, id, ok, err)
	}
	for _, ch := range row.Changes {
		// An insert writes every column, deleted = 0 too.
		if _, written := set[ch.Column]; written || n == 0 {
			c.writes = append(c.writes, convWrite{tbl, id, ch.Column, ch.Value, ch.Clock})
		}
	}
}

// sync runs one sync round of the device (batchRows rows per push; the
// default when 0). Every round must succeed: the devices only write what
// their users may.
func (c *convCase) sync(d *convDevice, batchRows int) {
	if _, err := d.client.Sync(c.ctx, d.rep, client.SyncOptions{BatchRows: batchRows}); err != nil {
		c.rt.Fatalf("%s: sync: %v", d.name, err)
	}
}

// check compares every device with the server and the server with the
// writes' clocks, and the conflict records with each other.
func (c *convCase) check() {
	server := c.dump(c.e.store.DB())
	for _, d := range c.devs {
		if got := c.dump(d.rep.DB()); got != server {
			c.rt.Fatalf("%s holds\n%s\nthe server holds\n%s", d.name, got, server)
		}
	}
	// Last writer wins: the newest write of each cell is what the server holds.
	newest := map[[3]string]convWrite{}
	for _, w := range c.writes {
		k := [3]string{w.table, w.id, w.col}
		if o, ok := newest[k]; !ok || o.clock.Less(w.clock) {
			newest[k] = w
		}
	}
	for k, w := range newest {
		var got any
		if err := c.e.store.DB().QueryRow(`SELECT `+k[2]+` FROM `+k[0]+` WHERE id = ?`, k[1]).Scan(&got); err != nil {
			c.rt.Fatalf("read %v on the server: %v", k, err)
		}
		if fmt.Sprint(norm(got)) != fmt.Sprint(norm(w.value)) {
			c.rt.Fatalf("%s.%s of %s is %v on the server; the newest write (%s) wrote %v", k[0], k[2], k[1], got, w.clock, w.value)
		}
	}
	// Each losing write is recorded once.
	for _, tbl := range convTables {
		for _, id := range c.ids[tbl] {
			rows, err := c.e.store.DB().Query(`SELECT col, loser_hlc, loser_site, count(*) FROM conflicts
				WHERE tbl = ? AND row_id = ? GROUP BY col, loser_hlc, loser_site HAVING count(*) > 1`, tbl, id)
			if err != nil {
				c.rt.Fatal(err)
			}
			for rows.Next() {
				var col, site string
				var hlc, count int64
				if err := rows.Scan(&col, &hlc, &site, &count); err != nil {
					c.rt.Fatal(err)
				}
				c.rt.Errorf("the write %d@%s of %s.%s %s is the loser of %d conflict records", hlc, site, tbl, col, id, count)
			}
			if err := rows.Err(); err != nil {
				c.rt.Fatal(err)
			}
			rows.Close()
		}
	}
}

// dump lists the case's rows of a database, one line per row with every
// written column, in a fixed order.
func (c *convCase) dump(db *sql.DB) string {
	var out string
	for _, tbl := range convTables {
		cols := make([]string, 0, len(convValues[tbl]))
		for col := range convValues[tbl] {
			cols = append(cols, col)
		}
		sort.Strings(cols)
		for _, id := range c.ids[tbl] {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			q := `SELECT `
			for i, col := range cols {
				if i > 0 {
					q += ", "
				}
				q += col
			}
			err := db.QueryRow(q+` FROM `+tbl+` WHERE id = ?`, id).Scan(ptrs...)
			if err == sql.ErrNoRows {
				continue
			}
			if err != nil {
				c.rt.Fatalf("dump %s %s: %v", tbl, id, err)
			}
			out += tbl + " " + id
			for i, col := range cols {
				out += fmt.Sprintf(" %s=%v", col, norm(vals[i]))
			}
			out += "\n"
		}
	}
	return out
}

// norm makes a value read from either backend print the same way.
func norm(v any) any {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case int32:
		return int64(x)
	case nil:
		return "NULL"
	}
	return v
}
