package kit

import (
	"slices"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
	"doorstep/app/records"
)

// FormKit is what every form screen shares: the draft autosave, the
// validation messages shown under their fields, and widget constructors
// bound to the form model. A screen builds its widgets with the kit while
// kit.building is true (so filling in stored values saves nothing), then
// every change a user makes calls kit.changed: the model is serialised
// into the draft (debounced), the messages are refreshed and the screen's
// own onChange runs (e.g. the live panel).
type FormKit struct {
	x        *Env
	kind     string
	recordID string
	// Subject is the household or elder the form is about.
	Subject string

	// serialise returns the form's JSON (the draft) and its title for lists.
	serialise func() ([]byte, string)
	// Validate returns the model's problems as for submission; the kit
	// hides "incomplete" ones until the user has tried to save.
	Validate func() model.Issues
	// OnChange runs after every change (on the main goroutine).
	OnChange func()

	saver *model.Autosaver
	// timer counts the time per section (TimeSections; nil: untimed).
	timer *SectionTimer
	mu    sync.Mutex // guards title for the autosave goroutine
	title string
	// Building is true while the screen builds its fields: changes then
	// are not the user's (Done ends it).
	Building bool
	// Attempted is set once the user tried to submit: from then on the
	// "incomplete" messages show too.
	Attempted bool
	// ReadOnly is set for a submitted record: its fields are frozen.
	ReadOnly bool
	// Errs are the message labels under the fields, by field name.
	Errs map[string]*widget.Label
	// notes are a returned record's review comments by field name, shown
	// under their fields (where no validation message is due).
	notes map[string]string
	// Status is the line beside the action bar (saved as draft, …).
	Status *widget.Label
	// width is the form's width, set by formPage before each layout, from
	// which every grid of the form chooses its number of columns.
	width float32
}

// NewFormKit returns a kit for the form kind editing recordID about
// subject (a household or elder id).
func NewFormKit(x *Env, kind, recordID, subject string) *FormKit {
	k := &FormKit{x: x, kind: kind, recordID: recordID, Subject: subject, Building: true,
		Errs: map[string]*widget.Label{}}
	k.Status = widget.NewLabel("")
	k.Status.Importance = widget.LowImportance
	k.Status.Truncation = fyne.TextTruncateEllipsis
	k.saver = model.NewAutosaver(0, k.writeDraft)
	k.saver.OnSaved = func(err error) {
		at := x.Now().Local().Format("15:04:05")
		fyne.Do(func() {
			if err != nil {
				fyne.LogError("save draft", err)
				k.Status.SetText(lang.L("forms.draft_failed"))
				k.Status.Importance = widget.DangerImportance
			} else {
				k.Status.SetText(lang.L("forms.draft_saved_at", map[string]any{"Time": at}))
				k.Status.Importance = widget.LowImportance
			}
			k.Status.Refresh()
		})
	}
	return k
}

// writeDraft stores the draft; it runs on the autosave goroutine or in
// Flush's caller.
func (k *FormKit) writeDraft(data []byte) error {
	k.mu.Lock()
	title := k.title
	k.mu.Unlock()
	return k.x.Store.SaveDraft(k.x.Ctx(), records.Draft{Form: k.kind, RecordID: k.recordID,
		SubjectID: k.Subject, Title: title, Data: data})
}

// Done ends the building phase: from now on changes are the user's.
func (k *FormKit) Done() {
	k.Building = false
	k.RefreshIssues()
}

// Changed records a change the user made.
func (k *FormKit) Changed() {
	if k.Building || k.ReadOnly {
		return
	}
	k.x.Touch()
	k.timer.Tick()
	data, title := k.serialise()
	k.mu.Lock()
	k.title = title
	k.mu.Unlock()
	k.saver.Changed(data)
	k.RefreshIssues()
	if k.OnChange != nil {
		k.OnChange()
	}
}

// Leave writes a pending draft at once: the screen is no longer shown or
// the app is stopping.
func (k *FormKit) Leave() {
	k.timer.Stop()
	if err := k.saver.Flush(); err != nil {
		fyne.LogError("flush draft", err)
	}
}

