package field

import (
	"doorstep/app/kit"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk/review"
	model "doorstep/app/forms"
	"doorstep/app/records"
)

// returnedBanner shows a reviewer's return comments above a form: the
// general comment, then each field comment after the field's label. The
// same comments also appear under their fields (formKit.notes). Each
// field comment is a button that jump (FormNav.JumpTo) takes to its field.
func returnedBanner(x *kit.Env, it *records.TodayItem, jump func(field string)) fyne.CanvasObject {
	if it == nil {
		return nil
	}
	l := widget.NewLabel(lang.L("forms.returned", map[string]any{"Comment": it.Comment}))
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.WarningImportance
	box := container.NewVBox(l)
	for _, f := range review.SortedFields(it.FieldComments) {
		b := widget.NewButtonWithIcon(lang.L("forms.returned_field", map[string]any{
			"Field": fieldCommentLabel(x, it.RecordTable, f), "Comment": it.FieldComments[f]}), theme.NavigateNextIcon(), func() {
			if jump != nil {
				jump(f)
			}
		})
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.WarningImportance
		box.Add(b)
	}
	return widget.NewCard("", "", container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, box))
}

// fieldCommentLabel names the field a review comment on a record of
// table is about, in the user's language, with the vocabulary's label of
// its column (as the review names it). Keys are what the review screen
// writes: a column of the record ("neighbour_notes"), a household field
// ("household.address"), a row of the household ("members.<id>") or a
// field of one ("members.<id>.id_number"). An unknown key is shown as it
// is.
func fieldCommentLabel(x *kit.Env, table, key string) string {
	parts := strings.Split(key, ".")
	switch {
	case len(parts) == 1:
		return kit.ColumnLabel(model.FieldColumn(table, key))
	case len(parts) == 2 && parts[0] == "household":
		return lang.L("desk.section.households") + " · " + kit.ColumnLabel(model.FieldColumn(table, key))
	case len(parts) == 2:
		return rowLabel(x, parts[0], parts[1])
	case len(parts) == 3:
		return rowLabel(x, parts[0], parts[1]) + " · " + kit.ColumnLabel(model.FieldColumn(table, key))
	}
	return key
}

// rowLabel names a member, income or asset row: the section, and for a
// member on this device their name.
func rowLabel(x *kit.Env, section, id string) string {
	label := lang.L("desk.section." + section)
	if label == "desk.section."+section {
		label = section
	}
	if section != "members" || x == nil || x.Store == nil {
		return label
	}
	var name string
	err := x.Store.DB().QueryRowContext(x.Ctx(), `SELECT coalesce(name,'') FROM members WHERE id = ?`, id).Scan(&name)
	if err == nil && name != "" {
		label += " " + name
	}
	return label
}
