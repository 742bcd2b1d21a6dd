package replica_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/xid"
	"pgregory.net/rapid"

	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/replica"
)

// TestConvergence is the property test of the sync engine: 2–6 devices and
// a hub (a server replica) make random inserts, updates and deletes on
// several tables, with clocks skewed by up to ±3 days, and sync through
// pushes and pulls that are dropped, duplicated, replayed late, cut short,
// and interrupted by crashes between the server's commit and the device's
// acknowledgement. After a final full sync:
//
//   - every replica's synced tables are byte-identical (canonical dump);
//   - every cell holds the value of its greatest-clock write (last writer
//     wins, so no acknowledged write is lost to an older one);
//   - every write whose value is gone was either superseded by a write
//     that saw it, or is the loser of a conflict record (nothing is lost
//     silently);
//   - each write loses in at most one conflict record, and every record
//     names two real, concurrent, differing writes with their values;
//   - replaying any push batch or pull page changes nothing.
//
// It runs 200 cases by default; go test -rapid.checks=N (or RAPID_CHECKS=N)
// runs N.
func TestConvergence(t *testing.T) {
	if _, env := os.LookupEnv("RAPID_CHECKS"); !env && flag.Lookup("rapid.checks") != nil {
		set := false
		flag.Visit(func(f *flag.Flag) { set = set || f.Name == "rapid.checks" })
		if !set {
			flag.Set("rapid.checks", "200")
			defer flag.Set("rapid.checks", "100")
		}
	}
	root := t.TempDir()
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		n++
		dir := filepath.Join(root, fmt.Sprint(n))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			rt.Fatal(err)
		}
		defer os.RemoveAll(dir)
		w := newWorld(rt, dir)
		defer w.close()
		w.run()
	})
}

// Pools of row ids and values small enough that edits collide.
var (
	rowIDs = map[string][]string{
		"households": {"0195a000-0000-7000-8000-0000000000a1", "0195a000-0000-7000-8000-0000000000a2", "0195a000-0000-7000-8000-0000000000a3"},
		"members":    {"0195a000-0000-7000-8000-0000000000b1", "0195a000-0000-7000-8000-0000000000b2"},
		"assets":     {"0195a000-0000-7000-8000-0000000000c1", "0195a000-0000-7000-8000-0000000000c2"},
	}
	columnValues = map[string]map[string][]any{
		"households": {
			"community_id": {"c1", "c2"},
			"head_name":    {"王建国", "李秀英", "张伟"},
			"benefit_fen":  {int64(0), int64(45000), int64(90000)},
			"approved_on":  {nil, "2025-03-01"},
			"deleted":      {int64(0), int64(1)},
		},
		"members": {
			"community_id": {"c1"},
			"name":         {"赵敏", "周静"},
			"counted":      {int64(0), int64(1)},
			"deleted":      {int64(0), int64(1)},
		},
		"assets": {
			"community_id": {"c1", "c2"},
			"floor_area":   {nil, 45.5, 80.25},
			"kind":         {"dwelling", "vehicle"},
			"deleted":      {int64(0), int64(1)},
		},
	}
	tableNames = []string{"households", "members", "assets"}
)

// maxSteps bounds the actions of one case: -rapid.steps=N when given (make
// test runs long cases that way without the race detector), else 30, or 10
// under the race detector, where modernc's SQLite runs about twenty times
// slower, so that the default 200 cases still finish in about a minute.
func maxSteps() int {
	steps := map[bool]int{false: 30, true: 10}[raceEnabled]
	flag.Visit(func(f *flag.Flag) {
		if f.Name == "rapid.steps" {
			if n, err := strconv.Atoi(f.Value.String()); err == nil && n >= 5 {
				steps = n
			}
		}
	})
	return steps
}

const (
	day      = 24 * time.Hour
	maxSkew  = 3 * day
	maxDrift = 7 * day
)

// write is one captured write of one cell, as the oracle knows it.
type write struct {
	table, id, col string
	value          any
	clock          change.Clock
	base           change.Clock
}

