package supervisor

import (
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/kit"
)

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
