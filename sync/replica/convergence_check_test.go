package replica_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"pgregory.net/rapid"

	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
	"doorstep/sync/replica"
)

// The invariants TestConvergence checks after the final sync.

func (w *world) check() {
	want := dump(w.t, w.hub)
	for i, d := range w.devs {
		if got := dump(w.t, d.r); got != want {
			w.t.Fatalf("device %d differs from the hub:\n--- device\n%s\n--- hub\n%s", i, got, want)
		}
	}
	w.checkWrites()
	// Replays change nothing.
	for _, set := range w.pushed {
		if res := w.apply(w.hub, set, ""); !res.Duplicate {
			w.t.Fatalf("replayed batch %s applied again: %+v", set.Batch, res)
		}
	}
	// Pull pages are replayed during the run too (late and duplicate
	// deliveries); here up to two per device, drawn, replay after the end.
	for _, d := range w.devs {
		for k := min(2, len(d.pages)); k > 0; k-- {
			p := d.pages[rapid.IntRange(0, len(d.pages)-1).Draw(w.t, "replayPage")]
			if res := w.apply(d.r, p, ""); res.Applied != 0 {
				w.t.Fatalf("replayed pull page applied %d changes", res.Applied)
			}
		}
	}
	for i, d := range w.devs {
		if got := dump(w.t, d.r); got != want {
			w.t.Fatalf("device %d changed by replays", i)
		}
	}
	if got := dump(w.t, w.hub); got != want {
		w.t.Fatalf("hub changed by replays")
	}
}

// conflictRec is a conflicts row as the oracle reads it.
type conflictRec struct {
	table, id, col  string
	winnerV, loserV string
	winner, loser   change.Clock
	winnerU, loserU string
}

// checkWrites checks the final cells and the conflict records against
// every write the devices made.
func (w *world) checkWrites() {
	type cellKey struct{ table, id, col string }
	byCell := map[cellKey][]write{}
	for _, wr := range w.writes {
		k := cellKey{wr.table, wr.id, wr.col}
		byCell[k] = append(byCell[k], wr)
	}
	var recs []conflictRec
	rows, err := w.hub.DB().Query(`SELECT tbl, row_id, col, winner_value, loser_value, winner_hlc, winner_site,
		loser_hlc, loser_site, winner_user, loser_user FROM conflicts`)
	if err != nil {
		w.t.Fatal(err)
	}
	for rows.Next() {
		var c conflictRec
		var wh, lh int64
		if err := rows.Scan(&c.table, &c.id, &c.col, &c.winnerV, &c.loserV, &wh, &c.winner.Site, &lh, &c.loser.Site, &c.winnerU, &c.loserU); err != nil {
			w.t.Fatal(err)
		}
		c.winner.HLC, c.loser.HLC = hlc.Timestamp(wh), hlc.Timestamp(lh)
		recs = append(recs, c)
	}
	rows.Close()
	find := func(k cellKey, clock change.Clock) (write, bool) {
		for _, wr := range byCell[k] {
			if wr.clock == clock {
				return wr, true
			}
		}
		return write{}, false
	}
	type loss struct {
		cell  cellKey
		clock change.Clock
	}
	losses := map[loss]int{}
	for _, c := range recs {
		k := cellKey{c.table, c.id, c.col}
		win, ok1 := find(k, c.winner)
		lose, ok2 := find(k, c.loser)
		if !ok1 || !ok2 {
			w.t.Fatalf("conflict record %+v names a write that never happened", c)
		}
		if !lose.clock.Less(win.clock) || jsonOf(win.value) != c.winnerV || jsonOf(lose.value) != c.loserV ||
			change.EqualValues(win.value, lose.value) || win.clock.Site == lose.clock.Site ||
			win.base == lose.clock || lose.base == win.clock {
			w.t.Fatalf("conflict record %+v does not describe two concurrent differing writes %+v, %+v", c, win, lose)
		}
		losses[loss{k, c.loser}]++
		if n := losses[loss{k, c.loser}]; n > 1 {
			w.t.Fatalf("%v: write %s loses in %d conflict records", k, c.loser, n)
		}
	}
	rowsOf := map[[2]string]map[string]change.Change{}
	for k, ws := range byCell {
		row, ok := rowsOf[[2]string{k.table, k.id}]
		if !ok {
			row = w.cells(w.hub, k.table, k.id)
			rowsOf[[2]string{k.table, k.id}] = row
		}
		final := row[k.col]
		top := ws[0]
		for _, wr := range ws[1:] {
			if top.clock.Less(wr.clock) {
				top = wr
			}
		}
		if final.Clock != top.clock || !change.EqualValues(final.Value, top.value) {
			w.t.Fatalf("%v: final %s=%v, want the greatest write %s=%v", k, final.Clock, final.Value, top.clock, top.value)
		}
		kept := func(wr write) bool {
			if change.EqualValues(wr.value, final.Value) || losses[loss{k, wr.clock}] > 0 {
				return true
			}
			for _, v := range ws {
				if v.base == wr.clock || v.clock.Site == wr.clock.Site && wr.clock.Less(v.clock) {
					return true // a later write saw it
				}
			}
			return false
		}
		for _, wr := range ws {
			if kept(wr) {
				continue
			}
			// A write that lost to an equal value shares that write's fate.
			ok := false
			for _, v := range ws {
				if v.clock != wr.clock && change.EqualValues(v.value, wr.value) && kept(v) {
					ok = true
				}
			}
			if !ok {
				w.t.Fatalf("%v: write %s=%v was lost silently (final %s=%v)", k, wr.clock, wr.value, final.Clock, final.Value)
			}
		}
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// dump renders every synced table canonically: rows by id, columns in
// registry order, values with their Go types.
func dump(t *rapid.T, r *replica.Replica) string {
	var b strings.Builder
	for _, tb := range schema.Reg.Tables() {
		cols := tb.ColumnNames()
		rows, err := r.DB().Query(`SELECT id, ` + strings.Join(cols, ", ") + ` FROM ` + tb.Name + ` ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		vals := make([]any, len(cols)+1)
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %#v\n", tb.Name, vals)
		}
		rows.Close()
	}
	return b.String()
}
