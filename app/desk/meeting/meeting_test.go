package meeting

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"reflect"
	"testing"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/internal/testdb"
	"doorstep/app/desk/sheet"
	"doorstep/schema"
)

var ctx = context.Background()

// now: 2025-07-10 10:00 China time.
var now = time.Date(2025, 7, 10, 2, 0, 0, 0, time.UTC)

func day(d int) time.Time { return time.Date(2025, 7, d, 0, 0, 0, 0, time.UTC) }

const members2 = `{"members":[{"id":"a","counted":1,"labour_capacity":"none"},
	{"id":"b","counted":1,"labour_capacity":"full","employment":"flexible"},{"id":"c","counted":0}]}`
const members1 = `{"household":{"class":"A"},"members":[{"id":"a","counted":1,"labour_capacity":"none"}]}`

// fixture: h1 applies (eligible), h2 active found ineligible, h3 active
// unchanged, h4 active with a new amount, h5 applies (ineligible), h6 in
// street s2; every visit approved by review except v7 (pending).
func fixture(t *testing.T) (*desk.Office, *testdb.Clock) {
	t.Helper()
	db := testdb.Open(t)
	testdb.Org(t, db)
	n := 0
	add := func(h, comm, status string, benefitNow int64, purpose string, eligible int, benefit int64, snap string, approve bool) {
		n++
		v := "v" + h[1:]
		testdb.Insert(t, db,
			testdb.Row{Table: "households", ID: h, Values: map[string]any{"community_id": comm,
				"head_name": "户主" + h, "status": status, "benefit_fen": benefitNow, "class": "B", "urban": 1}},
			testdb.Row{Table: "means_visits", ID: v, Values: map[string]any{"household_id": h,
				"community_id": comm, "purpose": purpose, "eligible": eligible, "benefit_fen": benefit,
				"snapshot": snap, "state": "submitted", "submitted_at": "2025-07-01T02:00:00Z", "author_id": "w1"}})
		if approve {
			testdb.Insert(t, db, testdb.Row{Table: "review_events", ID: "e" + h, Values: map[string]any{
				"record_table": "means_visits", "record_id": v, "community_id": comm, "action": "approve",
				"at": time.Date(2025, 7, 2, n, 0, 0, 0, time.UTC).Format(time.RFC3339)}})
		}
	}
	add("h1", "c1", "applicant", 0, "application", 1, 30000, members2, true)
	add("h2", "c1", "active", 20000, "recheck", 0, 0, members1, true)
	add("h3", "c2", "active", 20000, "recheck", 1, 20000, members1, true)
	add("h4", "c2", "active", 20000, "recheck", 1, 25000, members1, true)
	add("h5", "c2", "applicant", 0, "application", 0, 0, members1, true)
	add("h6", "c3", "applicant", 0, "application", 1, 10000, members1, true)
	add("h7", "c1", "applicant", 0, "application", 1, 10000, members1, false)
	o, clock := testdb.Office(db, "sup", now)
	o.Street = "s1"
	return o, clock
}

func TestCases(t *testing.T) {
	o, _ := fixture(t)
	cs, err := Cases(ctx, o, desk.Area{})
	if err != nil {
		t.Fatal(err)
	}
	var got [][3]any
	for _, c := range cs {
		got = append(got, [3]any{c.VisitID, c.Suggested, c.Covered})
	}
	want := [][3]any{{"v1", DecideApprove, 2}, {"v2", DecideCancel, 1}, {"v4", DecideApprove, 1}, {"v5", DecideRefuse, 1}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("cases %v, want %v", got, want)
	}
	if cs[0].Head != "户主h1" || cs[0].Community != "东社区" || cs[2].CurrentFen != 20000 || cs[2].BenefitFen != 25000 {
		t.Fatalf("case fields %+v", cs)
	}
	cs, _ = Cases(ctx, o, desk.Area{CommunityID: "c2"})
	if len(cs) != 2 {
		t.Fatalf("community c2: %d cases, want 2", len(cs))
	}
	// A later visit to h4 (not reviewed yet) makes v4 old news; the
	// visit a household's row names as its last is already in effect.
	testdb.Insert(t, o.DB, testdb.Row{Table: "means_visits", ID: "v4b", Values: map[string]any{"household_id": "h4",
		"community_id": "c2", "state": "submitted", "submitted_at": "2025-07-05T02:00:00Z"}})
	if _, err := o.DB.Exec(`UPDATE households SET last_visit_id = 'v2' WHERE id = 'h2'`); err != nil {
		t.Fatal(err)
	}
	cs, _ = Cases(ctx, o, desk.Area{})
	if len(cs) != 2 || cs[0].VisitID != "v1" || cs[1].VisitID != "v5" {
		t.Fatalf("cases after a later visit: %+v", cs)
	}
}