// beforeSave stops autosaving while a save deletes the draft.
func (k *FormKit) beforeSave() {
	k.saver.Discard()
	k.timer.Tick()
	k.timer.Flush()
}

// afterFailedSave saves the draft again: the record was not written.
func (k *FormKit) afterFailedSave() {
	k.saver.Resume()
	data, _ := k.serialise()
	k.saver.Changed(data)
}

// ErrLabel returns the message label of field, shown under it when the
// field has a problem.
func (k *FormKit) ErrLabel(field string) *widget.Label {
	if l, ok := k.Errs[field]; ok {
		return l
	}
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	k.Errs[field] = l
	return l
}

// Forget drops the message labels of fields with prefix (rows removed).
func (k *FormKit) Forget(prefix string) {
	for f := range k.Errs {
		if strings.HasPrefix(f, prefix) {
			delete(k.Errs, f)
		}
	}
}

// RefreshIssues validates the model and shows each message under its
// field; missing answers only once the user tried to save.
func (k *FormKit) RefreshIssues() {
	if k.Validate == nil {
		return
	}
	k.showIssues(k.Validate())
}

func (k *FormKit) showIssues(is model.Issues) {
	byField := map[string][]string{}
	for _, i := range is {
		if i.Incomplete && !k.Attempted {
			continue
		}
		byField[i.Field] = append(byField[i.Field], issueText(i))
	}
	for f, l := range k.Errs {
		msgs := byField[f]
		imp := widget.DangerImportance
		if len(msgs) == 0 && k.notes[f] != "" {
			msgs = []string{lang.L("forms.review_note", map[string]any{"Comment": k.notes[f]})}
			imp = widget.WarningImportance
		}
		text := strings.Join(msgs, "\n")
		if l.Text != text || l.Importance != imp {
			l.Importance = imp
			l.SetText(text)
		}
		if len(msgs) > 0 {
			l.Show()
		} else {
			l.Hide()
		}
	}
}

// Returned shows a returned record's field comments under their fields.
func (k *FormKit) Returned(it *records.TodayItem) {
	if it != nil {
		k.notes = it.FieldComments
	}
}

// shownIssues counts the problems the user can see.
func (k *FormKit) shownIssues() int {
	n := 0
	for _, l := range k.Errs {
		if l.Visible() && l.Importance == widget.DangerImportance {
			n++
		}
	}
	return n
}

// issueText renders a validation problem in the current language.
func issueText(i model.Issue) string {
	return i.Text(CurrentLanguage(), func(key string, args map[string]any) string {
		if args == nil {
			return lang.L(key)
		}
		return lang.L(key, args)
	})
}

// Field lays out one form field: its label, the input, and its message.
func (k *FormKit) Field(labelKey, issueField string, input fyne.CanvasObject) fyne.CanvasObject {
	return k.FieldText(lang.L(labelKey), issueField, input)
}

// FieldText is field with a label text already translated.
func (k *FormKit) FieldText(label, issueField string, input fyne.CanvasObject) fyne.CanvasObject {
	l := widget.NewLabel(label)
	l.TextStyle.Bold = true
	l.Truncation = fyne.TextTruncateEllipsis
	objs := []fyne.CanvasObject{l, input}
	if issueField != "" {
		objs = append(objs, k.ErrLabel(issueField))
	}
	return container.New(&TightVBox{}, objs...)
}

// Entry is a one-line entry bound to *get().
func (k *FormKit) Entry(get func() *string, placeholderKey string) *widget.Entry {
	return k.bind(widget.NewEntry(), get, placeholderKey)
}

// bind fills e with *get() and writes what is typed back; set e's
// ActionItem before, as the renderer is made here.
func (k *FormKit) bind(e *widget.Entry, get func() *string, placeholderKey string) *widget.Entry {
	e.SetText(*get())
	if placeholderKey != "" {
		e.SetPlaceHolder(lang.L(placeholderKey))
	}
	e.OnChanged = func(s string) { *get() = s; k.Changed() }
	return e
}

