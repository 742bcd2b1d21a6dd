package kit

import (
	"encoding/json"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"

	model "doorstep/app/forms"
)

// DraftJSON makes the form's draft the JSON of m, a pointer to the form's
// model, titled title() in lists; what names the form in the log.
func (k *FormKit) DraftJSON(what string, m any, title func() string) {
	k.serialise = func() ([]byte, string) {
		data, err := json.Marshal(m)
		if err != nil {
			fyne.LogError("encode "+what+" draft", err)
		}
		return data, title()
	}
}

// Save saves the form with write as a draft record or submits it.
// Problems are shown under their fields (then onIssues runs, if set) and
// nothing typed is lost; a submitted form closes with the message
// submitted returns.
func (k *FormKit) Save(submit bool, write func() error, onIssues func(), submitted func() string) {
	k.x.Touch()
	if submit {
		k.Attempted = true
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
			lang.L("forms.fix_problems", map[string]any{"Count": max(k.shownIssues(), 1)}), k.x.Win)
		return
	}
	if err != nil {
		k.afterFailedSave()
		k.x.ShowError("forms.save_failed", err)
		return
	}
	k.x.DataChanged()
	if submit {
		k.x.Back()
		dialog.ShowInformation(lang.L("forms.submitted"), submitted(), k.x.Win)
		return
	}
	k.saver.Resume()
	k.Status.SetText(lang.L("forms.saved_as_draft"))
}
