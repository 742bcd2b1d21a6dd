package server

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"doorstep/schema"
	"doorstep/schema/demo"
	"doorstep/server/store"
	"doorstep/sync/client"
	"doorstep/sync/replica"
)

// benchScales returns the multiples of the demo district the scaling
// benchmarks run: DOORSTEP_BENCH_SCALES (e.g. "1,10,100"), else 1 and 10.
func benchScales(tb testing.TB) []int {
	out, err := demo.Scales(os.Getenv("DOORSTEP_BENCH_SCALES"))
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// demoRef is the reference day of every generated demo district.
var demoRef = time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)

// demoUsers are users of the demo district of seed 1 for the by-role
// benchmark: a community worker, a volunteer with pairings, and a
// district-level supervisor.
func demoUsers(d *demo.District) (worker, volunteer store.User) {
	pairingsOf := map[string][]string{}
	for _, p := range d.Table("volunteer_pairings") {
		var vols []string
		json.Unmarshal([]byte(p.Values["volunteer_ids"].(string)), &vols) //nolint:errcheck // generated
		for _, v := range vols {
			pairingsOf[v] = append(pairingsOf[v], p.ID)
		}
	}
	for _, s := range d.Table("staff") {
		switch {
		case s.Values["role"] == "worker" && worker.ID == "":
			worker = store.User{ID: s.ID, Name: "demo worker", Role: schema.RoleWorker, Communities: []string{s.Values["community_id"].(string)}}
		case s.Values["role"] == "volunteer" && volunteer.ID == "" && len(pairingsOf[s.ID]) > 0:
			volunteer = store.User{ID: s.ID, Name: "demo volunteer", Role: schema.RoleVolunteer, Pairings: pairingsOf[s.ID]}
		}
	}
	return worker, volunteer
}

// BenchmarkInitialSyncByRole measures a first sync by role: a fresh device
// of a volunteer (its pairings), a community worker (one community) and a
// district-level supervisor (everything) pulls everything it may see from
// the SQLite server over loopback HTTP and applies every page to its own
// replica; at 1× the demo district and at each larger scale of
// benchScales (k districts of seeds 1…k on one server; the users are of
// seed 1). Reported per scale: seconds of each role's sync, the column
// changes each received, and volunteer/supervisor and worker/supervisor
// time ratios (same run, same server). A pull reads through the pull index
// (server/store/pullindex.go), so a volunteer's first sync should cost
// what it receives, not the district.
func BenchmarkInitialSyncByRole(b *testing.B) {
	ctx := context.Background()
	for _, k := range benchScales(b) {
		b.Run(fmt.Sprintf("scale=%dx", k), func(b *testing.B) {
			e := newEnv(b, Config{Rate: -1})
			if e.store.Replica() == nil {
				b.Skip("the by-role benchmark writes the demo district into a SQLite store")
			}
			var worker, volunteer store.User
			start := time.Now()
			rows := 0
			for seed := int64(1); seed <= int64(k); seed++ {
				d := demo.Generate(seed, demoRef)
				if seed == 1 {
					worker, volunteer = demoUsers(d)
				}
				if err := demo.Write(ctx, e.store.Replica().DB(), d); err != nil {
					b.Fatal(err)
				}
				rows += len(d.Rows)
			}
			// The first read folds the capture log into the row clocks: done
			// here, untimed, so no role pays for it.
			if _, err := e.store.Replica().Changes(ctx, replica.Cursor{}, 1); err != nil {
				b.Fatal(err)
			}
			b.Logf("%d× demo district: %d rows written and folded in %s", k, rows, time.Since(start).Round(time.Millisecond))
			users := []struct {
				name string
				u    store.User
			}{{"volunteer", volunteer}, {"worker", worker}, {"supervisor", districtSupervisor}}
			secs := map[string]float64{}
			changes := map[string]float64{}
			for i := 0; i < b.N; i++ {
				for _, ru := range users {
					b.StopTimer()
					u := e.user(b, ru.u)
					rep, err := replica.Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("%s%d.db", ru.name, i)), replica.Options{Now: e.clock.Now})
					if err != nil {
						b.Fatal(err)
					}
					rep.SetUser(ctx, u.ID)
					c, _ := e.enroll(b, u.ID, rep.Site())
					b.StartTimer()
					t0 := time.Now()
					st, err := c.Sync(ctx, rep, client.SyncOptions{})
					if err != nil {
						b.Fatal(err)
					}
					secs[ru.name] += time.Since(t0).Seconds()
					changes[ru.name] += float64(st.Pulled)
					b.StopTimer()
					rep.Close()
					b.StartTimer()
				}
			}
			n := float64(b.N)
			for _, ru := range users {
				b.ReportMetric(secs[ru.name]/n, ru.name+"-s")
				b.ReportMetric(changes[ru.name]/n, ru.name+"-changes")
			}
			b.ReportMetric(secs["volunteer"]/secs["supervisor"], "volunteer/supervisor")
			b.ReportMetric(secs["worker"]/secs["supervisor"], "worker/supervisor")
			b.ReportMetric(0, "ns/op")
		})
	}
}
