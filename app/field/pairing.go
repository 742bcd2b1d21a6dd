package field

import (
	"database/sql"
	"errors"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
	"doorstep/app/kit"
	"doorstep/app/records"
)

// pairingPanel is the elder screen's volunteer pairing section for staff:
// the running pairing with a button to end it (with a reason), or a
// button to make one, its mode pre-set to what the latest screening
// recommends. Volunteers never see it: they may not write pairings.
type pairingPanel struct {
	x      *kit.Env
	e      records.Elder
	advice string // the latest submitted screening's recommended mode
	done   func() // reloads the elder screen

	// The open dialog's inputs (for tests).
	mode    *widget.Select
	vols    []model.Staff
	picked  []string
	reason  *widget.Select
	note    *widget.Entry
	confirm func()
	msg     *widget.Label
}

// pairingSection builds the panel for elder e.
func pairingSection(x *kit.Env, e records.Elder, done func()) (*pairingPanel, fyne.CanvasObject) {
	p := &pairingPanel{x: x, e: e, done: done}
	err := x.Store.DB().QueryRowContext(x.Ctx(), `SELECT coalesce(pairing_advice,'') FROM elder_screenings
		WHERE elder_id = ? AND deleted = 0 AND state = 'submitted' ORDER BY screened_on DESC, id DESC LIMIT 1`,
		e.ID).Scan(&p.advice)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		fyne.LogError("read pairing advice", err)
	}
	box := container.NewVBox()
	if e.PairingID != "" {
		co, err := model.CoVolunteers(x.Ctx(), x.FormsEnv(), e.PairingID)
		if err != nil {
			fyne.LogError("read pairing", err)
		}
		names := make([]string, len(co))
		for i, c := range co {
			names[i] = c.Name
		}
		box.Add(kit.WrapLabel(lang.L("pairing.since", map[string]any{"Mode": kit.Code("pairing_mode", e.Mode),
			"Volunteers": strings.Join(names, lang.L("list.separator")), "Date": p.startedOn()})))
		b := widget.NewButtonWithIcon(lang.L("pairing.end"), theme.CancelIcon(), p.openEnd)
		box.Add(container.NewHBox(b))
	} else {
		box.Add(widget.NewLabel(lang.L("pairing.none")))
		if p.advice != "" {
			box.Add(hint(lang.L("pairing.advice", map[string]any{"Mode": kit.Code("pairing_mode", p.advice)})))
		}
		b := widget.NewButtonWithIcon(lang.L("pairing.create"), theme.ContentAddIcon(), p.openCreate)
		b.Importance = widget.HighImportance
		box.Add(container.NewHBox(b))
	}
	return p, kit.Section("pairing.section", box)
}

// startedOn is the running pairing's start date.
func (p *pairingPanel) startedOn() string {
	var on string
	if err := p.x.Store.DB().QueryRowContext(p.x.Ctx(), `SELECT coalesce(started_on,'') FROM volunteer_pairings WHERE id = ?`,
		p.e.PairingID).Scan(&on); err != nil {
		fyne.LogError("read pairing", err)
	}
	return on
}

