package supervisor

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk/medical"
	"doorstep/app/kit"
)

// The register's corrections: 更正 on a grant loads it into the form,
// where the supervisor fixes what was typed wrong and says why (保存更正),
// or withdraws a grant recorded in error (撤销), with a reason either way.
// Both are audit events (medical.Correct, medical.Withdraw).

// correction builds the reason field and the correction buttons, hidden
// until a grant is being corrected.
func (s *medicalScreen) correction() {
	// Two wrapping lines: a reason is a sentence, and its hint is not cut
	// in the narrow form beside the register.
	s.reason = widget.NewMultiLineEntry()
	s.reason.Wrapping = fyne.TextWrapWord
	s.reason.SetMinRowsVisible(2)
	s.reason.SetPlaceHolder(lang.L("desk.medical.reason_hint"))
	s.reasonItem = widget.NewFormItem(lang.L("desk.medical.reason"), s.reason)
	save := widget.NewButton(lang.L("desk.medical.save_correction"), s.saveCorrect)
	save.Importance = widget.HighImportance
	withdraw := widget.NewButton(lang.L("desk.medical.withdraw"), s.withdraw)
	withdraw.Importance = widget.DangerImportance
	cancel := widget.NewButton(lang.L("desk.medical.cancel_correction"), s.endCorrect)
	s.correctBar = kit.NewFlow(save, withdraw, cancel)
	s.correctBar.Hide()
}

// startCorrect loads grant c into the form for correction.
func (s *medicalScreen) startCorrect(c medical.Case) {
	s.editing = c.ID
	s.person.SetText(c.Person)
	s.idNumber.SetText(c.IDNumber)
	for i, p := range s.comms {
		if p.ID == c.CommunityID {
			s.community.SetSelectedIndex(i)
		}
	}
	s.category.set(c.Category)
	s.cause.set(c.Cause)
	s.hospital.SetText(c.Hospital)
	s.cost.SetText(yuanText(c.MedicalCostFen))
	s.amount.SetText(yuanText(c.AmountFen))
	s.granted.SetText(c.GrantedOn.Format("2006-01-02"))
	s.note.SetText(c.Note)
	s.reason.SetText("")
	if len(s.form.Items) == 0 || s.form.Items[len(s.form.Items)-1] != s.reasonItem {
		s.form.AppendItem(s.reasonItem)
	}
	s.card.SetTitle(lang.L("desk.medical.correcting", map[string]any{"Person": c.Person}))
	s.msg.Hide()
	s.add.Hide()
	s.correctBar.Show()
}

// endCorrect leaves correction and empties the form for a new grant.
func (s *medicalScreen) endCorrect() {
	s.editing = ""
	if n := len(s.form.Items); n > 0 && s.form.Items[n-1] == s.reasonItem {
		s.form.Items = s.form.Items[:n-1]
		s.form.Refresh()
	}
	s.card.SetTitle(lang.L("desk.medical.new"))
	s.clearForm()
	s.msg.Hide()
	s.correctBar.Hide()
	s.add.Show()
}

// saveCorrect stores the corrected grant with the reason.
func (s *medicalScreen) saveCorrect() {
	c, msg := s.input()
	if msg != "" {
		s.msg.SetText(msg)
		s.msg.Show()
		return
	}
	c.ID = s.editing
	if _, err := medical.Correct(s.x.Ctx(), office(s.x), c, s.reason.Text); err != nil {
		deskError(s.x, "desk.err.save", err, s.msg)
		return
	}
	s.done()
}

// withdraw removes the grant being corrected from the register.
func (s *medicalScreen) withdraw() {
	if err := medical.Withdraw(s.x.Ctx(), office(s.x), s.editing, s.reason.Text); err != nil {
		deskError(s.x, "desk.err.save", err, s.msg)
		return
	}
	s.done()
}

// done ends a stored correction or withdrawal.
func (s *medicalScreen) done() {
	s.x.DataChanged()
	s.endCorrect()
	s.load()
}

// yuanText shows a non-negative amount in fen as yuan for an entry
// ("" for none).
func yuanText(fen int64) string {
	if fen == 0 {
		return ""
	}
	return fmt.Sprintf("%d.%02d", fen/100, fen%100)
}
