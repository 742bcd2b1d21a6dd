package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/kit/kittest"
	"doorstep/app/records"
	"doorstep/schema"
)

// idleFor is how long x has been idle by its clock.
func idleFor(x *App) time.Duration {
	return x.opts.Now().Sub(time.Unix(0, x.lastActive.Load()))
}

// TestPointerAndScrollingKeepTheAppAwake: moving the pointer over the
// window and scrolling a list or a form count as activity.
func TestPointerAndScrollingKeepTheAppAwake(t *testing.T) {
	c := &clock{t: testNow}
	x := newTestApp(t, "", c)
	startDemo(t, x, schema.RoleWorker)

	c.add(time.Minute)
	cur, ok := x.win.Canvas().Content().(desktop.Cursorable)
	if !ok {
		t.Fatalf("the window content %T does not hear pointer movement", x.win.Canvas().Content())
	}
	if cur.Cursor() != desktop.DefaultCursor || idleFor(x) != 0 {
		t.Fatalf("pointer movement: idle for %v", idleFor(x))
	}

	test.Tap(button(t, x, "nav.households"))
	c.add(time.Minute)
	hs := shownList(t, x)
	var sc *container.Scroll
	for _, s := range all[*container.Scroll](x) {
		if s.Size().Height > 100 {
			sc = s // the list's scroller
		}
	}
	if sc == nil {
		t.Fatal("no scroller on the households screen")
	}
	test.Scroll(x.win.Canvas(), fyne.NewPos(400, 400), 0, -300)
	if idleFor(x) != 0 {
		t.Fatalf("scrolling the household list: idle for %v (list %d rows)", idleFor(x), hs.Length())
	}

	// A form's scroller, reached through the screen's containers.
	x.Show("settings")
	c.add(time.Minute)
	x.win.Resize(fyne.NewSize(800, 400)) // short enough to scroll
	test.Scroll(x.win.Canvas(), fyne.NewPos(600, 300), 0, -200)
	if idleFor(x) != 0 {
		t.Fatalf("scrolling the settings: idle for %v", idleFor(x))
	}
}

// TestWrongPINsAreThrottled: after five wrong PINs the lock screen makes
// the user wait, in their language, and does not check the PIN meanwhile.
func TestWrongPINsAreThrottled(t *testing.T) {
	c := &clock{t: testNow}
	x := newTestApp(t, "", c)
	startDemo(t, x, schema.RoleWorker)
	x.lock()
	pin := kittest.EntryWhere(t, x, func(e *widget.Entry) bool { return e.Password })
	for i := 0; i < records.PINFreeAttempts-1; i++ {
		test.Type(pin, "1111")
		test.Tap(button(t, x, "lock.unlock"))
		if !onScreen(x, tr("lock.wrong_pin")) {
			t.Fatalf("wrong PIN %d: %q", i+1, texts(x))
		}
	}
	test.Type(pin, "1111")
	test.Tap(button(t, x, "lock.unlock"))
	if want := tr2("lock.wait", "Seconds", 30); !onScreen(x, want) {
		t.Fatalf("fifth wrong PIN: no %q in %q", want, texts(x))
	}
	c.add(10 * time.Second)
	test.Type(pin, "2580")
	test.Tap(button(t, x, "lock.unlock"))
	if !x.Locked() || !onScreen(x, tr2("lock.wait", "Seconds", 20)) {
		t.Fatalf("the right PIN worked while waiting: locked %v, %q", x.Locked(), texts(x))
	}
	if pin.Text != "" {
		t.Errorf("the PIN field kept %q", pin.Text)
	}
	c.add(20 * time.Second)
	test.Type(pin, "2580")
	test.Tap(button(t, x, "lock.unlock"))
	if x.Locked() {
		t.Fatalf("the right PIN after the wait did not unlock: %q", texts(x))
	}
}
