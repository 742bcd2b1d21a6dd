package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/rs/xid"

	"doorstep/schema"
	"doorstep/schema/scope"
	"doorstep/sync/change"
	"doorstep/sync/hlc"
)

// TestPullReadsOnlyScope: a filtered pull reads the rows the user
// receives, not the district. Ten communities of households, one paired
// elder; a community worker and a volunteer pull everything: each gets
// exactly their rows, and the pull looked at no more rows than it sent.
// Then rows are edited by a merged push, one household moves to another
// community and one is purged from the tables: the next pulls send the
// edit, list the moved row as gone, and (on SQLite) the pull index still
// matches the tables.
func TestPullReadsOnlyScope(t *testing.T) { eachBackend(t, testPullReadsOnlyScope) }

func testPullReadsOnlyScope(t *testing.T) {
	s, clock := mustOpen(t)
	ctx := context.Background()
	const communities, perCommunity = 10, 20
	houses := map[string][]string{}
	elder, pairing, entry := uuid.NewString(), uuid.NewString(), uuid.NewString()
	err := s.Write(ctx, "", func(tx *sql.Tx) error {
		for c := range communities {
			comm := fmt.Sprint("c", c)
			for range perCommunity {
				id := uuid.NewString()
				houses[comm] = append(houses[comm], id)
				if _, err := tx.ExecContext(ctx, `INSERT INTO households(id, community_id, head_name) VALUES (?, ?, 'x')`, id, comm); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO elders(id, community_id, name) VALUES (?, 'c5', 'elder')`, elder); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_pairings(id, elder_id, community_id, volunteer_ids) VALUES (?, ?, 'c5', '["vol"]')`, pairing, elder); err != nil {
			return err
		}
		// Evidence entries: the volunteer's own, of their pairing's visit
		// log, and others' elsewhere in the district, which a volunteer's
		// pull does not look at (scope.PairingBounded).
		if _, err := tx.ExecContext(ctx, `INSERT INTO evidence_entries(id, record_table, record_id, community_id, pairing_id, user_id) VALUES (?, 'volunteer_visits', ?, 'c5', ?, 'vol')`,
			entry, uuid.NewString(), pairing); err != nil {
			return err
		}
		for range perCommunity {
			if _, err := tx.ExecContext(ctx, `INSERT INTO evidence_entries(id, record_table, record_id, community_id, user_id) VALUES (?, 'households', ?, 'c6', 'cw6')`,
				uuid.NewString(), houses["c6"][0]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkPullIndex(t, s)
	worker := &scope.User{ID: "cw", Role: schema.RoleWorker, Communities: map[string]bool{"c3": true}}
	volunteer := &scope.User{ID: "vol", Role: schema.RoleVolunteer, Pairings: map[string]bool{pairing: true}, Elders: map[string]bool{elder: true}}
	pullAll := func(u *scope.User, cursor string) (map[string]bool, int, string) {
		t.Helper()
		got, scanned := map[string]bool{}, 0
		for {
			p, err := s.Pull(ctx, u, cursor, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range p.Changes {
				got[c.Table+"/"+c.ID] = true
			}
			for _, g := range p.Gone {
				got["gone "+g.Table+"/"+g.ID] = true
			}
			scanned += p.Scanned
			cursor = p.Cursor.String()
			if !p.More {
				return got, scanned, cursor
			}
		}
	}
	got, scanned, wc := pullAll(worker, "")
	for _, id := range houses["c3"] {
		if !got["households/"+id] {
			t.Errorf("worker of c3 did not receive household %s", id)
		}
	}
	if len(got) != perCommunity || scanned != perCommunity {
		t.Errorf("worker of c3: received %d rows, looked at %d; want %d and %d", len(got), scanned, perCommunity, perCommunity)
	}
	got, scanned, vc := pullAll(volunteer, "")
	if !got["elders/"+elder] || !got["volunteer_pairings/"+pairing] || !got["evidence_entries/"+entry] || len(got) != 3 || scanned != 3 {
		t.Errorf("volunteer received %v, looked at %d rows; want the elder, the pairing and their evidence entry, 3", got, scanned)
	}

	// Each cursor ends past every committed row, those outside the
	// user's scope too: the next pull does not look at them again.
	top, err := s.MaxSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for who, cur := range map[string]string{"worker": wc, "volunteer": vc} {
		if c, err := ParseCursor(cur); err != nil || c.After != top || c.Since != top {
			t.Errorf("%s's cursor after a full pull: %+v, %v; want since and after %d, the newest row", who, c, err, top)
		}
	}

	// A merged push edits two households of c3 and one of c4; one of c3
	// moves to c4.
	site := uuid.NewString()
	at := change.Clock{HLC: hlc.New(clock.Now().UnixMilli()+1, 0), Site: site}
	set := &change.Set{Batch: xid.New().String(), Site: site}
	for _, id := range []string{houses["c3"][0], houses["c3"][1], houses["c4"][0]} {
		set.Changes = append(set.Changes, change.Change{Table: "households", ID: id, Column: "head_name", Value: "edited", Clock: at, User: "sv"})
	}
	if _, err := s.eng.apply(ctx, set, nil); err != nil {
		t.Fatal(err)
	}
	checkPullIndex(t, s)
	moved := houses["c3"][2]
	if err := s.Write(ctx, "", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE households SET community_id = 'c4' WHERE id = ?`, moved)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	checkPullIndex(t, s)
	// The edits had no base, so each is also recorded as a conflict, in
	// the household's community: c3's two are looked at and sent, c4's
	// not looked at (a worker reads no conflict outside their
	// communities: scope.ScopeBounded).
	got, scanned, _ = pullAll(worker, wc)
	want := map[string]bool{"households/" + houses["c3"][0]: true, "households/" + houses["c3"][1]: true, "gone households/" + moved: true}
	conflicts := 0
	for k := range got {
		if strings.HasPrefix(k, "conflicts/") {
			delete(got, k)
			conflicts++
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || conflicts != 2 || scanned != 5 {
		t.Errorf("worker's next pull: %v and %d conflicts, looked at %d rows; want %v, 2 conflicts and 5 rows", got, conflicts, scanned, want)
	}
	if got, _, _ = pullAll(volunteer, vc); len(got) != 0 {
		t.Errorf("volunteer's next pull: %v, want nothing", got)
	}
	if !s.Postgres() {
		if _, err := s.db.Exec(`DELETE FROM households WHERE id = ?`, houses["c6"][0]); err != nil {
			t.Fatal(err)
		}
		checkPullIndex(t, s)
	}
}

// checkPullIndex fails tb when the SQLite store's pull index differs from
// what its tables say: an entry for every data row with a clock row (a
// captured write not yet folded has none), with its sequence, scope and
// pairing values (see pullindex.go). PostgreSQL keeps no such index.
func checkPullIndex(tb testing.TB, s *Store) {
	tb.Helper()
	if s.Postgres() {
		return
	}
	tables, err := pullIndexTables(s.rep)
	if err != nil {
		tb.Fatal(err)
	}
	var want []string
	for _, pi := range tables {
		want = append(want, fmt.Sprintf(`SELECT %[1]d AS t, d.id AS id, r.seq AS seq, %[2]s AS k, %[3]s AS p
			FROM %[4]s d JOIN sync_rows r ON r.t = %[1]d AND r.id = d.id`, pi.num, pi.k("d"), pi.p("d"), pi.t.Name))
	}
	q := "SELECT count(*) FROM (SELECT * FROM (SELECT t, id, seq, k, p FROM pull_index EXCEPT SELECT * FROM (" + unionAll(want) +
		")) UNION ALL SELECT * FROM (SELECT * FROM (" + unionAll(want) + ") EXCEPT SELECT t, id, seq, k, p FROM pull_index))"
	var n int
	if err := s.db.QueryRow(q).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	if n != 0 {
		tb.Errorf("pull index: %d entries differ from the tables", n)
	}
}

func unionAll(qs []string) string {
	out := qs[0]
	for _, q := range qs[1:] {
		out += "\nUNION ALL " + q
	}
	return out
}
