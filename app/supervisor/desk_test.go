package supervisor

import (
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk"
	"doorstep/app/desk/review"
	"doorstep/app/kit"
	"doorstep/app/kit/kittest"
	"doorstep/app/records"
	"doorstep/schema"
)

// newDeskApp starts the app signed in as supervisor sup of street s1 over
// the desk fixture.
func newDeskApp(t *testing.T) *testApp {
	t.Helper()
	x := newTestApp(t)
	kittest.DeskFixture(t, x.Env.Store.DB())
	me := records.Identity{Mode: records.ModeDemo, UserID: "sup", UserName: "周主任", Role: schema.RoleSupervisor,
		Street: "s1", DeviceID: "dev-sup"}
	if err := x.Env.Store.SaveIdentity(x.Env.Ctx(), me); err != nil {
		t.Fatal(err)
	}
	x.SignIn(me)
	return x
}

// openDesk shows a desk destination by its key ("nav.review", …).
func openDesk(t *testing.T, x *testApp, key string) kit.Screen {
	t.Helper()
	if !x.Show(strings.TrimPrefix(key, "nav.")) {
		t.Fatalf("no desk destination %s", key)
	}
	return x.Visible()
}

// tapListItem selects the row of a list whose texts contain text.
func tapReviewItem(t *testing.T, s *reviewScreen, id string) {
	t.Helper()
	for i, it := range s.items {
		if it.ID == id {
			s.list.Select(i)
			return
		}
	}
	t.Fatalf("%s is not in the queue (%d items)", id, len(s.items))
}

func latestEvent(t *testing.T, db *sql.DB, record string) (action, comment string, fields map[string]string) {
	t.Helper()
	var fc sql.NullString
	err := db.QueryRow(`SELECT action, coalesce(comment,''), field_comments FROM review_events
		WHERE record_id = ? ORDER BY at DESC, id DESC LIMIT 1`, record).Scan(&action, &comment, &fc)
	if err != nil {
		t.Fatalf("latest event of %s: %v", record, err)
	}
	if fc.Valid {
		_ = json.Unmarshal([]byte(fc.String), &fields)
	}
	return action, comment, fields
}

func TestDeskReviewApprove(t *testing.T) {
	x := newDeskApp(t)
	s := openDesk(t, x, "nav.review").(*reviewScreen)
	if len(s.items) != 2 || !strings.Contains(s.counts.Text, lang.L("desk.state.pending")+" 2") {
		t.Fatalf("queue %d items, counts %q", len(s.items), s.counts.Text)
	}
	tapReviewItem(t, s, "v2")
	rec, ok := x.Visible().(*reviewRecordScreen)
	if !ok {
		t.Fatalf("tapping the visit opened %T", x.Visible())
	}
	// What changed since the approved visit is on screen: the address.
	if !onScreen(x, "解放路1号  →  解放路2号") || !onScreen(x, "刘小") {
		t.Fatalf("diff not shown; texts %q", texts(x))
	}
	test.Tap(button(t, x, "desk.review.approve"))
	if action, _, _ := latestEvent(t, x.Env.Store.DB(), "v2"); action != "approve" {
		t.Fatalf("after approve the latest event is %q", action)
	}
	if x.Visible() == kit.Screen(rec) {
		t.Fatal("the record stayed open after approval")
	}
	// Back on the queue: only v3 is pending.
	if len(s.items) != 1 || s.items[0].ID != "v3" {
		t.Fatalf("queue after approval: %+v", s.items)
	}
}

