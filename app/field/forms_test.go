package field

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
	"doorstep/app/kit"
	"doorstep/app/kit/kittest"
	"doorstep/app/records"
	"doorstep/schema"
	"doorstep/schema/rules"
)

// Two valid ID numbers of adults born 1975 (male) and 1978 (female).
var (
	idLi   = rules.MakeID("410802", time.Date(1975, 5, 5, 0, 0, 0, 0, time.UTC), 31)
	idWang = rules.MakeID("410802", time.Date(1978, 8, 8, 0, 0, 0, 0, time.UTC), 42)
)

// openVisit opens a means-test visit of a new household on a worker's
// demo device and returns its screen.
func openVisit(t *testing.T, x *testApp) *visitScreen {
	t.Helper()
	if err := x.OpenForm(model.FormMeansVisit, ""); err != nil {
		t.Fatal(err)
	}
	s, ok := x.Visible().(*visitScreen)
	if !ok {
		t.Fatalf("visible Screen is %T", x.Visible())
	}
	return s
}

// addMember taps "add member" and types the member's name and ID number.
func addMember(t *testing.T, x *testApp, s *visitScreen, name, id string) *memberRow {
	t.Helper()
	test.Tap(button(t, x, "visit.add_member"))
	m := s.v.Members[len(s.v.Members)-1]
	r := s.memberRows[m.ID]
	test.Type(r.name, name)
	test.Type(r.idNumber, id)
	return r
}

// sign draws a stroke on a signature pad, as a finger would.
func sign(p *kit.SignaturePad) {
	p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(40, 60)}, Dragged: fyne.NewDelta(10, 5)})
	p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(120, 40)}, Dragged: fyne.NewDelta(80, -20)})
	p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(200, 70)}, Dragged: fyne.NewDelta(80, 30)})
	p.DragEnd()
}

// check finds a check box by its text.
func checkBox(t *testing.T, x *testApp, text string) *widget.Check {
	t.Helper()
	return find(t, x, func(c *widget.Check) bool { return c.Text == text })
}

// errorText returns the message shown under a field, "" when none.
func errorText(k *kit.FormKit, field string) string {
	if l, ok := k.Errs[field]; ok && l.Visible() {
		return l.Text
	}
	return ""
}

