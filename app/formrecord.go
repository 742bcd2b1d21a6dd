package app

import (
	"encoding/json"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	model "doorstep/app/forms"
	"doorstep/app/records"
)

// loadForm finds the model a form of kind opens for ref, in this order: the
// draft ref carries, the draft of record ref.RecordID, the stored record
// (stored, when table has a live row ref.RecordID), the latest draft about
// ref.SubjectID, and last a new record (fresh).
func loadForm[T any](x *App, kind, table string, ref formRef, stored, fresh func() (*T, error)) (*T, error) {
	if ref.Draft != nil {
		return decodeDraft[T](*ref.Draft)
	}
	if d, ok := x.draftOf(kind, ref.RecordID, "", nil); ok {
		return decodeDraft[T](d)
	}
	if x.recordExists(table, ref.RecordID) {
		return stored()
	}
	if ref.SubjectID != "" {
		if d, ok := x.draftOf(kind, "", ref.SubjectID, nil); ok {
			return decodeDraft[T](d)
		}
	}
	return fresh()
}

// decodeDraft is the form model a draft holds.
func decodeDraft[T any](d records.Draft) (*T, error) {
	m := new(T)
	if err := json.Unmarshal(d.Data, m); err != nil {
		return nil, err
	}
	return m, nil
}

// draftJSON makes the form's draft the JSON of m, a pointer to the form's
// model, titled title() in lists; what names the form in the log.
func (k *formKit) draftJSON(what string, m any, title func() string) {
	k.serialise = func() ([]byte, string) {
		data, err := json.Marshal(m)
		if err != nil {
			fyne.LogError("encode "+what+" draft", err)
		}
		return data, title()
	}
}

// save saves the form with write as a draft record or submits it.
// Problems are shown under their fields (then onIssues runs, if set) and
// nothing typed is lost; a submitted form closes with the message
// submitted returns.
func (k *formKit) save(submit bool, write func() error, onIssues func(), submitted func() string) {
	k.x.touch()
	if submit {
		k.attempted = true
	}
	k.beforeSave()
	err := write()
	if is, ok := model.AsIssues(err); ok {
		k.afterFailedSave()
		k.showIssues(is)
		if onIssues != nil {
			onIssues()
		}
		dialog.ShowInformation(lang.L("forms.not_saved"),
			lang.L("forms.fix_problems", map[string]any{"Count": max(k.shownIssues(), 1)}), k.x.win)
		return
	}
	if err != nil {
		k.afterFailedSave()
		k.x.showError("forms.save_failed", err)
		return
	}
	k.x.dataChanged()
	if submit {
		k.x.shell.pop()
		dialog.ShowInformation(lang.L("forms.submitted"), submitted(), k.x.win)
		return
	}
	k.saver.Resume()
	k.status.SetText(lang.L("forms.saved_as_draft"))
}
