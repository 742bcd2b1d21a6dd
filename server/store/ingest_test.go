package store

import (
	"context"
	"database/sql"
	"testing"

	"github.com/google/uuid"
	"github.com/rs/xid"

	"doorstep/schema"
	"doorstep/schema/scope"
	"doorstep/sync/change"
	"doorstep/sync/client/api"
	"doorstep/sync/hlc"
)

// hiddenCheckFixture writes, as the server, a household, an unannounced
// spot check of it whose caseworker is "cw", a conflict record and a review
// event about each.
type hiddenCheckFixture struct {
	house, check, houseConflict, checkConflict, checkReview string
}

func newHiddenCheck(t *testing.T, s *Store) hiddenCheckFixture {
	t.Helper()
	f := hiddenCheckFixture{uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString(), uuid.NewString()}
	ctx := context.Background()
	err := s.Write(ctx, "", func(tx *sql.Tx) error {
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`INSERT INTO households(id, community_id, caseworker_id) VALUES (?, 'c1', 'cw')`, []any{f.house}},
			{`INSERT INTO spot_checks(id, household_id, community_id, caseworker_id, inspector_ids, unannounced) VALUES (?, ?, 'c1', 'cw', '["in"]', 1)`, []any{f.check, f.house}},
			{`INSERT INTO conflicts(id, tbl, row_id, col, community_id, resolved) VALUES (?, 'households', ?, 'benefit_fen', 'c1', 0)`, []any{f.houseConflict, f.house}},
			{`INSERT INTO conflicts(id, tbl, row_id, col, community_id, resolved) VALUES (?, 'spot_checks', ?, 'notes', 'c1', 0)`, []any{f.checkConflict, f.check}},
			{`INSERT INTO review_events(id, record_table, record_id, community_id, action) VALUES (?, 'spot_checks', ?, 'c1', 'approve')`, []any{f.checkReview, f.check}},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// pulledRows pulls everything for u and returns table/id of every row.
func pulledRows(t *testing.T, s *Store, u *scope.User) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	cursor := ""
	for {
		p, err := s.Pull(context.Background(), u, cursor, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Changes {
			out[c.Table+"/"+c.ID] = true
			if !c.Base.IsZero() {
				t.Errorf("pulled change carries a base clock: %s", c)
			}
		}
		cursor = p.Cursor.String()
		if !p.More {
			return out
		}
	}
}

func TestPullHidesUnannouncedCheck(t *testing.T) { eachBackend(t, testPullHidesUnannouncedCheck) }

func testPullHidesUnannouncedCheck(t *testing.T) {
	s, _ := mustOpen(t)
	f := newHiddenCheck(t, s)
	cw := &scope.User{ID: "cw", Role: schema.RoleWorker, Communities: map[string]bool{"c1": true}}
	colleague := &scope.User{ID: "w2", Role: schema.RoleWorker, Communities: map[string]bool{"c1": true}}
	inspector := &scope.User{ID: "in", Role: schema.RoleWorker, Communities: map[string]bool{"c9": true}}

	got := pulledRows(t, s, cw)
	for _, hidden := range []string{"spot_checks/" + f.check, "conflicts/" + f.checkConflict, "review_events/" + f.checkReview} {
		if got[hidden] {
			t.Errorf("the caseworker received %s", hidden)
		}
	}
	if !got["households/"+f.house] || !got["conflicts/"+f.houseConflict] {
		t.Errorf("the caseworker lacks their household or its conflict: %v", got)
	}
	got = pulledRows(t, s, colleague)
	if !got["spot_checks/"+f.check] || !got["conflicts/"+f.checkConflict] {
		t.Errorf("a colleague in the community lacks the check: %v", got)
	}
	got = pulledRows(t, s, inspector)
	if !got["spot_checks/"+f.check] || got["households/"+f.house] {
		t.Errorf("inspector from another community: %v", got)
	}
}

func TestIngestRights(t *testing.T) { eachBackend(t, testIngestRights) }

func testIngestRights(t *testing.T) {
	s, clock := mustOpen(t)
	f := newHiddenCheck(t, s)
	ctx := context.Background()
	site := uuid.NewString()
	dev := Device{ID: "dev", UserID: "cw", SiteID: site}
	cw := &scope.User{ID: "cw", Role: schema.RoleWorker, Communities: map[string]bool{"c1": true}}
	set := func(cs ...change.Change) *change.Set {
		at := change.Clock{HLC: hlc.New(clock.Now().UnixMilli(), 0), Site: site}
		for i := range cs {
			cs[i].Clock, cs[i].User = at, "cw"
		}
		return &change.Set{Batch: xid.New().String(), Site: site, Changes: cs}
	}
	tests := []struct {
		name string
		set  *change.Set
		want api.Code
	}{
		{"ResolveHiddenConflict", set(change.Change{Table: "conflicts", ID: f.checkConflict, Column: "resolved", Value: int64(1)}), api.CodeForbiddenScope},
		{"EditHiddenCheck", set(change.Change{Table: "spot_checks", ID: f.check, Column: "notes", Value: "看到了"}), api.CodeForbiddenScope},
		{"UnhideCheck", set(change.Change{Table: "spot_checks", ID: f.check, Column: "unannounced", Value: int64(0)}), api.CodeForbiddenScope},
		{"ReviewIsOfficeWork", set(change.Change{Table: "review_events", ID: uuid.NewString(), Column: "community_id", Value: "c1"}), api.CodeForbiddenRole},
		{"ResolveOwnConflict", set(change.Change{Table: "conflicts", ID: f.houseConflict, Column: "resolved", Value: int64(1)}), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Ingest(ctx, dev, cw, tc.set)
			if got := api.ErrorCode(err); got != tc.want {
				t.Errorf("Ingest: %v (code %q), want %q", err, got, tc.want)
			}
		})
	}
	// A replay of the accepted batch returns the same acknowledgement.
	first, err := s.Ingest(ctx, dev, cw, tests[len(tests)-1].set)
	if err != nil || !first.Replayed {
		t.Fatalf("replay: %+v, %v", first, err)
	}
}
