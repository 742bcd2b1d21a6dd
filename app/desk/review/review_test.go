package review

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/internal/testdb"
)

var ctx = context.Background()

// now is the test clock: 2025-07-10 10:00 in China.
var now = time.Date(2025, 7, 10, 2, 0, 0, 0, time.UTC)

func at(day, hour int) string {
	return time.Date(2025, 7, day, hour, 0, 0, 0, time.UTC).Format(time.RFC3339)
}

func snapshot(address string, members string, incomes string) string {
	return `{"household":{"id":"h1","address":"` + address + `","head_name":"刘大","class":"A","benefit_fen":30000},
		"members":[` + members + `],"incomes":[` + incomes + `],"assets":[]}`
}

const (
	mLiu  = `{"id":"m1","name":"刘大","id_number":"410802195001010011","health":"chronic","counted":1}`
	mLiuS = `{"id":"m1","name":"刘大","id_number":"410802195001010011","health":"serious","counted":1}`
	mWang = `{"id":"m2","name":"王二","id_number":"410802198001010022","health":"healthy","counted":1}`
	iWage = `{"id":"i1","member_id":"m1","kind":"wages","monthly_fen":50000}`
)

// fixture: households h1 (c1, worker w1), h2 (c2, worker w3), h3 (street
// s2); visits v1 (approved baseline of h1), v2 (h1, pending), v3 (h2),
// v4 (s2, outside a street-s1 supervisor); one screening and one
// volunteer visit in c1.
func fixture(t *testing.T) (*desk.Office, *sql.DB) {
	t.Helper()
	db := testdb.Open(t)
	testdb.Org(t, db)
	hh := func(id, comm, head, worker string) testdb.Row {
		return testdb.Row{Table: "households", ID: id, Values: map[string]any{"community_id": comm,
			"head_name": head, "status": "active", "caseworker_id": worker}}
	}
	visit := func(id, h, comm, author, submitted, snap string) testdb.Row {
		return testdb.Row{Table: "means_visits", ID: id, Values: map[string]any{"household_id": h,
			"community_id": comm, "author_id": author, "state": "submitted", "submitted_at": submitted,
			"snapshot": snap, "per_capita_fen": 12000, "benefit_fen": 16000, "eligible": 1,
			"reasons": `[]`, "photos": `["abc"]`, "staff_signatures": `{"s1":"` + sigHash1 + `","s2":"` + sigHash2 + `"}`}}
	}
	testdb.Insert(t, db,
		hh("h1", "c1", "刘大", "w1"), hh("h2", "c2", "陈五", "w3"), hh("h3", "c3", "孙六", "w4"),
		visit("v1", "h1", "c1", "w1", at(1, 2), snapshot("解放路1号", mLiu, iWage)),
		visit("v2", "h1", "c1", "w2", at(5, 3), snapshot("解放路2号", mLiuS+","+mWang, "")),
		visit("v3", "h2", "c2", "w3", at(3, 3), snapshot("民主路1号", mWang, "")),
		visit("v4", "h3", "c3", "w4", at(2, 3), snapshot("南路1号", mWang, "")),
		testdb.Row{Table: "means_visits", ID: "vdraft", Values: map[string]any{"household_id": "h2",
			"community_id": "c2", "author_id": "w3", "state": "draft"}},
		testdb.Row{Table: "review_events", ID: "e1", Values: map[string]any{"record_table": "means_visits",
			"record_id": "v1", "household_id": "h1", "community_id": "c1", "action": "approve",
			"reviewer_id": "sup", "at": at(1, 8)}},
		testdb.Row{Table: "elders", ID: "el1", Values: map[string]any{"community_id": "c1", "name": "钱老"}},
		testdb.Row{Table: "elder_screenings", ID: "sc1", Values: map[string]any{"elder_id": "el1",
			"community_id": "c1", "author_id": "w1", "state": "submitted", "submitted_at": at(4, 1)}},
		testdb.Row{Table: "volunteer_visits", ID: "vv1", Values: map[string]any{"elder_id": "el1",
			"community_id": "c1", "volunteer_id": "w2", "state": "submitted", "started_at": at(6, 1),
			"ended_at": at(6, 2)}},
	)
	o, _ := testdb.Office(db, "sup", now)
	o.Street = "s1"
	return o, db
}

