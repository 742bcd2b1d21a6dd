package supervisor

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/kit/kittest"
)

// TestDeskDateFieldsOneCalendar: every date field on the desk draws one
// calendar button, inside the entry at its right edge (a second button set
// over the first stayed drawn at the entry's top-left corner), and the
// calendar opens on the office's today, not the machine's.
func TestDeskDateFieldsOneCalendar(t *testing.T) {
	x := newHistoryDeskApp(t)
	x.Window().Resize(fyne.NewSize(1280, 800))
	for _, key := range []string{"nav.benefits", "nav.meeting", "nav.draw", "nav.reports", "nav.review", "nav.medical"} {
		s := openDesk(t, x, key)
		if key == "nav.benefits" && !s.(*benefitsScreen).open("h1") {
			t.Fatal("h1 is not listed")
		}
		var entries, calendars int
		kittest.Walk(x.Window().Content(), func(o fyne.CanvasObject) {
			switch w := o.(type) {
			case *widget.Entry:
				b, ok := w.ActionItem.(*widget.Button)
				if !ok || b.Icon != theme.CalendarIcon() {
					return
				}
				entries++
				if p := b.Position(); p.X < w.Size().Width/2 {
					t.Errorf("%s: a date field's calendar button is at %v in an entry %v wide", key, p, w.Size().Width)
				}
			case *widget.Button:
				if w.Icon == theme.CalendarIcon() {
					calendars++
				}
			}
		})
		if entries == 0 || calendars != entries {
			t.Errorf("%s: %d date fields draw %d calendar buttons", key, entries, calendars)
		}
	}
	// The reports screen's period: the calendar of an empty field opens on
	// the office's month (the demo office lives in 2025).
	r := openDesk(t, x, "nav.reports").(*reportsScreen)
	r.from.SetText("")
	test.Tap(r.from.ActionItem.(*widget.Button))
	kittest.Find(t, x, func(*widget.Calendar) bool { return true })
	today := office(x.Env).Today()
	if !onScreen(x, today.Format("January 2006")) && !onScreen(x, today.Format("2006年1月")) {
		t.Errorf("the calendar does not open on the office's month %s: %q", today.Format("2006-01"), texts(x))
	}
}