func TestDeskReviewReturnWithFieldComment(t *testing.T) {
	x := newDeskApp(t)
	s := openDesk(t, x, "nav.review").(*reviewScreen)
	tapReviewItem(t, s, "v2")
	rec := x.Visible().(*reviewRecordScreen)

	// Returning with no comment at all is refused, with a message.
	test.Tap(button(t, x, "desk.review.return"))
	if !rec.msg.Visible() || rec.msg.Text != lang.L("desk.err.comment_required") {
		t.Fatalf("empty return: message %q", rec.msg.Text)
	}
	// A comment on the changed address, and one overall.
	e, ok := rec.comments["household.address"]
	if !ok {
		t.Fatalf("no comment entry for the address; have %v", keysOf(rec.comments))
	}
	test.Type(e, "门牌号与户口本不符")
	test.Type(rec.general, "请核实地址")
	// Approving with field comments typed is refused: they would be lost.
	test.Tap(button(t, x, "desk.review.approve"))
	if rec.msg.Text != lang.L("desk.review.comments_need_return") {
		t.Fatalf("approve with comments: %q", rec.msg.Text)
	}
	test.Tap(button(t, x, "desk.review.return"))
	action, comment, fields := latestEvent(t, x.Env.Store.DB(), "v2")
	if action != "return" || comment != "请核实地址" || fields["household.address"] != "门牌号与户口本不符" || len(fields) != 1 {
		t.Fatalf("stored %s %q %v", action, comment, fields)
	}
	// The author's Today list (on this database) shows it with the comment.
	items, err := x.Env.Store.Today(x.Env.Ctx(), records.Identity{Role: schema.RoleWorker, UserID: "w1", Communities: []string{"c1"}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range items {
		if it.Kind == records.TodayReturned && it.RecordID == "v2" {
			found = it.Comment == "请核实地址" && it.FieldComments["household.address"] != ""
		}
	}
	if !found {
		t.Fatalf("w1's Today does not show the returned visit: %+v", items)
	}
	// The queue counts it as returned.
	s.state.SetSelectedIndex(0)
	if !strings.Contains(s.counts.Text, lang.L("desk.state.returned")+" 1") {
		t.Fatalf("counts %q", s.counts.Text)
	}
}

func keysOf(m map[string]*widget.Entry) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestDeskConflictResolve(t *testing.T) {
	x := newDeskApp(t)
	hlc := func(t time.Time) int64 { return t.UnixMilli() << 16 }
	at := time.Date(2025, 6, 30, 1, 0, 0, 0, time.UTC)
	err := desk.Insert(x.Env.Ctx(), x.Env.Store.DB(), "conflicts", "k1", map[string]any{"tbl": "households", "row_id": "h1",
		"col": "address", "community_id": "c1", "winner_value": `"解放路2号"`, "loser_value": `"解放路1号"`,
		"winner_hlc": hlc(at.Add(time.Minute)), "loser_hlc": hlc(at), "winner_site": "dev-b", "loser_site": "dev-a",
		"winner_user": "w2", "loser_user": "w1", "detected_at": "2025-06-30T02:00:00Z", "resolved": 0})
	if err != nil {
		t.Fatal(err)
	}
	s := openDesk(t, x, "nav.conflicts").(*conflictsScreen)
	if len(s.conflicts) != 1 || !onScreen(x, "解放路1号") || !onScreen(x, "李二") || !onScreen(x, "王一") {
		t.Fatalf("conflict list: %d; texts %q", len(s.conflicts), texts(x))
	}
	// Keep the overwritten value: the second "use this value" button.
	var keep []*widget.Button
	for _, b := range all[*widget.Button](x) {
		if b.Text == lang.L("desk.conflict.keep") {
			keep = append(keep, b)
		}
	}
	if len(keep) != 2 {
		t.Fatalf("%d keep buttons", len(keep))
	}
	test.Tap(keep[1])
	var addr string
	var resolved int
	if err := x.Env.Store.DB().QueryRow(`SELECT address FROM households WHERE id = 'h1'`).Scan(&addr); err != nil {
		t.Fatal(err)
	}
	if err := x.Env.Store.DB().QueryRow(`SELECT resolved FROM conflicts WHERE id = 'k1'`).Scan(&resolved); err != nil {
		t.Fatal(err)
	}
	if addr != "解放路1号" || resolved != 1 {
		t.Fatalf("after keeping the overwritten value: address %q, resolved %d", addr, resolved)
	}
	if len(s.conflicts) != 0 || !onScreen(x, lang.L("desk.conflict.none")) {
		t.Fatalf("the resolved conflict is still listed: %+v", s.conflicts)
	}
}

var _ fyne.CanvasObject = (*barChart)(nil)

func TestDeskMeetingHold(t *testing.T) {
	x := newDeskApp(t)
	if _, err := review.Approve(x.Env.Ctx(), office(x.Env), review.MeansVisit, "v3", ""); err != nil {
		t.Fatal(err)
	}
	s := openDesk(t, x, "nav.meeting").(*meetingScreen)
	if len(s.cases) != 1 || s.cases[0].c.VisitID != "v3" {
		t.Fatalf("cases %+v", s.cases)
	}
	// Nothing ticked: refused with a message, nothing written.
	test.Tap(button(t, x, "desk.meeting.hold"))
	if !s.msg.Visible() || s.msg.Text != lang.L("desk.err.attendees") {
		t.Fatalf("empty meeting: %q", s.msg.Text)
	}
	for _, c := range s.present {
		test.Tap(c)
	}
	test.Type(s.others, "居民代表 张, 居民代表 李")
	test.Tap(s.cases[0].include)
	test.Type(s.cases[0].votes[0], "4")
	test.Type(s.cases[0].votes[2], "1")
	test.Tap(button(t, x, "desk.meeting.hold"))
	if s.msg.Visible() {
		t.Fatalf("meeting refused: %q", s.msg.Text)
	}
	var decision, attendees string
	var votesFor, abstain int
	db := x.Env.Store.DB()
	if err := db.QueryRow(`SELECT d.decision, d.votes_for, d.votes_abstain, m.attendees FROM meeting_decisions d
		JOIN approval_meetings m ON m.id = d.meeting_id WHERE d.visit_id = 'v3'`).Scan(&decision, &votesFor, &abstain, &attendees); err != nil {
		t.Fatal(err)
	}
	if decision != "approve" || votesFor != 4 || abstain != 1 || !strings.Contains(attendees, "居民代表 李") || !strings.Contains(attendees, `"sup"`) {
		t.Fatalf("stored decision %s %d/%d, attendees %s", decision, votesFor, abstain, attendees)
	}
	if len(s.cases) != 0 || len(s.notices) != 1 || s.notices[0].Ended {
		t.Fatalf("after the meeting: %d cases, notices %+v", len(s.cases), s.notices)
	}
}

func TestDeskDrawPreviewAndSave(t *testing.T) {
	x := newDeskApp(t)
	s := openDesk(t, x, "nav.draw").(*drawScreen)
	s.byCount.SetSelected(lang.L("desk.draw.count"))
	s.size.SetText("1")
	// h1's caseworker is w1; w2 alone cannot make two inspectors.
	test.Tap(button(t, x, "desk.draw.preview"))
	if !s.msg.Visible() || s.msg.Text != lang.L("desk.err.inspectors") || !s.save.Disabled() {
		t.Fatalf("too few inspectors: %q", s.msg.Text)
	}
	if err := desk.Insert(x.Env.Ctx(), x.Env.Store.DB(), "staff", "w3", map[string]any{"name": "张三", "role": "worker",
		"community_id": "c1", "street_id": "s1"}); err != nil {
		t.Fatal(err)
	}
	s.seed.SetText("42")
	test.Tap(button(t, x, "desk.draw.preview"))
	if s.msg.Visible() || len(s.draws) != 1 || len(s.draws[0].Checks) != 1 || !onScreen(x, "刘大") {
		t.Fatalf("preview: %q %+v", s.msg.Text, s.draws)
	}
	test.Tap(s.save)
	var batch, inspectors string
	var seed int64
	if err := x.Env.Store.DB().QueryRow(`SELECT b.id, b.seed, c.inspector_ids FROM spot_batches b JOIN spot_checks c ON c.batch_id = b.id
		WHERE c.household_id = 'h1'`).Scan(&batch, &seed, &inspectors); err != nil {
		t.Fatal(err)
	}
	if seed != 42 || inspectors != `["w2","w3"]` {
		t.Fatalf("saved batch: seed %d, inspectors %s", seed, inspectors)
	}
}