// Multi is a multi-line entry bound to *get().
func (k *FormKit) Multi(get func() *string, rows int) *widget.Entry {
	e := widget.NewMultiLineEntry()
	e.Wrapping = fyne.TextWrapWord
	e.SetMinRowsVisible(rows)
	e.SetText(*get())
	e.OnChanged = func(s string) { *get() = s; k.Changed() }
	return e
}

// DateEntry is an entry for a date (2006-01-02) with a calendar button.
func (k *FormKit) DateEntry(get func() *string) *widget.Entry {
	e := WithCalendar(widget.NewEntry(), k.x.Now)
	return k.bind(e, get, "forms.date_placeholder")
}

// NumberEntry is a numeric entry (money, areas, counts) bound to *get():
// touch devices show their number keyboard.
func (k *FormKit) NumberEntry(get func() *string, placeholderKey string) *NumericEntry {
	e := NewNumericEntry()
	k.bind(&e.Entry, get, placeholderKey)
	return e
}

// IDEntry is a resident ID number entry bound to *get(): the number
// keyboard and an X button (NewIDEntry).
func (k *FormKit) IDEntry(get func() *string, placeholderKey string) *NumericEntry {
	e := NewIDEntry()
	k.bind(&e.Entry, get, placeholderKey)
	return e
}

// TimeEntry is an entry for a time of day (15:04) with a "now" button.
func (k *FormKit) TimeEntry(get func() *string) *widget.Entry {
	e := widget.NewEntry()
	e.ActionItem = widget.NewButtonWithIcon("", theme.HistoryIcon(), func() {
		e.SetText(k.x.Now().Local().Format(model.TimeLayout))
	})
	return k.bind(e, get, "forms.time_placeholder")
}

// CodeLabel is the translated option of a stored code, "" when none.
func CodeLabel(list, value string) string {
	if value == "" {
		return ""
	}
	return Code(list, value)
}

// SideBySide reports whether radio options fit in one row at every text
// size and in a portrait window: two options, or three of at most four
// characters each (A/B/C, 是/否/不详). Longer lists go one under the other,
// where a horizontal radio group, which does not wrap, would run past the
// screen's edge at a large text size.
func SideBySide(options []string) bool {
	if len(options) <= 2 {
		return true
	}
	if len(options) > 3 {
		return false
	}
	for _, o := range options {
		if len([]rune(o)) > 4 {
			return false
		}
	}
	return true
}

// CodeSelect is a drop-down of a code list bound to *get().
func (k *FormKit) CodeSelect(list string, get func() *string) *widget.Select {
	s := widget.NewSelect(CodeOptions(list), nil)
	s.PlaceHolder = lang.L("forms.choose")
	s.Selected = CodeLabel(list, *get())
	s.OnChanged = func(opt string) { *get() = CodeValue(list, opt); k.Changed() }
	return s
}

// CodeRadio is a radio group of a (short) code list, in a row when its
// options are few and short (SideBySide), else one under the other.
func (k *FormKit) CodeRadio(list string, get func() *string) *widget.RadioGroup {
	r := widget.NewRadioGroup(CodeOptions(list), nil)
	r.Horizontal = SideBySide(r.Options)
	r.Selected = CodeLabel(list, *get())
	r.OnChanged = func(opt string) { *get() = CodeValue(list, opt); k.Changed() }
	return r
}

// OptionalCodeSelect is a drop-down of a code list with a first option
// "none" standing for "" (e.g. no disability).
func (k *FormKit) OptionalCodeSelect(list string, get func() *string) *widget.Select {
	none := lang.L("forms.none")
	s := widget.NewSelect(append([]string{none}, CodeOptions(list)...), nil)
	s.PlaceHolder = none
	s.Selected = CodeLabel(list, *get())
	s.OnChanged = func(opt string) {
		if opt == none {
			opt = ""
		}
		*get() = CodeValue(list, opt)
		k.Changed()
	}
	return s
}

