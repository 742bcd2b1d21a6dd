package kit

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
)

// FormNav is a long form's navigation: an index of its sections with how
// far each is filled in (a tap scrolls to the section), required fields
// marked with an asterisk from the start, and after a refused submit the
// list of problems, each of which scrolls to its field and focuses it.
// The outline and the required fields come from the form's model
// (app/forms); FormNav only draws them.
type FormNav struct {
	k        *FormKit
	outline  model.Outline
	required func() []string

	scroll   *container.Scroll
	cards    map[string]*widget.Card // section key → card
	index    *fyne.Container
	btns     []*widget.Button
	problems *fyne.Container
	form     *fyne.Container // the index and problems over the sections
	probBox  *fyne.Container
	probHead *widget.Label
	// base holds each field label's text without the required mark.
	base map[*widget.Label]string
	// Focused is the field the last jump went to.
	Focused string
	// timer follows the sections (TimeSections; nil: untimed).
	timer *SectionTimer
}

// NewFormNav returns the navigation of k's form laid out as outline;
// required lists the fields a submission must answer (it is asked again
// after every change). The nav refreshes after k's OnChange, so set that
// first.
func NewFormNav(k *FormKit, outline model.Outline, required func() []string) *FormNav {
	n := &FormNav{k: k, outline: outline, required: required, cards: map[string]*widget.Card{},
		base: map[*widget.Label]string{}}
	prev := k.OnChange
	k.OnChange = func() {
		if prev != nil {
			prev()
		}
		n.Refresh()
	}
	return n
}

// Section is FormSection for a section of the outline: the index jumps to
// it.
func (n *FormNav) Section(titleKey string, objs ...fyne.CanvasObject) *widget.Card {
	return n.Card(titleKey, FormSection(titleKey, objs...))
}

// Card registers a section card built elsewhere under titleKey.
func (n *FormNav) Card(titleKey string, c *widget.Card) *widget.Card {
	n.cards[titleKey] = c
	return c
}

// Form lays out the form: the index and the problem list above the
// scrolling sections, taking at most HeaderShare of the height. Register the sections (Section, Card) before.
func (n *FormNav) Form(objs ...fyne.CanvasObject) fyne.CanvasObject {
	n.scroll = container.NewVScroll(container.NewPadded(container.NewVBox(objs...)))
	var btns []fyne.CanvasObject
	for _, s := range n.outline {
		if n.cards[s.Key] == nil {
			n.btns = append(n.btns, nil)
			continue
		}
		key := s.Key
		b := widget.NewButton(lang.L(key), func() { n.JumpToSection(key) })
		b.Importance = widget.LowImportance
		n.btns = append(n.btns, b)
		btns = append(btns, b)
	}
	legend := widget.NewLabel(lang.L("forms.nav.required_legend"))
	legend.Importance = widget.LowImportance
	btns = append(btns, legend)
	n.index = container.New(&FlowGrid{MinCell: 120, Width: &n.k.width, Inset: 24}, btns...)
	n.probHead = widget.NewLabel("")
	n.probHead.TextStyle.Bold = true
	n.probHead.Importance = widget.DangerImportance
	n.probBox = container.NewVBox()
	probScroll := container.NewVScroll(n.probBox)
	probScroll.SetMinSize(fyne.NewSize(0, 150))
	closeBtn := widget.NewButtonWithIcon("", theme.CancelIcon(), func() { n.setProblemsShown(false) })
	n.problems = container.NewBorder(container.NewBorder(nil, nil, widget.NewIcon(theme.ErrorIcon()), closeBtn, n.probHead),
		nil, nil, nil, probScroll)
	n.problems.Hide()
	n.form = NewHeaderOver(container.NewVBox(n.index, n.problems), n.scroll)
	return n.form
}

// setProblemsShown shows or hides the problem list and lays the form out
// again: the header above the sections changes height.
func (n *FormNav) setProblemsShown(show bool) {
	if show == n.problems.Visible() {
		return
	}
	if show {
		n.problems.Show()
	} else {
		n.problems.Hide()
	}
	if n.form != nil {
		n.form.Refresh()
	}
}

