package field

import (
	"doorstep/app/kit"
	"slices"

	"fyne.io/fyne/v2/lang"
	"github.com/google/uuid"

	"doorstep/app/records"
	"doorstep/schema"
)

// Subjects a form is about.
const (
	subjectHousehold = "household"
	subjectElder     = "elder"
)

// formRef says which record a form opens.
type formRef struct {
	// RecordID is the record the form writes: an existing record to
	// correct, or a new UUID v7 for a new record.
	RecordID string
	// SubjectID is the household or elder; PairingID the volunteer pairing
	// (volunteer visit logs).
	SubjectID string
	PairingID string
	// Draft, when set, is the saved draft to restore into the form.
	Draft *records.Draft
	// Returned, when set, carries the reviewer's comments on a returned
	// record (Comment and FieldComments) to show next to the fields.
	Returned *records.TodayItem
}

// form is a kind of record the user fills in. Each form is a screen in its
// own file; adding one is writing that file and adding a line to forms.
type form struct {
	// kind is the drafts.form value, e.g. "means_visit".
	kind string
	// table is the synced table the form writes records to.
	table string
	// subject is subjectHousehold or subjectElder.
	subject string
	// roles may use the form.
	roles []schema.Role
	// open builds the form's screen.
	open func(x *kit.Env, ref formRef) kit.Screen
}

// label is the form's translated name ("form.<kind>").
func (f form) label() string { return lang.L("form." + f.kind) }

// forms lists every form the app offers. The household and elder screens
// offer each form of their subject to the roles listed; Today opens drafts
// and returned records through it.
var forms []form

// formsFor returns the forms about subject the identity may use.
func formsFor(subject string, me records.Identity) []form {
	var out []form
	for _, f := range forms {
		if f.subject == subject && slices.Contains(f.roles, me.Role) {
			out = append(out, f)
		}
	}
	return out
}

// formByKind returns the form of a draft kind.
func formByKind(kind string) (form, bool) {
	i := slices.IndexFunc(forms, func(f form) bool { return f.kind == kind })
	if i < 0 {
		return form{}, false
	}
	return forms[i], true
}

// formByTable returns the form writing a table.
func formByTable(table string) (form, bool) {
	i := slices.IndexFunc(forms, func(f form) bool { return f.table == table })
	if i < 0 {
		return form{}, false
	}
	return forms[i], true
}

// canUseForm reports whether the signed-in role may fill in form kind.
func canUseForm(x *kit.Env, kind string) bool {
	f, ok := formByKind(kind)
	return ok && slices.Contains(f.roles, x.Me.Role)
}

// openStored opens a stored record of form f (ref.RecordID): when its
// latest review (reviewAction) returned it to this user, as the correction
// Today offers; otherwise as stored, read-only once submitted.
func openStored(x *kit.Env, f form, ref formRef, subjectName, reviewAction string) {
	if reviewAction == records.ReviewReturn {
		items, err := x.Store.Today(x.Ctx(), x.Me)
		if err != nil {
			x.ShowError("error.read", err)
			return
		}
		for _, it := range items {
			if it.Kind == records.TodayReturned && it.RecordID == ref.RecordID {
				openTodayItem(x, it)
				return
			}
		}
	}
	openForm(x, f, ref, subjectName)
}

// newRecordID returns a new record id (UUID v7, for index locality).
func newRecordID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// openForm pushes form f for ref, titled with the form and subject.
func openForm(x *kit.Env, f form, ref formRef, subjectName string) {
	title := f.label()
	if subjectName != "" {
		title += " · " + subjectName
	}
	x.Push(title, f.open(x, ref))
}
