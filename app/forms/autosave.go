package forms

import (
	"sync"
	"time"
)

// DefaultAutosaveDelay is how long typing must pause before a draft is
// written.
const DefaultAutosaveDelay = 400 * time.Millisecond

// Autosaver writes a form's draft shortly after the user stops typing
// (debounced) and at once when flushed — on leaving the screen and when the
// app stops. Changed is cheap and may be called on every keystroke. It is
// safe for concurrent use; the write runs on a timer goroutine or in Flush's
// caller.
type Autosaver struct {
	delay time.Duration
	write func(data []byte) error
	// OnSaved, if set, is called after each write with its error (nil on
	// success), on the goroutine that wrote. UIs use fyne.Do inside it.
	OnSaved func(error)

	mu      sync.Mutex
	pending []byte
	timer   *time.Timer
	closed  bool
	writing sync.Mutex // serialises writes so an older draft never lands last
}

// NewAutosaver returns an Autosaver calling write with the latest data,
// delay after the last change (DefaultAutosaveDelay when delay ≤ 0).
func NewAutosaver(delay time.Duration, write func(data []byte) error) *Autosaver {
	if delay <= 0 {
		delay = DefaultAutosaveDelay
	}
	return &Autosaver{delay: delay, write: write}
}

// Changed records the form's latest data and (re)starts the delay.
func (a *Autosaver) Changed(data []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return
	}
	a.pending = data
	if a.timer == nil {
		a.timer = time.AfterFunc(a.delay, func() { _ = a.Flush() })
		return
	}
	a.timer.Reset(a.delay)
}

// Pending reports whether a change has not been written yet.
func (a *Autosaver) Pending() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.pending != nil
}

// Flush writes pending data now, if any, and returns the write's error.
// When the write fails the data stays pending, so the next Changed or Flush
// tries again.
func (a *Autosaver) Flush() error {
	a.writing.Lock()
	defer a.writing.Unlock()
	a.mu.Lock()
	data := a.pending
	a.pending = nil
	if a.timer != nil {
		a.timer.Stop()
	}
	a.mu.Unlock()
	if data == nil {
		return nil
	}
	err := a.write(data)
	if err != nil {
		a.mu.Lock()
		if a.pending == nil {
			a.pending = data
		}
		a.mu.Unlock()
	}
	if a.OnSaved != nil {
		a.OnSaved(err)
	}
	return err
}

// Discard drops pending data without writing it and stops further saves,
// e.g. before the form is saved as a record and its draft deleted. It waits
// for a write in progress, so no draft lands after it returns.
func (a *Autosaver) Discard() {
	a.writing.Lock()
	defer a.writing.Unlock()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.pending = nil
	a.closed = true
	if a.timer != nil {
		a.timer.Stop()
	}
}

// Resume allows saves again after Discard (the user edits on after a
// draft-save).
func (a *Autosaver) Resume() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.closed = false
}
