package kit

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	model "doorstep/app/forms"
)

// ColumnLabel is the label of table.column in the user's language, from
// the one vocabulary (forms.LabelKey) that the forms, the review, the
// return banner and the exports share.
func ColumnLabel(table, column string) string { return lang.L(model.LabelKey(table, column)) }

// Col lays out the form field named field (the name its messages and
// review comments use, e.g. "household.address", "members.<id>.name",
// "purpose") labelled with the vocabulary's label of the column it
// writes.
func (k *FormKit) Col(field string, input fyne.CanvasObject) fyne.CanvasObject {
	return k.FieldText(k.ColLabel(field), field, input)
}

// ColLabel is the vocabulary's label of the column field writes.
func (k *FormKit) ColLabel(field string) string {
	return ColumnLabel(model.FieldColumn(model.TableOf(k.kind), field))
}

// Relationship is a member's relationship to the applicant as shown for
// them: 父亲 or 母亲 rather than 父母.
func Relationship(relationship, sex string) string {
	if relationship == "" {
		return "—"
	}
	return lang.L(model.RelationshipKey(relationship, sex))
}

// Labour is a member's labour capacity worded for their age on ref (a
// child is not of working age, not 丧失劳动能力).
func Labour(capacity, birth string, ref time.Time) string {
	if capacity == "" {
		return "—"
	}
	return lang.L(model.LabourKey(capacity, birth, ref))
}
