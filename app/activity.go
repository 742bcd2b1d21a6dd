package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
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