type device struct {
	path  string
	site  string
	clock *fakeClock
	r     *replica.Replica
	pages []*change.Set // pull pages fetched, for late replays
	last  change.Clock  // clock of the device's latest write
}

type world struct {
	t       *rapid.T
	ctx     context.Context
	dir     string
	hubTime *fakeClock
	hub     *replica.Replica
	devs    []*device
	writes  []write
	pushed  []*change.Set // every push batch sent, for replays
	nextSeq int
}

type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

var epoch = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)

func newWorld(t *rapid.T, dir string) *world {
	w := &world{t: t, ctx: context.Background(), dir: dir, hubTime: &fakeClock{epoch}}
	w.hub = w.open(filepath.Join(dir, "hub.db"), schema.Server, w.hubTime, "00000000-0000-4000-8000-000000000000")
	n := rapid.IntRange(2, 6).Draw(t, "devices")
	for i := 0; i < n; i++ {
		skew := time.Duration(rapid.Int64Range(-int64(maxSkew), int64(maxSkew)).Draw(t, "skew"))
		d := &device{
			path:  filepath.Join(dir, fmt.Sprintf("dev%d.db", i)),
			site:  fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1),
			clock: &fakeClock{epoch.Add(skew)},
		}
		d.r = w.open(d.path, schema.Device, d.clock, d.site)
		if err := d.r.SetUser(w.ctx, fmt.Sprintf("user-%d", i)); err != nil {
			t.Fatal(err)
		}
		w.devs = append(w.devs, d)
	}
	return w
}

// templates holds, per target, a migrated replica file with its triggers
// installed: new replicas start as copies of it (with their own site id),
// which saves most of the cost of opening a database per case.
var templates sync.Map // schema.Target -> []byte

func (w *world) template(target schema.Target) []byte {
	if b, ok := templates.Load(target); ok {
		return b.([]byte)
	}
	path := filepath.Join(w.dir, "template-"+string(target)+".db")
	r, err := replica.Open(w.ctx, path, replica.Options{Target: target, Site: templateSite})
	if err != nil {
		w.t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		w.t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		w.t.Fatal(err)
	}
	templates.Store(target, b)
	return b
}

// templateSite is the site id of the template replica; a copy gets its
// own site by replacing these 36 bytes wherever they occur (sync_state and
// sync_writers), which is cheaper than opening the copy to update it.
const templateSite = "00000000-0000-4000-8000-00000000ffff"

