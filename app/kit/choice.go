package kit

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
)

// Choice is a row of large toggle buttons of which at most one is chosen:
// the chosen one is drawn filled; an answer that signals a problem (e.g.
// "no" to "household found") carries a warning icon and, when chosen, is
// drawn in the danger colour. It replaces small radio circles for short
// questions answered at a doorway.
type Choice struct {
	// Buttons are the options' buttons in order.
	Buttons []*widget.Button
	values  []string
	problem string
	get     func() *string
	box     *fyne.Container
}

// Content is the row of buttons.
func (c *Choice) Content() fyne.CanvasObject { return c.box }

// Value is the chosen value, "" when none.
func (c *Choice) Value() string { return *c.get() }

// Tap chooses value as a tap on its button does.
func (c *Choice) Tap(value string) {
	for i, v := range c.values {
		if v == value {
			c.Buttons[i].OnTapped()
		}
	}
}

// restyle draws the chosen button filled.
func (c *Choice) restyle() {
	cur := *c.get()
	for i, b := range c.Buttons {
		imp := widget.MediumImportance
		if c.values[i] == cur {
			imp = widget.HighImportance
			if cur == c.problem {
				imp = widget.DangerImportance
			}
		}
		if b.Importance != imp {
			b.Importance = imp
			b.Refresh()
		}
	}
}

// NewChoice is a choice among values shown as labels, bound to *get();
// problem is the value that signals a problem ("" for none); onChange runs
// after a tap.
func NewChoice(values, labels []string, problem string, get func() *string, onChange func()) *Choice {
	c := &Choice{values: values, problem: problem, get: get}
	objs := make([]fyne.CanvasObject, len(values))
	for i, v := range values {
		var b *widget.Button
		if v == problem {
			b = widget.NewButtonWithIcon(labels[i], theme.WarningIcon(), nil)
		} else {
			b = widget.NewButton(labels[i], nil)
		}
		b.OnTapped = func() {
			*c.get() = v
			c.restyle()
			if onChange != nil {
				onChange()
			}
		}
		c.Buttons = append(c.Buttons, b)
		objs[i] = b
	}
	c.box = container.NewGridWithColumns(len(values), objs...)
	c.restyle()
	return c
}

// YesNoToggle is a yes/no question as two large toggles bound to *get()
// (model.Yes, model.No, ""); problem is the answer that signals a problem
// (model.Yes, model.No or "").
func (k *FormKit) YesNoToggle(get func() *string, problem string) *Choice {
	return NewChoice([]string{model.Yes, model.No}, []string{lang.L("common.yes"), lang.L("common.no")},
		problem, get, k.Changed)
}

// CodeToggle is a short code list as large toggles bound to *get().
func (k *FormKit) CodeToggle(list string, get func() *string) *Choice {
	values := CodeLists[list]
	labels := make([]string, len(values))
	for i, v := range values {
		labels[i] = Code(list, v)
	}
	return NewChoice(values, labels, "", get, k.Changed)
}