func TestHoldValidates(t *testing.T) {
	o, _ := fixture(t)
	good := func() Meeting {
		return Meeting{HeldOn: day(10), Attendees: []string{"周主任", "王一", " ", "李二"},
			Decisions: []Decision{{VisitID: "v1", Outcome: DecideApprove, For: 3}}}
	}
	for _, c := range []struct {
		code string
		edit func(*Meeting)
	}{
		{"held_on", func(m *Meeting) { m.HeldOn = time.Time{} }},
		{"held_on", func(m *Meeting) { m.HeldOn = day(11) }},
		{"attendees", func(m *Meeting) { m.Attendees = []string{"周主任", "周主任 "} }},
		{"no_cases", func(m *Meeting) { m.Decisions = nil }},
		{"not_a_case", func(m *Meeting) { m.Decisions[0].VisitID = "v3" }},
		{"not_a_case", func(m *Meeting) { m.Decisions[0].VisitID = "v7" }},
		{"not_a_case", func(m *Meeting) { m.Decisions[0].VisitID = "v6" }},
		{"duplicate_case", func(m *Meeting) { m.Decisions = append(m.Decisions, m.Decisions[0]) }},
		{"decision", func(m *Meeting) { m.Decisions[0].Outcome = "maybe" }},
		{"votes", func(m *Meeting) { m.Decisions[0].For = 4 }},
		{"votes", func(m *Meeting) { m.Decisions[0].Against = -1 }},
		{"majority", func(m *Meeting) { m.Decisions[0].For, m.Decisions[0].Against = 1, 1 }},
		{"notice_days", func(m *Meeting) { m.NoticeDays = -1 }},
	} {
		t.Run(c.code, func(t *testing.T) {
			m := good()
			c.edit(&m)
			_, err := Hold(ctx, o, m)
			var ie *desk.InputError
			if !errors.As(err, &ie) || ie.Code != c.code {
				t.Fatalf("got %v, want code %s", err, c.code)
			}
		})
	}
	o.Street = ""
	if _, err := Hold(ctx, o, good()); !isCode(err, "street") {
		t.Fatalf("district supervisor without a street: %v", err)
	}
	ms, _ := Meetings(ctx, o, "")
	if len(ms) != 0 {
		t.Fatalf("refused meetings were stored: %+v", ms)
	}
}

func isCode(err error, code string) bool {
	var ie *desk.InputError
	return errors.As(err, &ie) && ie.Code == code
}

