package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"doorstep/schema"
)

// testNow is the tests' clock: the first day after the demo district's
// half-year (January–June 2025), 09:00 in China.
var testNow = time.Date(2025, 7, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// clock is a settable clock for one test.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }

// newTestApp starts an App on the test driver over the data directory dir
// (a fresh one when empty), with background loops off.
func newTestApp(t *testing.T, dir string, c *clock) *App {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	if c == nil {
		c = &clock{t: testNow}
	}
	if fyne.CurrentApp() == nil {
		test.NewTempApp(t)
	}
	x := New(fyne.CurrentApp(), Options{DataDir: dir, Now: c.now, DemoRef: testNow, NoBackground: true})
	if x.Err() != nil {
		t.Fatal(x.Err())
	}
	t.Cleanup(x.Close)
	return x
}

// startDemo goes through first run: a PIN, then the local demo as role.
func startDemo(t *testing.T, x *App, role schema.Role) {
	t.Helper()
	test.Type(entryWithPlaceholder(t, x, "firstrun.pin"), "2580")
	test.Type(entryWithPlaceholder(t, x, "firstrun.pin_again"), "2580")
	radio := find[*widget.RadioGroup](t, x, func(*widget.RadioGroup) bool { return true })
	radio.SetSelected(RoleName(role))
	test.Tap(button(t, x, "firstrun.demo"))
	x.tasks.Wait()
	if x.Identity().Role != role {
		t.Fatalf("after the demo started the identity is %+v", x.Identity())
	}
}

// walk calls fn for every visible object under o, widgets' rendered
// children included, and the window's overlays (dialogs).
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, child := range c.Objects {
			walk(child, fn)
		}
	case fyne.Widget:
		for _, child := range test.WidgetRenderer(c).Objects() {
			walk(child, fn)
		}
	}
}

// all returns the visible objects of type T on the window, overlays included.
func all[T fyne.CanvasObject](x *App) []T {
	var out []T
	c := x.win.Canvas()
	roots := append([]fyne.CanvasObject{c.Content()}, c.Overlays().List()...)
	for _, r := range roots {
		walk(r, func(o fyne.CanvasObject) {
			if v, ok := o.(T); ok {
				out = append(out, v)
			}
		})
	}
	return out
}

// find returns the first visible object of type T matching ok.
func find[T fyne.CanvasObject](t *testing.T, x *App, ok func(T) bool) T {
	t.Helper()
	for _, o := range all[T](x) {
		if ok(o) {
			return o
		}
	}
	var zero T
	t.Fatalf("no %T matching on screen; texts: %q", zero, texts(x))
	return zero
}

// button finds a button by the translation key of its text.
func button(t *testing.T, x *App, key string) *widget.Button {
	t.Helper()
	text := tr(key)
	return find(t, x, func(b *widget.Button) bool { return b.Text == text })
}

// entryWithPlaceholder finds an entry by the key of its placeholder.
func entryWithPlaceholder(t *testing.T, x *App, key string) *widget.Entry {
	t.Helper()
	text := tr(key)
	return find(t, x, func(e *widget.Entry) bool { return e.PlaceHolder == text })
}

// texts returns every visible text on the window: labels, buttons,
// entries, rich text.
func texts(x *App) []string {
	var out []string
	c := x.win.Canvas()
	roots := append([]fyne.CanvasObject{c.Content()}, c.Overlays().List()...)
	for _, r := range roots {
		walk(r, func(o fyne.CanvasObject) {
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

// onScreen reports whether some visible text contains s.
func onScreen(x *App, s string) bool {
	for _, t := range texts(x) {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

// tr translates a key in the current language (for finding widgets).
func tr(key string) string {
	return lang.L(key)
}

// tr2 translates a key with one template value.
func tr2(key, name string, value any) string {
	return lang.L(key, map[string]any{name: value})
}
