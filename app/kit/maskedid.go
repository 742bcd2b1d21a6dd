package kit

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/records"
)

// MaskedID shows an ID number masked (first six and last four
// characters) with a button that reveals it. The reveal happens only
// after reveal — which records the audit event — succeeds; on an error the
// number stays masked and the error is shown.
type MaskedID struct {
	// Label shows the number, masked until revealed.
	Label *widget.Label
	// Show is the reveal button, hidden once the number is shown.
	Show *widget.Button
	id   string
	box  *fyne.Container
}

// NewMaskedID returns id masked; reveal runs on a tap before it is shown.
func NewMaskedID(x *Env, id string, reveal func() error) *MaskedID {
	m := &MaskedID{id: id, Label: widget.NewLabel(records.MaskID(id))}
	m.Show = widget.NewButtonWithIcon(lang.L("id.reveal"), theme.VisibilityIcon(), func() {
		x.Touch()
		if err := reveal(); err != nil {
			x.ShowError("id.reveal_failed", err)
			return
		}
		m.Label.SetText(m.id)
		m.Show.Hide()
	})
	m.Show.Importance = widget.LowImportance
	if id == "" {
		m.Label.SetText("—")
		m.Show.Hide()
	}
	m.box = container.NewHBox(m.Label, m.Show)
	return m
}

// Content is the label and its button.
func (m *MaskedID) Content() fyne.CanvasObject { return m.box }

// Revealed reports whether the full number is shown.
func (m *MaskedID) Revealed() bool { return m.id != "" && m.Label.Text == m.id }
