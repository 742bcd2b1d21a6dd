package field

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
	"doorstep/schema"
)

// TestSpotCheckHighlightsDiscrepancies: answers that differ from the last
// approved data show up beside it, too few inspectors are refused with a
// message, and a complete check is saved.
func TestSpotCheckHighlightsDiscrepancies(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	hh := householdOf(t, x, false)
	if err := x.OpenForm(model.FormSpotCheck, hh); err != nil {
		t.Fatal(err)
	}
	s := x.Visible().(*spotCheckScreen)
	if !s.base.FromVisit {
		t.Fatal("baseline is not the approved visit")
	}
	yesNo := func(field *string, yes bool) {
		*field = model.No
		if yes {
			*field = model.Yes
		}
	}
	yesNo(&s.s.Found, true)
	yesNo(&s.s.LivingThere, true)
	yesNo(&s.s.MakeupMatches, false)
	yesNo(&s.s.AssetsFit, true)
	yesNo(&s.s.BenefitPaidFull, true)
	yesNo(&s.s.FeesCharged, false)
	s.kit.Changed()
	if !onScreen(x, tr(model.MsgDiscMakeup)) {
		t.Errorf("make-up discrepancy not shown: %q", texts(x))
	}
	test.Type(entryWithPlaceholder(t, x, "spot.income_placeholder"), model.FormatYuan(s.base.ApprovedPerCapitaFen+5000))
	if s.base.SuggestOutcome(s.s) != "reduce" && s.base.SuggestOutcome(s.s) != "stop" {
		t.Errorf("suggestion %q", s.base.SuggestOutcome(s.s))
	}
	test.Tap(button(t, x, "spot.use_suggestion"))
	if s.s.Outcome == "" {
		t.Error("the suggestion was not taken")
	}
	s.s.Deadline = "2025-08-01"

	test.Tap(button(t, x, "action.submit"))
	if errorText(s.kit, model.FieldInspectors) == "" {
		t.Fatal("no message for a single inspector")
	}
	dismissDialogs(x)
	test.Tap(find(t, x, func(c *widget.Check) bool { return !c.Checked && c.Text != "" }))
	test.Tap(button(t, x, "action.submit"))
	if _, still := x.Visible().(*spotCheckScreen); still {
		t.Fatalf("not submitted: %q", texts(x))
	}
	var state, outcome string
	if err := x.Env.Store.DB().QueryRow(`SELECT state, outcome FROM spot_checks WHERE id = ?`, s.s.ID).Scan(&state, &outcome); err != nil {
		t.Fatal(err)
	}
	if state != model.StateSubmitted || outcome != s.s.Outcome {
		t.Errorf("saved %s %s", state, outcome)
	}
}

// TestOwnHouseholdOffersNoSpotCheck: a worker's own household offers no
// 抽查 (and opening one anyway is refused with a message); another
// worker's household offers it, and its inspector list neither
// pre-selects nor offers that household's caseworker. Ticking the
// caseworker on a stored check is refused by validation.
func TestOwnHouseholdOffersNoSpotCheck(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	spot := tr("form." + model.FormSpotCheck)
	offers := func() bool {
		for _, b := range all[*widget.Button](x) {
			if b.Text == spot {
				return true
			}
		}
		return false
	}

	own := householdOf(t, x, true)
	x.OpenHousehold(own)
	if offers() {
		t.Error("抽查 offered on the worker's own household")
	}
	if !onScreen(x, tr("household.no_spot_check_own")) {
		t.Errorf("no word on why: %q", texts(x))
	}
	if err := x.OpenForm(model.FormSpotCheck, own); err != nil {
		t.Fatal(err)
	}
	if _, ok := x.Visible().(*spotCheckScreen); ok {
		t.Fatal("a spot check of the worker's own household was opened")
	}

	other := householdOf(t, x, false)
	x.OpenHousehold(other)
	if !offers() {
		t.Fatalf("抽查 not offered on another worker's household: %q", texts(x))
	}
	test.Tap(find(t, x, func(b *widget.Button) bool { return b.Text == spot }))
	s, ok := x.Visible().(*spotCheckScreen)
	if !ok {
		t.Fatalf("visible screen %T", x.Visible())
	}
	cw := s.s.CaseworkerID
	if cw == "" || cw == x.Env.Me.UserID {
		t.Fatalf("caseworker %q", cw)
	}
	name := inspectorName(x.Env, cw)
	for _, c := range all[*widget.Check](x) {
		if c.Text == name {
			t.Errorf("caseworker %s offered as inspector (ticked %v)", name, c.Checked)
		}
	}
	if slices.Contains(s.s.InspectorIDs, cw) {
		t.Error("caseworker pre-selected as inspector")
	}
	s.s.SetInspector(cw, true)
	if !s.s.Validate(testNow, x.Env.DistrictConfig(), false).Has(model.FieldInspectors) {
		t.Error("the caseworker as inspector passes validation")
	}
}