// Refresh redraws the index's progress, the required marks and, while it
// is shown, the problem list.
func (n *FormNav) Refresh() {
	if n.scroll == nil {
		return
	}
	req := n.required()
	is := n.k.Validate()
	for i, p := range n.outline.Progress(req, is) {
		b := n.btns[i]
		if b == nil {
			continue
		}
		text := lang.L(p.Key)
		if p.Required > 0 {
			text = lang.L("forms.nav.section", map[string]any{"Title": text, "Done": p.Done, "Required": p.Required})
		}
		var icon fyne.Resource
		switch {
		case p.Complete() && p.Required > 0:
			icon = theme.ConfirmIcon()
		case p.Problems > 0 && n.k.Attempted:
			icon = theme.ErrorIcon()
		}
		if b.Text != text || b.Icon != icon {
			b.Text, b.Icon = text, icon
			b.Refresh()
		}
	}
	marked := map[*widget.Label]bool{}
	for _, f := range req {
		if l, _, _ := n.locate(f); l != nil {
			marked[l] = true
		}
	}
	walkObjects(n.scroll.Content, func(o fyne.CanvasObject) {
		c, ok := o.(*fyne.Container)
		if !ok {
			return
		}
		if _, tight := c.Layout.(*TightVBox); !tight || len(c.Objects) < 2 {
			return
		}
		l, ok := c.Objects[0].(*widget.Label)
		if !ok {
			return
		}
		base, seen := n.base[l]
		if !seen {
			base = strings.TrimSuffix(l.Text, " *")
			n.base[l] = base
		}
		want := base
		if marked[l] {
			want += " *"
		}
		if l.Text != want {
			l.SetText(want)
		}
	})
	if n.problems.Visible() {
		n.showProblems(is)
	}
}

// showProblems lists is (as shown under the fields: missing answers only
// once the user tried to submit), each a button jumping to its field.
func (n *FormNav) showProblems(is model.Issues) {
	var shown model.Issues
	for _, i := range n.outline.Problems(is) {
		if !i.Incomplete || n.k.Attempted {
			shown = append(shown, i)
		}
	}
	n.probBox.Objects = nil
	if len(shown) == 0 {
		n.setProblemsShown(false)
		return
	}
	n.probHead.SetText(lang.L("forms.nav.problems", map[string]any{"Count": len(shown)}))
	for _, i := range shown {
		field := i.Field
		b := widget.NewButton(n.FieldName(field)+" — "+issueText(i), func() { n.JumpTo(field) })
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		n.probBox.Add(b)
	}
	n.probBox.Refresh()
	n.setProblemsShown(true)
}

// Problems returns the problem list's buttons in order (for tests and
// the screenshot tool).
func (n *FormNav) Problems() []*widget.Button {
	if !n.problems.Visible() {
		return nil
	}
	out := make([]*widget.Button, 0, len(n.probBox.Objects))
	for _, o := range n.probBox.Objects {
		out = append(out, o.(*widget.Button))
	}
	return out
}

// FieldName names field for the problem list: its section and its label.
func (n *FormNav) FieldName(field string) string {
	name := ""
	if i := n.outline.SectionOf(field); i >= 0 {
		name = lang.L(n.outline[i].Key)
	}
	if l, _, _ := n.locate(field); l != nil {
		label := n.base[l]
		if label == "" {
			label = strings.TrimSuffix(l.Text, " *")
		}
		if name == "" {
			return label
		}
		return name + " · " + label
	}
	return name
}

// locate finds field's label, input and the object to scroll to (the
// label-input-message stack, else the message label alone).
func (n *FormNav) locate(field string) (*widget.Label, fyne.CanvasObject, fyne.CanvasObject) {
	msg, ok := n.k.Errs[field]
	if !ok || n.scroll == nil {
		return nil, nil, nil
	}
	var label *widget.Label
	var input, anchor fyne.CanvasObject
	walkObjects(n.scroll.Content, func(o fyne.CanvasObject) {
		c, ok := o.(*fyne.Container)
		if !ok || anchor != nil {
			return
		}
		if _, tight := c.Layout.(*TightVBox); !tight {
			return
		}
		for i, child := range c.Objects {
			if child == msg && i >= 2 {
				label, _ = c.Objects[0].(*widget.Label)
				input, anchor = c.Objects[1], c
			}
		}
	})
	if anchor == nil && n.inForm(msg) {
		anchor = msg
	}
	return label, input, anchor
}