func TestNoticeAndApply(t *testing.T) {
	o, clock := fixture(t)
	m, err := Hold(ctx, o, Meeting{HeldOn: day(10), Attendees: []string{"周主任", "王一", "李二"}, Note: "第7次",
		Decisions: []Decision{
			{VisitID: "v1", Outcome: DecideApprove, For: 3},
			{VisitID: "v2", Outcome: DecideCancel, For: 2, Abstain: 1},
			{VisitID: "v5", Outcome: DecideRefuse, Against: 3},
		}})
	if err != nil {
		t.Fatal(err)
	}
	if m.NoticeDays != 7 || !m.NoticeStart.Equal(day(10)) || !m.NoticeEnd().Equal(day(16)) {
		t.Fatalf("notice defaults: %d days from %v to %v", m.NoticeDays, m.NoticeStart, m.NoticeEnd())
	}
	ms, err := Meetings(ctx, o, "s1")
	if err != nil || len(ms) != 1 || !reflect.DeepEqual(ms[0].Attendees, []string{"周主任", "王一", "李二"}) || ms[0].StreetID != "s1" {
		t.Fatalf("meetings %+v %v", ms, err)
	}
	cs, _ := Cases(ctx, o, desk.Area{})
	if len(cs) != 1 || cs[0].VisitID != "v4" {
		t.Fatalf("cases left after the meeting: %+v", cs)
	}

	ns, err := MeetingNotices(ctx, o, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 2 || ns[0].Ended || ns[0].Effective {
		t.Fatalf("notices during the notice: %+v", ns)
	}
	ended, _ := Notices(ctx, o, desk.Area{}, true)
	if len(ended) != 0 {
		t.Fatalf("ended notices on day 10: %+v", ended)
	}
	if err := Apply(ctx, o, ns[0].ID, ""); !isCode(err, "notice_running") {
		t.Fatalf("apply during the notice: %v", err)
	}

	clock.T = day(16).Add(10 * time.Hour) // still the 16th in China: last day
	if ended, _ := Notices(ctx, o, desk.Area{}, true); len(ended) != 0 {
		t.Fatalf("notice ended on its last day: %+v", ended)
	}
	clock.T = day(16).Add(17 * time.Hour) // the 17th in China
	ended, err = Notices(ctx, o, desk.Area{}, true)
	if err != nil || len(ended) != 2 {
		t.Fatalf("ended notices on the 17th: %+v %v", ended, err)
	}
	var approve, cancel Notice
	for _, n := range ended {
		if n.Outcome == DecideApprove {
			approve = n
		} else {
			cancel = n
		}
	}
	if err := Apply(ctx, o, approve.ID, ""); err != nil {
		t.Fatal(err)
	}
	if err := Apply(ctx, o, cancel.ID, "bogus"); !isCode(err, "cancel_reason") {
		t.Fatalf("cancel with a bad reason: %v", err)
	}
	if err := Apply(ctx, o, cancel.ID, "income_above_standard"); err != nil {
		t.Fatal(err)
	}
	if err := Apply(ctx, o, approve.ID, ""); !isCode(err, "already_effective") {
		t.Fatalf("apply twice: %v", err)
	}
	var status, approved, last, due string
	var benefit, covered int64
	o.DB.QueryRow(`SELECT status, approved_on, benefit_fen, covered_members, last_visit_id, recheck_due
		FROM households WHERE id = 'h1'`).Scan(&status, &approved, &benefit, &covered, &last, &due)
	// Class B, a working-age member with irregular income: 6 months.
	if got := []any{status, approved, benefit, covered, last, due}; !reflect.DeepEqual(got,
		[]any{"active", "2025-07-17", int64(30000), int64(2), "v1", "2026-01-17"}) {
		t.Fatalf("h1 after approval: %v", got)
	}
	// The approval gave h1 its case number (证号): district, year, sequence.
	var caseNo string
	if err := o.DB.QueryRow(`SELECT coalesce(case_no,'') FROM households WHERE id = 'h1'`).Scan(&caseNo); err != nil {
		t.Fatal(err)
	}
	if want := schema.CaseNumber(o.Rules().Region.Code, 2025, 1); caseNo != want {
		t.Errorf("h1 case number %q, want %q", caseNo, want)
	}
	var cancelled, reason string
	o.DB.QueryRow(`SELECT status, cancelled_on, cancel_reason FROM households WHERE id = 'h2'`).Scan(&status, &cancelled, &reason)
	if status != "cancelled" || cancelled != "2025-07-17" || reason != "income_above_standard" {
		t.Fatalf("h2 after cancellation: %s %s %s", status, cancelled, reason)
	}
	if ended, _ := Notices(ctx, o, desk.Area{}, true); len(ended) != 0 {
		t.Fatalf("notices in effect still listed as waiting: %+v", ended)
	}

	// The notice list exports without ID numbers, refusals left out.
	var buf bytes.Buffer
	if err := sheet.WriteCSV(&buf, NoticeSheet(ns), sheet.Identity); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[1][1] != "户主h1" || recs[1][3] != "2" || recs[1][4] != "300.00" ||
		recs[1][5] != "code.meeting_decision.approve" || recs[1][7] != "2025-07-16" {
		t.Fatalf("notice list %q", recs)
	}
}
