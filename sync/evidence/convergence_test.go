package evidence

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"doorstep/schema"
)

// blobDirs looks a blob up in several folders: the attachments of every
// device, which the server would hold after their uploads.
type blobDirs []BlobDir

func (ds blobDirs) Blob(ctx context.Context, hash string) ([]byte, bool, error) {
	for _, d := range ds {
		b, ok, err := d.Blob(ctx, hash)
		if err != nil || ok {
			return b, ok, err
		}
	}
	return nil, false, nil
}

// TestEvidenceConvergence: 2–3 devices submit first visits and re-checks —
// also of households other devices created, also concurrently — and sync
// through a hub (a server replica) in random order. After a final sync,
// every replica holds the same evidence and record rows, and verifying on
// any replica, with the sync engine's field clocks, finds every record
// verified: a field another evidenced submit changed, later or
// concurrently, is a note, never a flag. Without clocks a flag can only
// name an income a concurrent re-check wrote.
//
// It runs rapid's default 100 cases (20 under the race detector);
// go test -rapid.checks=N runs N.
func TestEvidenceConvergence(t *testing.T) {
	if raceEnabled && flag.Lookup("rapid.checks") != nil {
		set := false
		flag.Visit(func(f *flag.Flag) { set = set || f.Name == "rapid.checks" })
		if !set {
			flag.Set("rapid.checks", "20")
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
		ids := &idGen{}
		hub := openReplica(rt, filepath.Join(dir, "hub.db"), schema.Server, "0195c000-0000-7000-8000-000000000001",
			(&testClock{now: epoch}).Now)
		defer hub.Close()
		var devs []*device
		for i := rapid.IntRange(2, 3).Draw(rt, "devices"); i > 0; i-- {
			d := newDevice(rt, dir, fmt.Sprintf("d%d", i), byte(i), ids)
			defer d.rep.Close()
			devs = append(devs, d)
		}
		devs[0].visit()
		steps := rapid.IntRange(1, map[bool]int{false: 14, true: 8}[raceEnabled]).Draw(rt, "steps")
		for s := 0; s < steps; s++ {
			d := devs[rapid.IntRange(0, len(devs)-1).Draw(rt, "device")]
			switch rapid.IntRange(0, 3).Draw(rt, "action") {
			case 0:
				d.visit()
			case 1:
				h, income, ok := knownIncome(rt, d)
				if !ok {
					d.visit()
					continue
				}
				d.recheckIncome(h, income, int64(rapid.IntRange(0, 3).Draw(rt, "fen"))*1000)
			case 2:
				push(rt, d.rep, hub)
			case 3:
				pull(rt, d.rep, hub, rapid.IntRange(1, 20).Draw(rt, "page"))
			}
		}
		for _, d := range devs {
			push(rt, d.rep, hub)
		}
		for _, d := range devs {
			pull(rt, d.rep, hub, 50)
		}

		var blobs blobDirs
		for _, d := range devs {
			blobs = append(blobs, BlobDir{Dir: d.blobs})
		}
		keys := keysOf(devs...)
		want := dumpTables(rt, hub.DB())
		hubVerdicts := verdictsOf(rt, hub.DB(), Verifier{Keys: keys, Blobs: blobs, Clocks: ReplicaClocks{hub}})
		for _, v := range hubVerdicts {
			if v.Status != Verified {
				rt.Fatalf("hub: %s %s: %s %v", v.Record.Table, v.Record.ID, v.Status, v.Reasons)
			}
		}
		for _, d := range devs {
			if got := dumpTables(rt, d.rep.DB()); got != want {
				rt.Fatalf("%s holds other rows than the hub", d.name)
			}
			got := verdictsOf(rt, d.rep.DB(), Verifier{Keys: keys, Blobs: blobs, Clocks: ReplicaClocks{d.rep}})
			if !reflect.DeepEqual(got, hubVerdicts) {
				rt.Fatalf("%s verdicts differ from the hub's:\n%+v\n%+v", d.name, got, hubVerdicts)
			}
		}
		// Without field clocks a record is flagged only for a field a
		// concurrent (not later) evidenced submit changed, and the flag
		// names a value that submit signed.
		for _, v := range verdictsOf(rt, hub.DB(), Verifier{Keys: keys, Blobs: blobs}) {
			for _, r := range v.Reasons {
				if r.Code.Severity() == Flag && (r.Code != CodeChanged || r.Table != "incomes" || r.Column != "monthly_fen") {
					rt.Fatalf("without clocks: %s %v", v.Record.ID, v.Reasons)
				}
			}
		}
	})
}

// knownIncome picks a household the device holds, and one of its incomes.
func knownIncome(rt *rapid.T, d *device) (household, string, bool) {
	rows, err := d.rep.DB().Query(`SELECT household_id, id FROM incomes ORDER BY household_id, id`)
	if err != nil {
		rt.Fatal(err)
	}
	defer rows.Close()
	type pair struct{ h, in string }
	var ps []pair
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.h, &p.in); err != nil {
			rt.Fatal(err)
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		rt.Fatal(err)
	}
	if len(ps) == 0 {
		return household{}, "", false
	}
	p := ps[rapid.IntRange(0, len(ps)-1).Draw(rt, "income")]
	return household{id: p.h, community: "c1"}, p.in, true
}

// verdictsOf audits db.
func verdictsOf(rt *rapid.T, db Querier, v Verifier) []Verdict {
	vs, err := Audit(context.Background(), db, v, "")
	if err != nil {
		rt.Fatal(err)
	}
	return vs
}

// dumpTables renders the evidence and record tables canonically.
func dumpTables(rt *rapid.T, db Querier) string {
	var b strings.Builder
	for _, name := range []string{"evidence_entries", "means_visits", "households", "members", "incomes", "assets"} {
		tb, _ := schema.Reg.Table(name)
		cols := tb.ColumnNames()
		rows, err := db.QueryContext(context.Background(), `SELECT id, `+strings.Join(cols, ", ")+` FROM `+name+` ORDER BY id`)
		if err != nil {
			rt.Fatal(err)
		}
		vals := make([]any, len(cols)+1)
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rt.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %#v\n", name, vals)
		}
		if err := rows.Err(); err != nil {
			rt.Fatal(err)
		}
		rows.Close()
	}
	return b.String()
}