func ids(items []Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func TestDerive(t *testing.T) {
	t0 := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	ret := &Event{ID: "b", Action: ActionReturn, At: t0.Add(time.Hour)}
	ok := &Event{ID: "c", Action: ActionApprove, At: t0.Add(time.Hour)}
	for _, c := range []struct {
		name       string
		submitted  time.Time
		latest     *Event
		superseded bool
		inPlace    bool
		want       State
	}{
		{"NoEvents", t0, nil, false, false, Pending},
		{"Approved", t0, ok, false, false, Approved},
		{"Returned", t0, ret, false, false, Returned},
		{"ReturnedThenSuperseded", t0, ret, true, false, Superseded},
		{"InPlaceResubmitted", t0.Add(2 * time.Hour), ret, false, true, Pending},
		{"InPlaceNotYet", t0.Add(30 * time.Minute), ret, false, true, Returned},
		{"NewRowNeverMovesSubmitted", t0.Add(2 * time.Hour), ret, false, false, Returned},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Derive(c.submitted, c.latest, c.superseded, c.inPlace); got != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
		})
	}
	// The latest event wins; same instant: larger id.
	evs := []Event{{ID: "a", Action: ActionApprove, At: t0}, {ID: "b", Action: ActionReturn, At: t0}}
	if l := Latest(evs); l.ID != "b" {
		t.Fatalf("latest of a tie: %s, want b", l.ID)
	}
	if Latest(nil) != nil {
		t.Fatal("latest of nothing")
	}
}

