package field

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
	"doorstep/app/kit"
	"doorstep/app/records"
	"doorstep/schema"
)

// householdOf returns an active household with an approved visit in the
// worker's first community whose caseworker is (own) or is not the
// signed-in worker.
func householdOf(t *testing.T, x *testApp, own bool) string {
	t.Helper()
	op := "<>"
	if own {
		op = "="
	}
	var hh string
	err := x.Env.Store.DB().QueryRow(`SELECT h.id FROM households h JOIN means_visits v ON v.id = h.last_visit_id
		WHERE h.status = 'active' AND h.community_id = ? AND h.deleted = 0 AND coalesce(h.caseworker_id,'') `+op+` ?
		ORDER BY h.id LIMIT 1`, x.Env.Me.Communities[0], x.Env.Me.UserID).Scan(&hh)
	if err != nil {
		t.Fatalf("household (own %v): %v", own, err)
	}
	return hh
}

// fieldBox returns the label-input-message stack of field on the window.
func fieldBox(t *testing.T, x *testApp, k *kit.FormKit, field string) *fyne.Container {
	t.Helper()
	msg := k.Errs[field]
	var box *fyne.Container
	walk(x.Window().Content(), func(o fyne.CanvasObject) {
		if c, ok := o.(*fyne.Container); ok {
			if _, tight := c.Layout.(*kit.TightVBox); tight {
				for _, child := range c.Objects {
					if child == msg && msg != nil {
						box = c
					}
				}
			}
		}
	})
	if box == nil {
		t.Fatalf("field %s not on the form", field)
	}
	return box
}

// under reports whether o is target or inside it.
func under(target, o fyne.CanvasObject) bool {
	found := false
	walk(target, func(c fyne.CanvasObject) {
		if c == o {
			found = true
		}
	})
	return found
}

// TestSubmitListsMissingFieldsAndJumpsToEach: a spot check submitted with
// three answers missing lists exactly those three, in form order, each
// naming its field; a tap on each scrolls to the field and moves the
// keyboard focus into its input. Required fields carry their mark before
// any submit.
func TestSubmitListsMissingFieldsAndJumpsToEach(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	x.Window().Resize(fyne.NewSize(800, 600)) // the form scrolls
	if err := x.OpenForm(model.FormSpotCheck, householdOf(t, x, false)); err != nil {
		t.Fatal(err)
	}
	s := x.Visible().(*spotCheckScreen)
	k := s.kit

	// Before any submit: required fields are marked, nothing is listed.
	label := fieldBox(t, x, k, model.FieldFound).Objects[0].(*widget.Label)
	if !strings.HasSuffix(label.Text, " *") {
		t.Errorf("required field label %q has no mark", label.Text)
	}
	notes := fieldBox(t, x, k, model.FieldDeadline).Objects[0].(*widget.Label)
	if strings.HasSuffix(notes.Text, " *") {
		t.Errorf("deadline %q marked required before an outcome needs one", notes.Text)
	}
	if len(s.nav.Problems()) != 0 {
		t.Fatal("problems listed before a submit")
	}

	// A second inspector, every answer but three.
	test.Tap(find(t, x, func(c *widget.Check) bool { return !c.Checked && c.Text != "" }))
	tap := func(field, answer string) {
		box := fieldBox(t, x, k, field)
		want := tr("common.yes")
		if answer == model.No {
			want = tr("common.no")
		}
		var btn *widget.Button
		walk(box, func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok && b.Text == want {
				btn = b
			}
		})
		if btn == nil {
			t.Fatalf("no %q toggle for %s", want, field)
		}
		test.Tap(btn)
	}
	tap(model.FieldFound, model.Yes)
	tap(model.FieldMakeupMatches, model.Yes)
	tap(model.FieldAssetsFit, model.Yes)
	tap(model.FieldBenefitPaidFull, model.Yes)
	tap(model.FieldFeesCharged, model.No)
	if s.s.Found != model.Yes || s.s.FeesCharged != model.No {
		t.Fatalf("toggles did not answer: %+v", s.s)
	}

	test.Tap(button(t, x, "action.submit"))
	if _, still := x.Visible().(*spotCheckScreen); !still {
		t.Fatal("an incomplete check was submitted")
	}
	want := []string{model.FieldLivingThere, model.FieldRecomputedIncome, model.FieldOutcome}
	probs := s.nav.Problems()
	if len(probs) != len(want) {
		t.Fatalf("%d problems listed, want %d: %q", len(probs), len(want), texts(x))
	}
	for i, f := range want {
		if name := s.nav.FieldName(f); !strings.Contains(probs[i].Text, name) {
			t.Errorf("problem %d %q does not name %s (%q)", i, probs[i].Text, f, name)
		}
		test.Tap(probs[i])
		focused := x.Window().Canvas().Focused()
		if focused == nil {
			t.Fatalf("tap on %q focused nothing", probs[i].Text)
		}
		input := fieldBox(t, x, k, f).Objects[1]
		if !under(input, focused.(fyne.CanvasObject)) {
			t.Errorf("tap on %q focused %T, not the %s input", probs[i].Text, focused, f)
		}
		if s.nav.Focused != f {
			t.Errorf("jumped to %q, want %q", s.nav.Focused, f)
		}
	}

	// Answering one takes it off the list.
	tap(model.FieldLivingThere, model.Yes)
	if got := len(s.nav.Problems()); got != 2 {
		t.Errorf("%d problems after answering one, want 2", got)
	}
}