// openCreate asks for the mode and the volunteers of a new pairing.
func (p *pairingPanel) openCreate() {
	p.x.Touch()
	vols, err := model.Volunteers(p.x.Ctx(), p.x.FormsEnv(), p.e.CommunityID)
	if err != nil {
		p.x.ShowError("error.read", err)
		return
	}
	p.vols, p.picked = vols, nil
	p.mode = widget.NewSelect(kit.CodeOptions("pairing_mode"), nil)
	p.mode.PlaceHolder = lang.L("forms.choose")
	if p.advice != "" {
		p.mode.SetSelected(kit.Code("pairing_mode", p.advice))
	}
	names := make([]string, len(vols))
	for i, v := range vols {
		names[i] = v.Name
	}
	checks := widget.NewCheckGroup(names, func(sel []string) {
		p.picked = nil
		for i, v := range vols {
			if slices.Contains(sel, names[i]) {
				p.picked = append(p.picked, v.ID)
			}
		}
	})
	p.msg = widget.NewLabel("")
	p.msg.Importance = widget.DangerImportance
	p.msg.Wrapping = fyne.TextWrapWord
	p.msg.Hide()
	// The volunteers fill the dialog's height, scrolling when many.
	form := container.NewBorder(container.NewVBox(kit.Heading(lang.L("pairing.mode")), p.mode,
		kit.Heading(lang.L("pairing.volunteers"))), p.msg, nil, nil, container.NewVScroll(checks))
	var d dialog.Dialog
	p.confirm = func() {
		err := model.CreatePairing(p.x.Ctx(), p.x.FormsEnv(), p.x.Me.Role, model.NewPairing{ID: newRecordID(),
			ElderID: p.e.ID, Mode: kit.CodeValue("pairing_mode", p.mode.Selected), VolunteerIDs: p.picked,
			StartedOn: p.x.Store.Date()})
		if p.settle(err) {
			d.Hide()
		}
	}
	d = p.dialog(lang.L("pairing.create"), form, true)
}

// openEnd asks why the running pairing ends.
func (p *pairingPanel) openEnd() {
	p.x.Touch()
	p.reason = widget.NewSelect(nil, nil)
	p.reason.PlaceHolder = lang.L("forms.choose")
	for _, r := range model.PairingEndReasons {
		p.reason.Options = append(p.reason.Options, kit.Code("pairing_end", r))
	}
	p.note = widget.NewMultiLineEntry()
	p.msg = widget.NewLabel("")
	p.msg.Importance = widget.DangerImportance
	p.msg.Hide()
	form := container.NewVBox(kit.Heading(lang.L("pairing.reason")), p.reason,
		kit.Heading(lang.L("pairing.note")), p.note, p.msg)
	var d dialog.Dialog
	p.confirm = func() {
		reason := ""
		if i := p.reason.SelectedIndex(); i >= 0 {
			reason = model.PairingEndReasons[i]
		}
		err := model.EndPairing(p.x.Ctx(), p.x.FormsEnv(), p.x.Me.Role, p.e.PairingID, p.x.Store.Date(), reason, p.note.Text)
		if p.settle(err) {
			d.Hide()
		}
	}
	d = p.dialog(lang.L("pairing.end"), form, false)
}

// dialog shows form with a confirm button running p.confirm; a form with
// a list is given three quarters of the window's height.
func (p *pairingPanel) dialog(title string, form fyne.CanvasObject, list bool) dialog.Dialog {
	ok := widget.NewButtonWithIcon(lang.L("action.save"), theme.ConfirmIcon(), func() { p.confirm() })
	ok.Importance = widget.HighImportance
	var d dialog.Dialog
	cancel := widget.NewButton(lang.L("Cancel"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(title, container.NewBorder(nil, container.NewHBox(cancel, ok), nil, nil, form), p.x.Win)
	size := fyne.NewSize(520, 480)
	if list { // the volunteers keep rows in sight at the largest text size
		win := p.x.Win.Canvas().Size()
		size = fyne.NewSize(min(600, win.Width*0.9), max(480, win.Height*0.75))
	}
	d.Resize(size)
	d.Show()
	return d
}

// settle shows a refusal in the dialog, or reloads the screen after a
// write; it reports whether the dialog may close.
func (p *pairingPanel) settle(err error) bool {
	if is, ok := model.AsIssues(err); ok {
		msgs := make([]string, len(is))
		for i, x := range is {
			msgs[i] = x.Text(kit.CurrentLanguage(), func(key string, args map[string]any) string {
				if args == nil {
					return lang.L(key)
				}
				return lang.L(key, args)
			})
		}
		p.msg.SetText(strings.Join(msgs, "\n"))
		p.msg.Show()
		return false
	}
	if errors.Is(err, model.ErrNotAllowed) {
		p.msg.SetText(lang.L(model.MsgPairingRole))
		p.msg.Show()
		return false
	}
	if err != nil {
		p.x.ShowError("forms.save_failed", err)
		return false
	}
	p.x.DataChanged()
	p.done()
	return true
}
