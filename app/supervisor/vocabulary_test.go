package supervisor

import (
	"testing"

	"fyne.io/fyne/v2/lang"

	model "doorstep/app/forms"
	"doorstep/app/kit"
)

// TestReviewUsesTheFormsVocabulary: the review of a visit labels each
// stored column with the vocabulary's label — the key the visit form uses
// for the field writing that column (model.FieldColumn) — and the
// return banner's field names follow the same table.
func TestReviewUsesTheFormsVocabulary(t *testing.T) {
	x := newDeskApp(t)
	s := openDesk(t, x, "nav.review").(*reviewScreen)
	tapReviewItem(t, s, "v2")
	rec := x.Visible().(*reviewRecordScreen)
	shown := 0
	for _, f := range rec.rec.Fields {
		if isHidden(f.Column) {
			continue
		}
		shown++
		want := lang.L(model.LabelKey("means_visits", f.Column))
		if !onScreen(x, want) {
			t.Errorf("column %s: vocabulary label %q not on the review", f.Column, want)
		}
	}
	if shown == 0 {
		t.Fatal("no stored fields shown")
	}
	// The form fields' columns, as the visit form names them.
	for _, field := range []string{model.FieldPurpose, model.FieldMethod, model.FieldObservations,
		model.FieldLivingConditions, model.FieldNeighbourNotes, "location"} {
		tb, col := model.FieldColumn("means_visits", field)
		if got, want := rec.keyLabel(field), kit.ColumnLabel(tb, col); got != want {
			t.Errorf("review names the comment key %s %q, the form %q", field, got, want)
		}
	}
	if got, want := rec.keyLabel(model.FieldAddress), lang.L("desk.section.households")+" · "+kit.ColumnLabel("households", "address"); got != want {
		t.Errorf("household address named %q, want %q", got, want)
	}
}