// TestVisitFormCreatesHouseholdAndComputesBenefit fills a means-test visit
// for a new applicant household through the screen — members by ID
// number, income per member, a second staff member, signatures — sees the
// live per-capita income and benefit, submits it and finds everything in
// the database.
func TestVisitFormCreatesHouseholdAndComputesBenefit(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	s := openVisit(t, x)

	test.Type(entryWithPlaceholder(t, x, "visit.address_placeholder"), "建设路8号2单元301")
	li := addMember(t, x, s, "李四", idLi)
	if li.sex.Selected != kit.Code("sex", "male") || li.birth.Text != "1975-05-05" {
		t.Errorf("sex and birth date not filled from the ID number: %q %q", li.sex.Selected, li.birth.Text)
	}
	wang := addMember(t, x, s, "王芳", idWang)
	wang.relationship.SetSelected(kit.Code("relationship", "spouse"))

	for i, amount := range []string{"100", "80"} {
		test.Tap(button(t, x, "visit.add_income"))
		r := s.incomeRows[s.v.Incomes[i].ID]
		r.member.SetSelectedIndex(i)
		r.kind.SetSelected(kit.Code("income", []string{"wages", "pension"}[i]))
		test.Type(r.amount, amount)
	}
	// (100 + 80) / 2 = 90 yuan a month each; the standard is 200 yuan:
	// (200 − 90) × 2 = 220 yuan, plus 15 yuan price subsidy each.
	if got := s.live.perCapita.Text; got != kit.Money(9000) {
		t.Errorf("live per-capita income %q, want %q", got, kit.Money(9000))
	}
	if got := s.live.benefit.Text; got != kit.Money(22000) {
		t.Errorf("live benefit %q, want %q", got, kit.Money(22000))
	}
	if got := s.live.subsidy.Text; got != kit.Money(3000) {
		t.Errorf("live price subsidy %q, want %q", got, kit.Money(3000))
	}
	if !strings.Contains(s.live.verdict.Text, tr("live.eligible")) {
		t.Errorf("verdict %q", s.live.verdict.Text)
	}

	// Submitting with one staff member and no signatures is refused, with
	// the messages beside the fields.
	test.Tap(button(t, x, "action.submit"))
	if got := errorText(s.kit, model.FieldStaff); got == "" {
		t.Error("no message for too few staff")
	}
	if got := errorText(s.kit, model.FieldApplicantSig); got != tr(model.MsgSignatureMissing) {
		t.Errorf("applicant signature message %q", got)
	}
	dismissDialogs(x)

	other := s.staff[1]
	test.Tap(checkBox(t, x, other.Name))
	pads := all[*kit.SignaturePad](x)
	if len(pads) != 3 {
		t.Fatalf("%d signature pads, want 3 (applicant and two staff)", len(pads))
	}
	for _, p := range pads {
		sign(p)
	}
	test.Tap(button(t, x, "action.submit"))
	if _, still := x.Visible().(*visitScreen); still {
		t.Fatalf("not submitted; messages: %q", texts(x))
	}

	db := x.Env.Store.DB()
	var head, status string
	var members int
	err := db.QueryRow(`SELECT head_name, status, (SELECT count(*) FROM members m WHERE m.household_id = h.id AND m.deleted = 0)
		FROM households h WHERE id = ?`, s.v.Household.ID).Scan(&head, &status, &members)
	if err != nil || head != "李四" || status != "applicant" || members != 2 {
		t.Fatalf("household %q %q %d members, %v", head, status, members, err)
	}
	var state, staff, appSig string
	var perCapita, benefit, eligible int64
	err = db.QueryRow(`SELECT state, staff_ids, applicant_signature, per_capita_fen, benefit_fen, eligible
		FROM means_visits WHERE id = ?`, s.v.ID).Scan(&state, &staff, &appSig, &perCapita, &benefit, &eligible)
	if err != nil || state != "submitted" || perCapita != 9000 || benefit != 22000 || eligible != 1 {
		t.Fatalf("visit %q per capita %d benefit %d eligible %d, %v", state, perCapita, benefit, eligible, err)
	}
	if !strings.Contains(staff, other.ID) || !model.ValidHash(appSig) {
		t.Errorf("staff %s applicant signature %q", staff, appSig)
	}
	data, err := os.ReadFile(x.Env.Blobs().Path(appSig))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil || img.Bounds().Dx() != kit.SignatureW || img.Bounds().Dy() != kit.SignatureH {
		t.Fatalf("signature blob: %v %v", img.Bounds(), err)
	}
	if _, err := x.Env.Store.Draft(context.Background(), model.FormMeansVisit, s.v.ID); err == nil {
		t.Error("the draft is still there after submitting")
	}
}

// dismissDialogs closes the dialogs on the window.
func dismissDialogs(x *testApp) {
	for _, o := range x.Win.Canvas().Overlays().List() {
		x.Win.Canvas().Overlays().Remove(o)
	}
}

