package kittest

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/kit"
)

// Windowed is anything with a window: the shell's App or this package's.
type Windowed interface {
	Window() fyne.Window
}

// Walk calls fn for every visible object under o, widgets' rendered
// children included.
func Walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, child := range c.Objects {
			Walk(child, fn)
		}
	case fyne.Widget:
		for _, child := range test.WidgetRenderer(c).Objects() {
			Walk(child, fn)
		}
	}
}

// All returns the visible objects of type T on x's window, overlays
// (dialogs) included.
func All[T fyne.CanvasObject](x Windowed) []T {
	var out []T
	c := x.Window().Canvas()
	roots := append([]fyne.CanvasObject{c.Content()}, c.Overlays().List()...)
	for _, r := range roots {
		Walk(r, func(o fyne.CanvasObject) {
			if v, ok := o.(T); ok {
				out = append(out, v)
			}
		})
	}
	return out
}

// Find returns the first visible object of type T matching ok, and fails
// the test when there is none.
func Find[T fyne.CanvasObject](t testing.TB, x Windowed, ok func(T) bool) T {
	t.Helper()
	for _, o := range All[T](x) {
		if ok(o) {
			return o
		}
	}
	var zero T
	t.Fatalf("no %T matching on screen; texts: %q", zero, Texts(x))
	return zero
}

// Button finds a button by the translation key of its text.
func Button(t testing.TB, x Windowed, key string) *widget.Button {
	t.Helper()
	text := lang.L(key)
	return Find(t, x, func(b *widget.Button) bool { return b.Text == text })
}

// EntryWithPlaceholder finds an entry by the key of its placeholder.
func EntryWithPlaceholder(t testing.TB, x Windowed, key string) *widget.Entry {
	t.Helper()
	text := lang.L(key)
	return EntryWhere(t, x, func(e *widget.Entry) bool { return e.PlaceHolder == text })
}

// Entries returns every entry on screen, in tree order: Fyne's entries and
// the Entry inside each kit.NumericEntry (typing into it types into the
// numeric entry).
func Entries(x Windowed) []*widget.Entry {
	var out []*widget.Entry
	for _, o := range All[fyne.CanvasObject](x) {
		switch e := o.(type) {
		case *widget.Entry:
			out = append(out, e)
		case *kit.NumericEntry:
			out = append(out, &e.Entry)
		}
	}
	return out
}

// EntryWhere returns the first entry on screen (Entries) for which ok
// holds; it fails the test when there is none.
func EntryWhere(t testing.TB, x Windowed, ok func(*widget.Entry) bool) *widget.Entry {
	t.Helper()
	for _, e := range Entries(x) {
		if ok(e) {
			return e
		}
	}
	t.Fatalf("no entry matching on screen; texts: %q", Texts(x))
	return nil
}

// Texts returns every visible text on the window: labels, buttons,
// entries, selects.
func Texts(x Windowed) []string {
	var out []string
	c := x.Window().Canvas()
	roots := append([]fyne.CanvasObject{c.Content()}, c.Overlays().List()...)
	for _, r := range roots {
		Walk(r, func(o fyne.CanvasObject) {
			switch w := o.(type) {
			case *widget.Label:
				out = append(out, w.Text)
			case *widget.Button:
				out = append(out, w.Text)
			case *widget.Entry:
				out = append(out, w.Text)
			case *widget.Select:
				out = append(out, w.Selected)
			}
		})
	}
	return out
}

// OnScreen reports whether some visible text contains s.
func OnScreen(x Windowed, s string) bool {
	for _, t := range Texts(x) {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}
