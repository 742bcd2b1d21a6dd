package kit

import (
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/mobile"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/records"
)

// NumericEntry is a one-line entry that asks a touch device for its number
// keyboard (mobile.NumberKeyboard) instead of the full one: for money,
// areas, counts, PINs, phone and ID numbers. On a desktop it is an Entry.
type NumericEntry struct {
	widget.Entry
}

var _ mobile.Keyboardable = (*NumericEntry)(nil)

// NewNumericEntry returns an empty numeric entry.
func NewNumericEntry() *NumericEntry {
	e := &NumericEntry{}
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip) // as widget.NewEntry
	e.ExtendBaseWidget(e)
	return e
}

// NewNumericPasswordEntry returns a numeric entry whose text is hidden,
// with a button to show it: for PINs.
func NewNumericPasswordEntry() *NumericEntry {
	e := NewNumericEntry()
	e.Password = true
	return e
}

// Keyboard asks for the number keyboard.
func (e *NumericEntry) Keyboard() mobile.KeyboardType { return mobile.NumberKeyboard }

// NewIDEntry returns a numeric entry for a resident ID number: the number
// keyboard has no X, the check character of one ID number in eleven, so an
// "X" button beside the text adds it.
func NewIDEntry() *NumericEntry {
	e := NewNumericEntry()
	x := widget.NewButton("X", nil)
	x.Importance = widget.LowImportance
	x.OnTapped = func() {
		if !e.Disabled() {
			e.SetText(e.Text + "X")
		}
	}
	e.ActionItem = container.New(minWidth{MinTarget}, x)
	return e
}

// WithCalendar gives a date entry (text 2006-01-02) a calendar button
// beside it that opens a month to pick the day from; now is the month
// shown when the entry holds no date. Call it before the entry is shown
// (the button is part of its renderer).
func WithCalendar(e *widget.Entry, now func() time.Time) *widget.Entry {
	e.ActionItem = widget.NewButtonWithIcon("", theme.CalendarIcon(), func() {
		c := fyne.CurrentApp().Driver().CanvasForObject(e)
		if c == nil {
			return
		}
		start := now()
		if t, err := time.Parse(records.DateLayout, e.Text); err == nil {
			start = t
		}
		var pop *widget.PopUp
		cal := widget.NewCalendar(start, func(t time.Time) {
			e.SetText(t.Format(records.DateLayout))
			pop.Hide()
		})
		pop = widget.NewPopUp(cal, c) // a tap beside it closes it unchanged
		pop.ShowAtRelativePosition(fyne.NewPos(0, e.Size().Height), e)
	})
	if e.PlaceHolder == "" {
		e.SetPlaceHolder(lang.L("forms.date_placeholder"))
	}
	return e
}

// minWidth is a layout that makes its objects at least w wide (a small
// button's tappable area).
type minWidth struct{ w float32 }

// Layout gives every object the whole space.
func (m minWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

// MinSize is the objects' largest minimum, at least w wide.
func (m minWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(m.w, 0)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

// FitHint returns e in a box at least as wide as e needs to show its whole
// placeholder beside its action button: a layout that wraps (NewGrid,
// NewTrailing, NewFlow) then gives the entry a row of its own on a narrow
// screen or at a large text size instead of cutting its hint ("起始日期
// 年-…").
func FitHint(e *widget.Entry) *fyne.Container {
	return container.New(hintWidth{e}, e)
}

// hintWidth is FitHint's layout.
type hintWidth struct{ e *widget.Entry }

// Layout gives the entry the whole space.
func (h hintWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

// MinSize is the entry's, at least as wide as its placeholder, its
// padding and what the entry draws beside its text.
func (h hintWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := h.e.MinSize()
	w := fyne.MeasureText(h.e.PlaceHolder, theme.TextSize(), h.e.TextStyle).Width + 2*theme.InnerPadding()
	if h.e.ActionItem != nil {
		w += h.e.ActionItem.MinSize().Width
	}
	icon := theme.Size(theme.SizeNameInlineIcon) + theme.Size(theme.SizeNameLineSpacing)
	if h.e.Validator != nil {
		w += icon
		if h.e.ActionItem == nil {
			w += theme.InnerPadding()
		}
	}
	if h.e.Icon != nil {
		w += icon
	}
	s.Width = fyne.Max(s.Width, float32(math.Ceil(float64(w))))
	return s
}