// TestInvalidIDNumberShowsMessageAndKeepsFields: a mistyped ID number gets
// the rules' message under the field, in the user's language; saving is
// refused and nothing typed is lost.
func TestInvalidIDNumberShowsMessageAndKeepsFields(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	s := openVisit(t, x)
	address := entryWithPlaceholder(t, x, "visit.address_placeholder")
	test.Type(address, "民主路12号")
	bad := idLi[:17] + map[bool]string{true: "0", false: "1"}[idLi[17] != '0']
	r := addMember(t, x, s, "张三", bad)
	field := model.MemberField(s.v.Members[0].ID, model.FieldIDNumber)
	_, err := rules.ParseID(bad, time.Now())
	msg, _ := rules.MessageOf(err)
	if got, want := errorText(s.kit, field), msg.Text(kit.LangZhCN); got != want || want == "" {
		t.Fatalf("ID message %q, want %q", got, want)
	}

	test.Tap(button(t, x, "forms.save_draft"))
	dismissDialogs(x)
	test.Tap(button(t, x, "action.submit"))
	dismissDialogs(x)
	if _, ok := x.Visible().(*visitScreen); !ok {
		t.Fatal("the form closed on an invalid ID number")
	}
	if address.Text != "民主路12号" || r.name.Text != "张三" || r.idNumber.Text != bad {
		t.Errorf("typed values lost: %q %q %q", address.Text, r.name.Text, r.idNumber.Text)
	}
	if got := errorText(s.kit, field); got != msg.Text(kit.LangZhCN) {
		t.Errorf("after submitting the message is %q", got)
	}
	var n int
	if err := x.Env.Store.DB().QueryRow(`SELECT count(*) FROM households WHERE id = ?`, s.v.Household.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Error("an invalid household was written")
	}
	// Correcting the number clears the message.
	r.idNumber.SetText(idLi)
	if got := errorText(s.kit, field); got != "" {
		t.Errorf("message after correcting: %q", got)
	}
}

// TestVisitDraftSurvivesRestart: what is typed is saved as a draft as the
// user types; after the app object is closed and a new one opened on the
// same data, opening the draft from Today restores every field.
func TestVisitDraftSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	x := newTestApp(t, dir, nil)
	startDemo(t, x, schema.RoleWorker)
	s := openVisit(t, x)
	test.Type(entryWithPlaceholder(t, x, "visit.address_placeholder"), "焦东路1号")
	addMember(t, x, s, "赵六", idLi)
	addMember(t, x, s, "钱七", idWang[:9]) // half typed
	test.Tap(button(t, x, "visit.add_income"))
	test.Type(s.incomeRows[s.v.Incomes[0].ID].amount, "12o") // mistyped
	sign(all[*kit.SignaturePad](x)[0])
	neighbour := s.v.NeighbourNotes
	want := *s.v

	// The debounced autosave writes without any navigation.
	deadline := time.Now().Add(5 * time.Second)
	for {
		if d, err := x.Env.Store.Draft(context.Background(), model.FormMeansVisit, s.v.ID); err == nil &&
			strings.Contains(string(d.Data), "12o") && strings.Contains(string(d.Data), want.ApplicantSig) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no draft written while typing")
		}
		time.Sleep(50 * time.Millisecond)
	}
	test.Type(entryWithPlaceholder(t, x, "visit.address_placeholder"), "，3号楼") // flushed by Close
	x.Close()

	y := newTestApp(t, dir, nil)
	items, err := y.Env.Store.Today(context.Background(), y.Env.Me)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(items, func(it records.TodayItem) bool { return it.Kind == records.TodayDraft && it.RecordID == want.ID })
	if i < 0 {
		t.Fatal("Today does not list the draft")
	}
	if items[i].Title != "赵六" {
		t.Errorf("draft title %q", items[i].Title)
	}
	openTodayItem(y.Env, items[i])
	r, ok := y.Visible().(*visitScreen)
	if !ok {
		t.Fatalf("Today opened %T", y.Visible())
	}
	if r.v.Household.Address != "焦东路1号，3号楼" || len(r.v.Members) != 2 || r.v.Members[1].IDNumber != idWang[:9] ||
		r.v.Incomes[0].Amount != "12o" || r.v.ApplicantSig != want.ApplicantSig || r.v.NeighbourNotes != neighbour {
		t.Fatalf("restored %+v", r.v)
	}
	if got := r.memberRows[r.v.Members[0].ID].idNumber.Text; got != idLi {
		t.Errorf("ID entry shows %q", got)
	}
	if p := all[*kit.SignaturePad](y); len(p) == 0 || p[0].Empty() {
		t.Error("the signature is not shown again")
	}
}