// inForm reports whether o is under the form.
func (n *FormNav) inForm(o fyne.CanvasObject) bool {
	_, ok := offsetIn(n.scroll.Content, o)
	return ok
}

// JumpTo scrolls to field and focuses its input (the first focusable
// object of it); a field not on the form scrolls to its section.
func (n *FormNav) JumpTo(field string) {
	_, input, anchor := n.locate(field)
	if anchor == nil {
		if i := n.outline.SectionOf(field); i >= 0 {
			n.JumpToSection(n.outline[i].Key)
		}
		return
	}
	n.scrollTo(anchor)
	n.Focused = field
	if i := n.outline.SectionOf(field); i >= 0 {
		n.timer.Enter(n.outline[i].Key)
	}
	if input == nil {
		return
	}
	var target fyne.Focusable
	walkObjects(input, func(o fyne.CanvasObject) {
		if target != nil {
			return
		}
		if f, ok := o.(fyne.Focusable); ok {
			if d, ok := o.(fyne.Disableable); ok && d.Disabled() {
				return
			}
			target = f
		}
	})
	if target != nil {
		n.k.x.Win.Canvas().Focus(target)
	}
}

// JumpToSection scrolls to the section titled key.
func (n *FormNav) JumpToSection(key string) {
	if c := n.cards[key]; c != nil {
		n.scrollTo(c)
		n.timer.Enter(key)
	}
}

// scrollTo scrolls the form so that o is at its top.
func (n *FormNav) scrollTo(o fyne.CanvasObject) {
	pos, ok := offsetIn(n.scroll.Content, o)
	if !ok {
		return
	}
	maxY := fyne.Max(0, n.scroll.Content.Size().Height-n.scroll.Size().Height)
	n.scroll.Offset = fyne.NewPos(0, fyne.Min(fyne.Max(0, pos.Y-theme.Padding()), maxY))
	n.scroll.Refresh()
}

// offsetIn returns o's position within root, if o is under it.
func offsetIn(root, o fyne.CanvasObject) (fyne.Position, bool) {
	if root == o {
		return fyne.Position{}, true
	}
	var kids []fyne.CanvasObject
	switch c := root.(type) {
	case *fyne.Container:
		kids = c.Objects
	case *widget.Card:
		kids = []fyne.CanvasObject{c.Content}
	case *container.Scroll:
		kids = []fyne.CanvasObject{c.Content}
	}
	for _, k := range kids {
		if k == nil {
			continue
		}
		if p, ok := offsetIn(k, o); ok {
			return k.Position().Add(p), true
		}
	}
	return fyne.Position{}, false
}

// Save is FormKit.Save with the problem list in place of a message box:
// a refused save lists its problems above the form.
func (n *FormNav) Save(submit bool, write func() error, onIssues func(), submitted func() string) {
	k := n.k
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
		n.showProblems(is)
		n.Refresh()
		k.Status.SetText(lang.L("forms.fix_problems", map[string]any{"Count": max(len(n.Problems()), 1)}))
		k.Status.Importance = widget.DangerImportance
		k.Status.Refresh()
		return
	}
	if err != nil {
		k.afterFailedSave()
		k.x.ShowError("forms.save_failed", err)
		return
	}
	n.setProblemsShown(false)
	k.x.DataChanged()
	if submit {
		k.x.Back()
		dialog.ShowInformation(lang.L("forms.submitted"), submitted(), k.x.Win)
		return
	}
	k.saver.Resume()
	k.Status.SetText(lang.L("forms.saved_as_draft"))
	k.Status.Importance = widget.LowImportance
	k.Status.Refresh()
}
