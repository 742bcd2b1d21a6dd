package field

import (
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
	var hh string
	err := x.Env.Store.DB().QueryRow(`SELECT h.id FROM households h JOIN means_visits v ON v.id = h.last_visit_id
		WHERE h.status = 'active' AND h.community_id = ? ORDER BY h.id LIMIT 1`, x.Env.Me.Communities[0]).Scan(&hh)
	if err != nil {
		t.Fatal(err)
	}
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