// idNumberRE matches an 18-character resident ID number anywhere in a text.
var idNumberRE = regexp.MustCompile(`\d{17}[\dXx]`)

// TestVolunteerVisitFormShowsNoIncomeOrID: the volunteer's log shows only
// the volunteer's paired elders with their basic data — no ID number,
// income or asset anywhere — and saving it raises the risk flags.
func TestVolunteerVisitFormShowsNoIncomeOrID(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleVolunteer)
	elders, err := x.Env.Store.Elders(context.Background(), x.Env.Me)
	if err != nil || len(elders) == 0 {
		t.Fatalf("elders %v %v", elders, err)
	}
	if err := x.OpenForm(model.FormVolunteerVisit, elders[0].ID); err != nil {
		t.Fatal(err)
	}
	s := x.Visible().(*volunteerVisitScreen)
	for _, e := range s.elders {
		if e.PairingID == "" {
			t.Errorf("elder %s offered without a pairing", e.Name)
		}
	}
	forbidden := []string{tr("member.id_number"), tr("live.income"), tr("visit.incomes"), tr("visit.assets"),
		tr("screening.income_band"), tr("income.amount")}
	for _, text := range texts(x) {
		if idNumberRE.MatchString(text) {
			t.Errorf("an ID number is on screen: %q", text)
		}
		for _, f := range forbidden {
			if strings.Contains(text, f) {
				t.Errorf("%q is on screen: %q", f, text)
			}
		}
	}
	for _, text := range []string{elders[0].Address, elders[0].Phone} {
		if !onScreen(x, text) {
			t.Errorf("basic data %q not shown", text)
		}
	}

	test.Tap(checkBox(t, x, kit.Code("service", "chat")))
	test.Tap(checkBox(t, x, kit.Code("risk_flag", "fall")))
	find(t, x, func(r *widget.RadioGroup) bool {
		return slices.Contains(r.Options, kit.Code("wellbeing", "poor"))
	}).SetSelected(kit.Code("wellbeing", "poor"))
	now := x.Env.Now().Local()
	s.v.Date = now.Format(model.DateLayout)
	s.v.Start, s.v.End = now.Add(-50*time.Minute).Format(model.TimeLayout), now.Add(-10*time.Minute).Format(model.TimeLayout)
	test.Tap(button(t, x, "action.submit"))
	if _, still := x.Visible().(*volunteerVisitScreen); still {
		t.Fatalf("not submitted: %q", texts(x))
	}
	var flags, vol string
	if err := x.Env.Store.DB().QueryRow(`SELECT risk_flags, volunteer_id FROM volunteer_visits WHERE id = ?`, s.v.ID).Scan(&flags, &vol); err != nil {
		t.Fatal(err)
	}
	if flags != `["fall"]` || vol != x.Env.Me.UserID {
		t.Errorf("saved flags %s volunteer %s", flags, vol)
	}
}

