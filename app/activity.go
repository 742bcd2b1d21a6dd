package app

import (
	"time"
	"weak"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// idleCheckEvery is how often the background goroutine checks for idleness.
const idleCheckEvery = 10 * time.Second

// touch records user activity, postponing the idle lock. Screens call it
// from their handlers (taps, typing, list selections); a form's draft save
// calls it too, so typing in any field counts. Safe from any goroutine.
func (x *App) touch() {
	x.lastActive.Store(x.opts.Now().UnixNano())
}

// checkIdle locks the app when the user has been idle longer than the
// configured idle lock. It runs on the main goroutine.
func (x *App) checkIdle() {
	if x.locked || x.shell == nil || x.store == nil {
		return
	}
	idle, err := x.store.IdleLock(x.ctx())
	if err != nil || idle <= 0 {
		return
	}
	if has, _ := x.store.HasPIN(x.ctx()); !has {
		return
	}
	if x.opts.Now().Sub(time.Unix(0, x.lastActive.Load())) >= idle {
		x.lock()
	}
}

// background starts the idle-lock ticker and the automatic sync loop. Both
// touch the UI only through fyne.Do and stop when the app closes.
func (x *App) background() {
	if dc, ok := x.win.Canvas().(desktop.Canvas); ok {
		dc.SetOnKeyDown(func(*fyne.KeyEvent) { x.touch() })
	}
	// Back from another app (or a sleeping tablet): lock at once if the
	// idle time passed meanwhile, and sync what may have been missed.
	x.fyne.Lifecycle().SetOnEnteredForeground(func() {
		x.checkIdle()
		x.sync.request()
	})
	x.wg.Add(1)
	go func() {
		defer x.wg.Done()
		t := time.NewTicker(idleCheckEvery)
		defer t.Stop()
		for {
			select {
			case <-x.stop:
				return
			case <-t.C:
				fyne.Do(x.checkIdle)
			}
		}
	}()
	x.sync.startAuto()
}

// activityArea is the window content under the shell: it counts pointer
// movement anywhere over the window as activity. Fyne 2.7 has no window-wide
// pointer hook; its desktop driver asks every object under the pointer for
// its cursor on each movement, from the window's root down, so the root
// hears about every movement and the deepest object still picks the cursor.
type activityArea struct {
	widget.BaseWidget
	x       *App
	content fyne.CanvasObject
}

func newActivityArea(x *App, content fyne.CanvasObject) *activityArea {
	a := &activityArea{x: x, content: content}
	a.ExtendBaseWidget(a)
	return a
}

// CreateRenderer shows the content.
func (a *activityArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(a.content)
}

// Cursor records the pointer's movement as activity; the default cursor
// yields to any object under it with a cursor of its own.
func (a *activityArea) Cursor() desktop.Cursor {
	a.x.touch()
	return desktop.DefaultCursor
}

// watchScroll makes scrolling sc count as activity, keeping what sc did
// on scrolling before. Each scroller is hooked once.
func (x *App) watchScroll(sc *container.Scroll) {
	if x.watched == nil {
		x.watched = map[weak.Pointer[container.Scroll]]bool{}
	}
	key := weak.Make(sc)
	if x.watched[key] {
		return
	}
	if len(x.watched) >= 256 { // forget the scrollers of screens long gone
		for k := range x.watched {
			if k.Value() == nil {
				delete(x.watched, k)
			}
		}
	}
	x.watched[key] = true
	prev := sc.OnScrolled
	sc.OnScrolled = func(p fyne.Position) {
		x.touch()
		if prev != nil {
			prev(p)
		}
	}
}

// watchScrolls hooks every scroller in the object tree under o that can
// be reached through containers, cards, tabs and splits (a screen's own
// scrollers; lists are activityLists).
func (x *App) watchScrolls(o fyne.CanvasObject) {
	switch c := o.(type) {
	case *fyne.Container:
		for _, child := range c.Objects {
			x.watchScrolls(child)
		}
	case *container.Scroll:
		x.watchScroll(c)
		x.watchScrolls(c.Content)
	case *widget.Card:
		x.watchScrolls(c.Content)
	case *container.AppTabs:
		for _, it := range c.Items {
			x.watchScrolls(it.Content)
		}
	case *container.Split:
		x.watchScrolls(c.Leading)
		x.watchScrolls(c.Trailing)
	}
}