func TestQueue(t *testing.T) {
	o, _ := fixture(t)
	q, err := List(ctx, o, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	// Oldest first; v4 is in street s2, vdraft is not submitted.
	if got, want := ids(q.Items), []string{"v1", "v3", "sc1", "v2", "vv1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("queue %v, want %v", got, want)
	}
	if want := map[State]int{Pending: 4, Approved: 1}; !reflect.DeepEqual(q.Counts, want) {
		t.Fatalf("counts %v, want %v", q.Counts, want)
	}
	it := q.Items[3]
	if it.Subject != "刘大" || it.Community != "东社区" || it.Street != "焦北街道" || it.Worker != "李二" {
		t.Fatalf("item v2: %+v", it)
	}
	if q.Items[0].Latest == nil || q.Items[0].Latest.Reviewer != "周主任" {
		t.Fatalf("v1 latest event: %+v", q.Items[0].Latest)
	}

	for _, c := range []struct {
		name string
		f    Filter
		want []string
	}{
		{"Kind", Filter{Kinds: []Kind{Screening, VolunteerVisit}}, []string{"sc1", "vv1"}},
		{"Community", Filter{Area: desk.Area{CommunityID: "c2"}}, []string{"v3"}},
		{"OtherStreet", Filter{Area: desk.Area{StreetID: "s2"}}, nil},
		{"Worker", Filter{Worker: "w1"}, []string{"v1", "sc1"}},
		{"Period", Filter{Period: desk.Period{From: day(3), To: day(5)}}, []string{"v3", "sc1", "v2"}},
		{"State", Filter{States: []State{Approved}}, []string{"v1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, err := List(ctx, o, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(q.Items); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
		})
	}

	// A district supervisor sees street s2 too.
	o.Street = ""
	q, err = List(ctx, o, Filter{Area: desk.Area{StreetID: "s2"}})
	if err != nil || !reflect.DeepEqual(ids(q.Items), []string{"v4"}) {
		t.Fatalf("district supervisor, street s2: %v %v", ids(q.Items), err)
	}
}

// Blob hashes of two staff signatures.
var (
	sigHash1 = strings.Repeat("1a", 32)
	sigHash2 = strings.Repeat("2b", 32)
)

func day(d int) time.Time { return time.Date(2025, 7, d, 0, 0, 0, 0, time.UTC) }

func TestApproveAndReturn(t *testing.T) {
	o, db := fixture(t)
	e, err := Return(ctx, o, MeansVisit, "v2", " ", map[string]string{"members.m2.id_number": "核对身份证", "x": " "})
	if err != nil {
		t.Fatal(err)
	}
	if e.Action != ActionReturn || !reflect.DeepEqual(e.Fields, map[string]string{"members.m2.id_number": "核对身份证"}) {
		t.Fatalf("event %+v", e)
	}
	var table, recID, hh, comm, action, fields, reviewer, stamp string
	err = db.QueryRow(`SELECT record_table, record_id, household_id, community_id, action, field_comments, reviewer_id, at
		FROM review_events WHERE id = ?`, e.ID).Scan(&table, &recID, &hh, &comm, &action, &fields, &reviewer, &stamp)
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{table, recID, hh, comm, action, fields, reviewer, stamp}; !reflect.DeepEqual(got,
		[]string{"means_visits", "v2", "h1", "c1", "return", `{"members.m2.id_number":"核对身份证"}`, "sup", "2025-07-10T02:00:00Z"}) {
		t.Fatalf("stored event %q", got)
	}
	it, err := Get(ctx, o, MeansVisit, "v2")
	if err != nil || it.State != Returned {
		t.Fatalf("v2 after return: %s %v", it.State, err)
	}

	// The worker corrects it: a new visit superseding v2.
	testdb.Insert(t, db, testdb.Row{Table: "means_visits", ID: "v5", Values: map[string]any{
		"household_id": "h1", "community_id": "c1", "author_id": "w2", "state": "submitted",
		"submitted_at": at(9, 1), "supersedes_id": "v2", "snapshot": snapshot("解放路2号", mLiuS+","+mWang, "")}})
	q, err := List(ctx, o, Filter{Kinds: []Kind{MeansVisit}})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]State{}
	for _, it := range q.Items {
		states[it.ID] = it.State
	}
	if want := map[string]State{"v1": Approved, "v2": Superseded, "v3": Pending, "v5": Pending}; !reflect.DeepEqual(states, want) {
		t.Fatalf("states %v, want %v", states, want)
	}
	if _, err := Approve(ctx, o, MeansVisit, "v2", ""); !isInput(err, "superseded") {
		t.Fatalf("approving a superseded visit: %v", err)
	}
	rec, err := Open(ctx, o, MeansVisit, "v5")
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(rec.Visit.History); !reflect.DeepEqual(got, []string{"v2", "v5"}) {
		t.Fatalf("history %v, want [v2 v5]", got)
	}
	if rec.Visit.Baseline == nil || rec.Visit.Baseline.VisitID != "v1" {
		t.Fatalf("baseline of v5: %+v", rec.Visit.Baseline)
	}

	if _, err := Approve(ctx, o, MeansVisit, "v5", "好"); err != nil {
		t.Fatal(err)
	}
	if it, _ := Get(ctx, o, MeansVisit, "v5"); it.State != Approved {
		t.Fatalf("v5 after approve: %s", it.State)
	}
	if _, err := Approve(ctx, o, MeansVisit, "v5", ""); !isInput(err, "already_approved") {
		t.Fatalf("approving twice: %v", err)
	}
	if _, err := Return(ctx, o, MeansVisit, "v3", "", nil); !isInput(err, "comment_required") {
		t.Fatalf("return without comment: %v", err)
	}
	if _, err := Approve(ctx, o, MeansVisit, "v4", ""); !errors.Is(err, desk.ErrNotFound) {
		t.Fatalf("approving outside the street: %v", err)
	}
	o.Me = "w3"
	if _, err := Approve(ctx, o, MeansVisit, "v3", ""); !isInput(err, "own_record") {
		t.Fatalf("approving one's own visit: %v", err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM review_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("%d events, want 3 (refusals write nothing)", n)
	}
}

func TestScreeningResubmittedInPlace(t *testing.T) {
	o, db := fixture(t)
	if _, err := Return(ctx, o, Screening, "sc1", "Barthel 评分有误", nil); err != nil {
		t.Fatal(err)
	}
	if it, _ := Get(ctx, o, Screening, "sc1"); it.State != Returned {
		t.Fatalf("after return: %s", it.State)
	}
	if _, err := db.Exec(`UPDATE elder_screenings SET submitted_at = ? WHERE id = 'sc1'`, at(11, 1)); err != nil {
		t.Fatal(err)
	}
	it, _ := Get(ctx, o, Screening, "sc1")
	if it.State != Pending || it.Latest == nil || it.Latest.Comment != "Barthel 评分有误" {
		t.Fatalf("after resubmission: %s %+v", it.State, it.Latest)
	}
	evs, err := Events(ctx, o, "sc1")
	if err != nil || len(evs) != 1 || evs[0].Reviewer != "周主任" {
		t.Fatalf("events %+v %v", evs, err)
	}
}

func isInput(err error, code string) bool {
	var ie *desk.InputError
	return errors.As(err, &ie) && ie.Code == code && errors.Is(err, desk.ErrInvalid)
}
