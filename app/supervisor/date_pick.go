package supervisor

import (
	"doorstep/app/kit"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk"
)

// datePicker is a date entry (2025-07-10, as dateField) with a calendar
// button; the calendar opens on the typed date, else on today.
func datePicker(x *kit.Env, value time.Time) *widget.Entry {
	e := dateField(value)
	e.ActionItem = widget.NewButtonWithIcon("", theme.CalendarIcon(), func() {
		start := office(x).Today()
		if t, ok := parseDateField(e); ok && !t.IsZero() {
			start = t
		}
		var pop *widget.PopUp
		cal := widget.NewCalendar(start, func(t time.Time) {
			e.SetText(t.Format(desk.DateLayout))
			pop.Hide()
		})
		pop = widget.NewPopUp(cal, x.Win.Canvas())
		pop.ShowAtRelativePosition(fyne.NewPos(0, e.MinSize().Height), e)
	})
	return e
}

// codeChoice is a select over a list of stored codes shown translated
// (kit.Code(list, value)); value reads the chosen code back.
// Put its Select on screen, not the codeChoice: the Select refreshes its
// own renderer only, so a codeChoice drawn itself would keep showing the
// placeholder after set.
type codeChoice struct {
	*widget.Select
	values []string
}

// newCodeChoice builds the select of list's values.
func newCodeChoice(list string, values []string, changed func(string)) *codeChoice {
	opts := make([]string, len(values))
	for i, v := range values {
		opts[i] = kit.Code(list, v)
	}
	c := &codeChoice{values: values}
	c.Select = widget.NewSelect(opts, func(string) {
		if changed != nil {
			changed(c.value())
		}
	})
	c.PlaceHolder = lang.L("desk.choose")
	return c
}

// value returns the chosen code, "" when none.
func (c *codeChoice) value() string {
	if i := c.SelectedIndex(); i >= 0 && i < len(c.values) {
		return c.values[i]
	}
	return ""
}

// set chooses code v.
func (c *codeChoice) set(v string) {
	for i, w := range c.values {
		if w == v {
			c.SetSelectedIndex(i)
			return
		}
	}
	c.ClearSelected()
}