// RadioOf is a radio group of literal options (e.g. the classes A, B, C)
// bound to *get(), in a row when they are few and short (SideBySide).
func (k *FormKit) RadioOf(options []string, get func() *string) *widget.RadioGroup {
	r := widget.NewRadioGroup(options, nil)
	r.Horizontal = SideBySide(options)
	r.Selected = *get()
	r.OnChanged = func(opt string) { *get() = opt; k.Changed() }
	return r
}

// CodeChecks is a grid of check boxes of a code list bound to the list
// *get() (kept in the code list's order).
func (k *FormKit) CodeChecks(list string, get func() *[]string) fyne.CanvasObject {
	return k.Checks(CodeOptions(list), codeLabels(list, *get()), func(opts []string) {
		var vals []string
		for _, o := range opts {
			if v := CodeValue(list, o); v != "" {
				vals = append(vals, v)
			}
		}
		*get() = model.SortCodes(vals, CodeLists[list])
		k.Changed()
	})
}

// codeLabels translates stored codes into their options.
func codeLabels(list string, values []string) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		out = append(out, Code(list, v))
	}
	return out
}

// Checks is a grid of check boxes, one per option, wrapping to the width;
// set receives the ticked options, in option order, after each change.
func (k *FormKit) Checks(options, selected []string, set func(ticked []string)) fyne.CanvasObject {
	boxes := make([]*widget.Check, len(options))
	objs := make([]fyne.CanvasObject, len(options))
	for i, o := range options {
		c := widget.NewCheck(o, nil)
		c.Checked = slices.Contains(selected, o)
		boxes[i], objs[i] = c, c
	}
	for _, c := range boxes {
		c.OnChanged = func(bool) {
			var ticked []string
			for j, b := range boxes {
				if b.Checked {
					ticked = append(ticked, options[j])
				}
			}
			set(ticked)
		}
	}
	return k.Grid(150, objs...)
}

// Check is a check box bound to *get().
func (k *FormKit) Check(labelKey string, get func() *bool) *widget.Check {
	c := widget.NewCheck(lang.L(labelKey), nil)
	c.Checked = *get()
	c.OnChanged = func(b bool) { *get() = b; k.Changed() }
	return c
}

// YesNo is a yes/no radio group bound to *get() (model.Yes, model.No, "").
func (k *FormKit) YesNo(get func() *string) *widget.RadioGroup {
	yes, no := lang.L("common.yes"), lang.L("common.no")
	r := widget.NewRadioGroup([]string{yes, no}, nil)
	r.Horizontal = true
	switch *get() {
	case model.Yes:
		r.Selected = yes
	case model.No:
		r.Selected = no
	}
	r.OnChanged = func(opt string) {
		switch opt {
		case yes:
			*get() = model.Yes
		case no:
			*get() = model.No
		default:
			*get() = ""
		}
		k.Changed()
	}
	return r
}

// Freeze disables every input under o (a submitted record is read-only).
func Freeze(o fyne.CanvasObject) {
	walkObjects(o, func(c fyne.CanvasObject) {
		if d, ok := c.(fyne.Disableable); ok {
			d.Disable()
		}
	})
}

// walkObjects calls fn for o and every object in containers under it
// (widgets are not opened: their inputs are the widgets themselves).
func walkObjects(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	fn(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, child := range c.Objects {
			walkObjects(child, fn)
		}
	case *widget.Card:
		walkObjects(c.Content, fn)
	case *container.Scroll:
		walkObjects(c.Content, fn)
	case *widget.Accordion:
		for _, it := range c.Items {
			walkObjects(it.Detail, fn)
		}
	}
}

// FormSection is a titled card of a form.
func FormSection(titleKey string, objs ...fyne.CanvasObject) *widget.Card {
	return widget.NewCard("", "", container.NewBorder(Heading(lang.L(titleKey)), nil, nil, nil,
		container.NewVBox(objs...)))
}

// ActionBar is the bottom bar of a form: the draft status and the buttons.
func (k *FormKit) ActionBar(buttons ...fyne.CanvasObject) fyne.CanvasObject {
	return container.NewPadded(container.NewBorder(nil, nil, nil, container.NewHBox(buttons...), k.Status))
}