// TestReturnedVisitIsCorrectedAsNewVisit: a visit the reviewer returned
// opens from Today with the comments above the form, as a correction that
// supersedes it; resubmitting writes a new visit and the old one stays.
func TestReturnedVisitIsCorrectedAsNewVisit(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	env := x.Env.FormsEnv()
	v, err := model.NewVisit(context.Background(), env, newRecordID(), "", firstCommunity(x.Env))
	if err != nil {
		t.Fatal(err)
	}
	v.Household.Address = "建设路9号"
	m := v.AddMember(newRecordID())
	m.Name, m.IDNumber = "孙八", idLi
	m.FillFromID(env.Today())
	staff, err := model.StaffOf(context.Background(), env.DB, v.Household.CommunityID, x.Env.Me.UserID)
	if err != nil || len(staff) < 2 {
		t.Fatalf("staff %v %v", staff, err)
	}
	v.SetStaff(staff[1].ID, true)
	v.ApplicantSig, _ = x.Env.Blobs().Put([]byte("applicant"))
	for _, id := range v.StaffIDs {
		h, _ := x.Env.Blobs().Put([]byte("staff " + id))
		v.SetStaffSignature(id, h)
	}
	if _, err := v.Save(context.Background(), env, true); err != nil {
		t.Fatal(err)
	}
	_, err = env.DB.Exec(`INSERT INTO review_events(id, record_table, record_id, household_id, community_id, action, comment, field_comments, reviewer_id, at)
		VALUES (?, 'means_visits', ?, ?, ?, 'return', '请补充邻里走访情况', '{"neighbour_notes":"未写明访谈对象"}', 's9', '2025-07-01T01:30:00Z')`,
		newRecordID(), v.ID, v.Household.ID, v.Household.CommunityID)
	if err != nil {
		t.Fatal(err)
	}
	items, err := x.Env.Store.Today(context.Background(), x.Env.Me)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(items, func(it records.TodayItem) bool { return it.Kind == records.TodayReturned && it.RecordID == v.ID })
	if i < 0 {
		t.Fatal("the returned visit is not on Today")
	}
	openTodayItem(x.Env, items[i])
	s, ok := x.Visible().(*visitScreen)
	if !ok {
		t.Fatalf("Today opened %T", x.Visible())
	}
	if s.v.SupersedesID != v.ID || s.v.ID == v.ID || s.v.ReadOnly() {
		t.Fatalf("correction %s supersedes %q read-only %v", s.v.ID, s.v.SupersedesID, s.v.ReadOnly())
	}
	if !onScreen(x, "请补充邻里走访情况") || !onScreen(x, "未写明访谈对象") {
		t.Error("the reviewer's comments are not shown")
	}
	// The banner names the field in the user's language, never by its key,
	// and the comment also sits under the field itself.
	label := tr("desk.field.neighbour_notes")
	if label == "desk.field.neighbour_notes" || !onScreen(x, label+"：未写明访谈对象") || onScreen(x, "neighbour_notes") {
		t.Errorf("the field comment is not labelled %q: %q", label, texts(x))
	}
	if got, want := s.kit.ErrLabel(model.FieldNeighbourNotes).Text, tr2("forms.review_note", "Comment", "未写明访谈对象"); got != want {
		t.Errorf("under the neighbour notes: %q, want %q", got, want)
	}
	s.v.NeighbourNotes = "补充：访谈同楼邻居王某"
	s.kit.Changed()
	test.Tap(button(t, x, "action.submit"))
	if _, still := x.Visible().(*visitScreen); still {
		t.Fatalf("not resubmitted: %q", texts(x))
	}
	var n int
	if err := x.Env.Store.DB().QueryRow(`SELECT count(*) FROM means_visits WHERE supersedes_id = ? AND state = 'submitted'`, v.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d resubmissions", n)
	}
	if items, _ := x.Env.Store.Today(context.Background(), x.Env.Me); slices.ContainsFunc(items, func(it records.TodayItem) bool {
		return it.Kind == records.TodayReturned && it.RecordID == v.ID
	}) {
		t.Error("the returned visit is still on Today after the correction")
	}
}

// TestFormMessagesTranslated: every message the form models can raise, and
// the keys the screens build at run time, are in both translation files.
func TestFormMessagesTranslated(t *testing.T) {
	keys := append([]string{}, model.MessageKeys...)
	keys = append(keys, model.ScoreKeys()...)
	for _, ch := range []model.RowChange{model.RowAdded, model.RowRemoved, model.RowChanged} {
		keys = append(keys, "spot.change."+string(ch))
	}
	for _, f := range forms {
		keys = append(keys, "form."+f.kind)
	}
	for _, lng := range kit.Languages() {
		msgs := kittest.MessageIDs(t, lng)
		for _, k := range keys {
			if _, ok := msgs[k]; !ok {
				t.Errorf("%s.json has no %q", lng, k)
			}
		}
	}
}
