package server

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"doorstep/schema"
	"doorstep/schema/demo"
	"doorstep/server/store"
)

// TestDemoDistrictScopes syncs a community worker and a volunteer of the
// demo district and checks, table by table, that each receives exactly
// the rows of their community or pairings. To stay quick under the race
// detector (which instruments the pure-Go SQLite too) the server holds the
// demo's reference data and three of its communities: the worker's, the
// volunteer's and one more.
func TestDemoDistrictScopes(t *testing.T) {
	e := newEnv(t, Config{Rate: -1})
	d := demo.Generate(demo.DefaultSeed, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
	var worker, volunteer store.User
	pairingsOf := map[string][]string{}
	elderOf := map[string]string{}
	for _, p := range d.Table("volunteer_pairings") {
		var vols []string
		json.Unmarshal([]byte(p.Values["volunteer_ids"].(string)), &vols)
		for _, v := range vols {
			pairingsOf[v] = append(pairingsOf[v], p.ID)
		}
		elderOf[p.ID], _ = p.Values["elder_id"].(string)
	}
	for _, s := range d.Table("staff") {
		switch {
		case s.Values["role"] == "worker" && worker.ID == "":
			worker = store.User{ID: s.ID, Name: "demo worker", Role: schema.RoleWorker, Communities: []string{s.Values["community_id"].(string)}}
		case s.Values["role"] == "volunteer" && volunteer.ID == "" && len(pairingsOf[s.ID]) > 0:
			volunteer = store.User{ID: s.ID, Name: "demo volunteer", Role: schema.RoleVolunteer, Pairings: pairingsOf[s.ID]}
		}
	}
	keep := map[string]bool{worker.Communities[0]: true}
	for _, p := range d.Table("volunteer_pairings") {
		if len(keep) < 3 || pairingsOf[volunteer.ID] != nil && contains(pairingsOf[volunteer.ID], p.ID) {
			keep[p.Values["community_id"].(string)] = true
		}
	}
	var rows []demo.Row
	for _, r := range d.Rows {
		tb, _ := schema.Reg.Table(r.Table)
		if tb.Scope != schema.ScopeCommunity || keep[stringValue(r.Values[tb.ScopeColumn])] {
			rows = append(rows, r)
		}
	}
	d.Rows = rows
	if err := demo.Write(context.Background(), e.store.DB(), d); err != nil {
		t.Fatal(err)
	}
	dw := e.newDevice(t, e.user(t, worker).ID)
	dv := e.newDevice(t, e.user(t, volunteer).ID)
	dw.sync(t)
	dv.sync(t)

	community := worker.Communities[0]
	pairings := map[string]bool{}
	elders := map[string]bool{}
	for _, p := range volunteer.Pairings {
		pairings[p] = true
		elders[elderOf[p]] = true
	}
	for _, tb := range schema.Reg.Tables() {
		wantW, wantV := 0, 0
		for _, r := range d.Table(tb.Name) {
			switch tb.Scope {
			case schema.ScopeDistrict:
				wantW++
				wantV++
				continue
			case schema.ScopeStreet:
				continue
			}
			if tb.CanRead(schema.RoleWorker) && r.Values[tb.ScopeColumn] == community {
				if tb.Name != "spot_checks" || r.Values["unannounced"] != int64(1) || r.Values["caseworker_id"] != worker.ID {
					wantW++
				}
			}
			switch tb.Pairing {
			case schema.ByElder:
				if elders[r.ID] {
					wantV++
				}
			case schema.ByPairing:
				col := r.ID
				if tb.PairingColumn != "id" {
					col, _ = r.Values[tb.PairingColumn].(string)
				}
				if pairings[col] {
					wantV++
				}
			}
		}
		// The store added a staff row for each of the two users if the demo
		// had none; it has them, so counts match the demo exactly.
		for _, c := range []struct {
			d    *device
			want int
		}{{dw, wantW}, {dv, wantV}} {
			var got int
			if err := c.d.rep.DB().QueryRow(`SELECT count(*) FROM ` + tb.Name).Scan(&got); err != nil {
				t.Fatalf("%s: %v", tb.Name, err)
			}
			if got != c.want && tb.Name != "conflicts" {
				t.Errorf("%s: %s holds %d rows, want %d", c.d.user, tb.Name, got, c.want)
			}
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func stringValue(v any) string { s, _ := v.(string); return s }