// create makes a new replica file at path for site, from the template.
func (w *world) create(path string, target schema.Target, site string) {
	b := bytes.ReplaceAll(w.template(target), []byte(templateSite), []byte(site))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) open(path string, target schema.Target, c *fakeClock, site string) *replica.Replica {
	if _, err := os.Stat(path); os.IsNotExist(err) {
		w.create(path, target, site)
	}
	r, err := replica.Open(w.ctx, path, replica.Options{
		Target: target, Now: c.Now, MaxDrift: maxDrift, Site: site,
		NewBatchID: func() string {
			w.nextSeq++
			var b [12]byte
			binary.BigEndian.PutUint64(b[4:], uint64(w.nextSeq))
			id, err := xid.FromBytes(b[:])
			if err != nil {
				panic(err)
			}
			return id.String()
		},
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

func (w *world) close() {
	w.hub.Close()
	for _, d := range w.devs {
		d.r.Close()
	}
}

func (w *world) run() {
	steps := rapid.IntRange(5, maxSteps()).Draw(w.t, "steps")
	for i := 0; i < steps; i++ {
		d := w.devs[rapid.IntRange(0, len(w.devs)-1).Draw(w.t, "device")]
		switch rapid.IntRange(0, 9).Draw(w.t, "action") {
		case 0, 1, 2, 3:
			w.edit(d)
		case 4, 5:
			w.push(d)
		case 6, 7:
			w.pull(d)
		case 8:
			d.clock.now = d.clock.now.Add(time.Duration(rapid.Int64Range(0, int64(time.Hour)).Draw(w.t, "advance")))
			w.hubTime.now = w.hubTime.now.Add(time.Duration(rapid.Int64Range(0, int64(time.Minute)).Draw(w.t, "hubAdvance")))
		case 9:
			w.restart(d)
		}
	}
	w.settle()
	w.check()
}

// edit writes 1–3 rows of a device in one transaction, through plain SQL.
func (w *world) edit(d *device) {
	type rowEdit struct {
		table, id string
		cols      []string
		vals      []any
		del       bool
	}
	var edits []rowEdit
	for k := rapid.IntRange(1, 3).Draw(w.t, "rows"); k > 0; k-- {
		table := rapid.SampledFrom(tableNames).Draw(w.t, "table")
		e := rowEdit{table: table, id: rapid.SampledFrom(rowIDs[table]).Draw(w.t, "id")}
		if rapid.IntRange(0, 9).Draw(w.t, "delete") == 0 {
			e.del = true
		} else {
			for _, col := range sortedKeys(columnValues[table]) {
				if rapid.Bool().Draw(w.t, "set "+col) {
					e.cols = append(e.cols, col)
					e.vals = append(e.vals, rapid.SampledFrom(columnValues[table][col]).Draw(w.t, "value"))
				}
			}
		}
		edits = append(edits, e)
	}
	tx, err := d.r.DB().BeginTx(w.ctx, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, e := range edits {
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM `+e.table+` WHERE id = ?`, e.id).Scan(&n); err != nil {
			w.t.Fatal(err)
		}
		var q string
		args := []any{}
		switch {
		case e.del:
			q = `DELETE FROM ` + e.table + ` WHERE id = ?`
			args = append(args, e.id)
		case n == 0:
			q = `INSERT INTO ` + e.table + ` (id` + prefixJoin(", ", e.cols) + `) VALUES (?` + strings.Repeat(", ?", len(e.cols)) + `)`
			args = append(append(args, e.id), e.vals...)
		case len(e.cols) == 0:
			continue
		default:
			q = `UPDATE ` + e.table + ` SET ` + strings.Join(e.cols, " = ?, ") + ` = ? WHERE id = ?`
			args = append(append(args, e.vals...), e.id)
		}
		if _, err := tx.Exec(q, args...); err != nil {
			w.t.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.Commit(); err != nil {
		w.t.Fatal(err)
	}
	// Record the writes: every cell stamped with this transaction's clock,
	// which is later than any earlier write of the device.
	done := map[[2]string]bool{}
	var stamp change.Clock
	for _, e := range edits {
		key := [2]string{e.table, e.id}
		if done[key] {
			continue
		}
		done[key] = true
		for col, c := range w.cells(d.r, e.table, e.id) {
			if c.Clock.Site != d.site || !d.last.Less(c.Clock) {
				continue
			}
			if !stamp.IsZero() && c.Clock != stamp {
				w.t.Fatalf("one transaction, two clocks: %s and %s", stamp, c.Clock)
			}
			stamp = c.Clock
			w.writes = append(w.writes, write{table: e.table, id: e.id, col: col, value: c.Value, clock: c.Clock, base: c.Base})
		}
	}
	if !stamp.IsZero() {
		d.last = stamp
	}
}

func prefixJoin(sep string, xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return sep + strings.Join(xs, sep)
}

// cells returns the current cells of a row by column.
func (w *world) cells(r *replica.Replica, table, id string) map[string]change.Change {
	row, ok, err := r.RowState(w.ctx, table, id)
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]change.Change{}
	if ok {
		for _, c := range row.Changes {
			out[c.Column] = c
		}
	}
	return out
}

// push sends a device's outbox with a random fault.
func (w *world) push(d *device) {
	set, err := d.r.Outbox(w.ctx, rapid.IntRange(1, 4).Draw(w.t, "pushLimit"))
	if err != nil {
		w.t.Fatal(err)
	}
	if set.Batch == "" {
		return
	}
	w.pushed = append(w.pushed, set)
	switch rapid.SampledFrom([]string{"ok", "ok", "lostRequest", "lostAnswer", "duplicate", "crash"}).Draw(w.t, "pushFault") {
	case "ok":
		w.apply(w.hub, set, "")
		w.ack(d, set.Batch)
	case "lostRequest":
	case "lostAnswer":
		w.apply(w.hub, set, "")
	case "duplicate":
		w.apply(w.hub, set, "")
		if res := w.apply(w.hub, set, ""); !res.Duplicate {
			w.t.Fatalf("second push of batch %s not a duplicate: %+v", set.Batch, res)
		}
		w.ack(d, set.Batch)
	case "crash":
		w.apply(w.hub, set, "")
		w.restart(d)
	}
}

func (w *world) apply(r *replica.Replica, set *change.Set, cursor string) replica.Result {
	res, err := r.Apply(w.ctx, set, replica.ApplyOptions{PullCursor: cursor})
	if err != nil {
		w.t.Fatal(err)
	}
	return res
}

func (w *world) ack(d *device, batch string) {
	if err := d.r.Ack(w.ctx, batch); err != nil {
		w.t.Fatal(err)
	}
}

// pull fetches some pages for a device, with random faults.
func (w *world) pull(d *device) {
	for pages := rapid.IntRange(1, 4).Draw(w.t, "pages"); pages > 0; pages-- {
		page, cursor := w.fetch(d, rapid.IntRange(1, 5).Draw(w.t, "pageSize"))
		switch rapid.SampledFrom([]string{"ok", "ok", "ok", "lost", "duplicate", "late"}).Draw(w.t, "pullFault") {
		case "ok":
			w.apply(d.r, page, cursor)
		case "lost":
		case "duplicate":
			w.apply(d.r, page, cursor)
			w.apply(d.r, page, cursor)
		case "late":
			if len(d.pages) > 0 {
				w.apply(d.r, d.pages[rapid.IntRange(0, len(d.pages)-1).Draw(w.t, "latePage")], "")
			}
			w.apply(d.r, page, cursor)
		}
		d.pages = append(d.pages, page)
	}
}

// fetch reads the hub's next page for a device: the changes and the cursor
// after them.
func (w *world) fetch(d *device, size int) (*change.Set, string) {
	cs, err := d.r.PullCursor(w.ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	cur, err := replica.ParseCursor(cs)
	if err != nil {
		w.t.Fatal(err)
	}
	page, err := w.hub.Changes(w.ctx, cur, size)
	if err != nil {
		w.t.Fatal(err)
	}
	return &change.Set{Site: w.hub.Site(), Changes: page.Changes()}, page.Next.String()
}

// restart closes and reopens a device, as after a crash or a reboot.
func (w *world) restart(d *device) {
	if err := d.r.Close(); err != nil {
		w.t.Fatal(err)
	}
	d.r = w.open(d.path, schema.Device, d.clock, d.site)
}

// settle syncs every device fully, without faults: every device pushes
// everything, then every device pulls everything. After that nothing may
// be left to push: applied changes are never captured again.
func (w *world) settle() {
	for _, d := range w.devs {
		for {
			set, err := d.r.Outbox(w.ctx, 0)
			if err != nil {
				w.t.Fatal(err)
			}
			if set.Batch == "" {
				break
			}
			w.pushed = append(w.pushed, set)
			w.apply(w.hub, set, "")
			w.ack(d, set.Batch)
		}
	}
	for _, d := range w.devs {
		for {
			page, cursor := w.fetch(d, 50)
			w.apply(d.r, page, cursor)
			if len(page.Changes) == 0 {
				break
			}
		}
		set, err := d.r.Outbox(w.ctx, 0)
		if err != nil {
			w.t.Fatal(err)
		}
		if set.Batch != "" {
			w.t.Fatalf("after a full sync a device has %d changes to push", len(set.Changes))
		}
	}
}

func sortedKeys(m map[string][]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
