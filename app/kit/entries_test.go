package kit

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/mobile"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestNumericEntriesAskForTheNumberKeyboard(t *testing.T) {
	test.NewTempApp(t)
	for name, e := range map[string]*NumericEntry{"number": NewNumericEntry(),
		"pin": NewNumericPasswordEntry(), "id": NewIDEntry()} {
		var o fyne.CanvasObject = e
		k, ok := o.(mobile.Keyboardable)
		if !ok || k.Keyboard() != mobile.NumberKeyboard {
			t.Errorf("%s entry does not ask for the number keyboard", name)
		}
		w := test.NewTempWindow(t, e)
		w.Resize(fyne.NewSize(300, 100))
		test.Type(e, "12")
		if e.Text != "12" {
			t.Errorf("%s entry: typed 12, holds %q", name, e.Text)
		}
	}
	if !NewNumericPasswordEntry().Password {
		t.Error("the PIN entry shows what is typed")
	}
}

// TestIDEntryXButton: the number keyboard has no X; the button adds it.
func TestIDEntryXButton(t *testing.T) {
	test.NewTempApp(t)
	e := NewIDEntry()
	test.NewTempWindow(t, e)
	test.Type(e, "41080219750505031")
	test.Tap(e.ActionItem.(*fyne.Container).Objects[0].(*widget.Button))
	if e.Text != "41080219750505031X" {
		t.Errorf("after X the ID reads %q", e.Text)
	}
}

// TestDateEntryCalendar: the calendar button opens the entry's month;
// tapping a day writes it as 2006-01-02.
func TestDateEntryCalendar(t *testing.T) {
	test.NewTempApp(t)
	e := WithCalendar(widget.NewEntry(), func() time.Time { return time.Date(2025, 7, 1, 9, 0, 0, 0, time.UTC) })
	w := test.NewTempWindow(t, e)
	w.Resize(fyne.NewSize(600, 600))
	e.SetText("2025-03-10")
	test.Tap(e.ActionItem.(*widget.Button))
	var day *widget.Button
	for _, o := range w.Canvas().Overlays().List() {
		walkAll(o, func(o fyne.CanvasObject) {
			if b, ok := o.(*widget.Button); ok && b.Text == "21" {
				day = b
			}
		})
	}
	if day == nil {
		t.Fatal("no calendar with day 21 opened")
	}
	test.Tap(day)
	if e.Text != "2025-03-21" {
		t.Errorf("picked the 21st of the month shown, the entry reads %q", e.Text)
	}
	if len(w.Canvas().Overlays().List()) != 0 {
		t.Error("the calendar stays open after a day was picked")
	}
}

// walkAll visits o and everything drawn inside it, widgets' parts too.
func walkAll(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, child := range c.Objects {
			walkAll(child, fn)
		}
	case fyne.Widget:
		for _, child := range test.WidgetRenderer(c).Objects() {
			walkAll(child, fn)
		}
	}
}