// TestHouseholdListHidesCancelledAndFilters: the household list leaves
// cancelled households out until asked for, shows case numbers, and its
// filters narrow it.
func TestHouseholdListHidesCancelledAndFilters(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	x.Show("households")
	s, ok := x.Visible().(*householdsScreen)
	if !ok {
		t.Fatalf("visible %T", x.Visible())
	}
	s.Reload()
	count := func(status string) int {
		n := 0
		for _, h := range s.hits {
			if h.Status == status {
				n++
			}
		}
		return n
	}
	total := len(s.hits)
	if total == 0 || count(records.StatusCancelled) != 0 {
		t.Fatalf("%d households listed, %d cancelled", total, count(records.StatusCancelled))
	}
	withCase := 0
	for _, h := range s.hits {
		if h.CaseNo != "" {
			withCase++
		}
	}
	if withCase == 0 {
		t.Error("no case numbers in the list")
	}
	test.Tap(button(t, x, "households.filter"))
	s.status.SetSelectedIndex(len(statusFilters) - 1) // all, cancelled included
	if count(records.StatusCancelled) == 0 || len(s.hits) <= total {
		t.Errorf("asking for cancelled households lists %d of them (%d in all)", count(records.StatusCancelled), len(s.hits))
	}
	s.status.SetSelected(kit.Code("status", records.StatusActive))
	if len(s.hits) == 0 || count(records.StatusActive) != len(s.hits) {
		t.Errorf("active filter: %d hits, %d active", len(s.hits), count(records.StatusActive))
	}
	test.Tap(s.recheck)
	for _, h := range s.hits {
		if h.RecheckDue == "" || h.RecheckDue > testNow.AddDate(0, 0, 30).Format("2006-01-02") {
			t.Errorf("re-check filter kept %s due %q", h.ID, h.RecheckDue)
		}
	}
}

// TestReturnBannerCommentsJumpToTheirFields: each field comment of a
// returned record is a button in the banner that scrolls to its field and
// focuses it.
func TestReturnBannerCommentsJumpToTheirFields(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	x.Window().Resize(fyne.NewSize(800, 600))
	hh := householdOf(t, x, false)
	it := &records.TodayItem{Kind: records.TodayReturned, RecordTable: "spot_checks", Comment: "请补充",
		FieldComments: map[string]string{model.FieldRecomputedIncome: "请重新核算收入"}}
	x.Env.Nav.Push("spot", openSpotCheckForm(x.Env, formRef{RecordID: newRecordID(), SubjectID: hh, Returned: it}))
	s := x.Visible().(*spotCheckScreen)
	b := find(t, x, func(b *widget.Button) bool { return strings.Contains(b.Text, "请重新核算收入") })
	test.Tap(b)
	if s.nav.Focused != model.FieldRecomputedIncome {
		t.Fatalf("the comment jumped to %q", s.nav.Focused)
	}
	input := fieldBox(t, x, s.kit, model.FieldRecomputedIncome).Objects[1]
	if f := x.Window().Canvas().Focused(); f == nil || !under(input, f.(fyne.CanvasObject)) {
		t.Errorf("focus on %T, not the recomputed income", f)
	}
	if !strings.Contains(b.Text, kit.ColumnLabel("spot_checks", "recomputed_income_fen")) {
		t.Errorf("banner line %q does not name the field as the vocabulary does", b.Text)
	}
}
