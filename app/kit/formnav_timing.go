package kit

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"doorstep/app/records"
)

// SectionTimer counts the time a user spends in each section of a form, for
// the record's evidence entry (docs/EVIDENCE.md): the form's first open
// time and the seconds per section go into it on submit (records
// SignSubmit). The current section is the one the form is scrolled to, or
// the one the user jumped to from the form's index. Time counts between
// two things the user does on the form (open, scroll, jump, type), but a
// gap longer than MaxGap counts as MaxGap: a tablet put to sleep, an app
// sent to the background or a form left open on the table does not add
// hours to a section. Leaving the form stops the count; the time so far is
// written to the device (form_timing) on leaving, on every section change
// and before every save, so closing the form and reopening its draft
// carries on from where it was. A read-only form is not timed.
//
// It is used on the main goroutine only.
type SectionTimer struct {
	x       *Env
	table   string
	id      string
	keys    []string
	cur     int       // index into keys
	stopped bool      // the user left the form
	last    time.Time // the last thing the user did
	unsent  []time.Duration
	// MaxGap is the longest stretch without any action that counts in
	// full (DefaultMaxGap when zero).
	MaxGap time.Duration
}

// DefaultMaxGap is SectionTimer's MaxGap when unset: a little more than
// reading a long section or talking an answer through with the applicant.
const DefaultMaxGap = 5 * time.Minute

// TimeSections starts timing the form's sections, titled keys in form
// order, for record id of table, in the first section. Call it after
// ReadOnly is decided: a read-only form returns nil, and a nil timer does
// nothing. The kit flushes the timer before every save and stops it when
// the form is left.
func (k *FormKit) TimeSections(table string, keys []string) *SectionTimer {
	if k.ReadOnly || len(keys) == 0 || k.x.Store == nil {
		return nil
	}
	t := &SectionTimer{x: k.x, table: table, id: k.recordID, keys: keys,
		unsent: make([]time.Duration, len(keys)), last: k.x.Now()}
	if err := k.x.Store.FormOpened(k.x.Ctx(), table, k.recordID, keys[0], 0); err != nil {
		fyne.LogError("form timing", err)
	}
	k.timer = t
	return t
}

// TimeSections times the sections of n's outline (FormKit.TimeSections)
// and follows the form's scrolling and its index's jumps. Call it after
// Form.
func (n *FormNav) TimeSections(table string) *SectionTimer {
	keys := make([]string, len(n.outline))
	cards := make([]fyne.CanvasObject, len(n.outline))
	for i, s := range n.outline {
		keys[i] = s.Key
		if c := n.cards[s.Key]; c != nil {
			cards[i] = c
		}
	}
	t := n.k.TimeSections(table, keys)
	n.timer = t
	t.Follow(n.scroll, cards)
	return t
}

// Follow makes t follow sc's scrolling: the current section is the last of
// cards (one per key, nil for a section not on the form) whose top is
// above the upper third of the visible part — or, scrolled to the end,
// the last whose top is visible at all (a short last section never
// reaches the upper third).
func (t *SectionTimer) Follow(sc *container.Scroll, cards []fyne.CanvasObject) {
	if t == nil || sc == nil {
		return
	}
	prev := sc.OnScrolled
	sc.OnScrolled = func(p fyne.Position) {
		if prev != nil {
			prev(p)
		}
		line := p.Y + sc.Size().Height/3
		if p.Y >= sc.Content.Size().Height-sc.Size().Height-1 {
			line = p.Y + sc.Size().Height
		}
		at := -1
		for i, c := range cards {
			if c == nil {
				continue
			}
			if pos, ok := offsetIn(sc.Content, c); ok && pos.Y <= line {
				at = i
			}
		}
		if at >= 0 {
			t.Enter(t.keys[at])
		}
	}
}

// Enter makes section key the current one (counting the time until now to
// the section the user was in); it also restarts a stopped timer.
func (t *SectionTimer) Enter(key string) {
	if t == nil {
		return
	}
	i := -1
	for j, k := range t.keys {
		if k == key {
			i = j
		}
	}
	if i < 0 {
		return
	}
	changed := i != t.cur
	t.Tick()
	t.cur = i
	if changed {
		t.Flush()
	}
}

// Tick counts the time since the user's last action to the current
// section: the user did something on the form. A stopped timer restarts,
// counting from now.
func (t *SectionTimer) Tick() {
	if t == nil {
		return
	}
	now := t.x.Now()
	if !t.stopped {
		limit := t.MaxGap
		if limit <= 0 {
			limit = DefaultMaxGap
		}
		t.unsent[t.cur] += max(0, min(now.Sub(t.last), limit))
	}
	t.stopped = false
	t.last = now
}

// Flush writes the whole seconds counted so far to the device, keeping the
// fractions for later.
func (t *SectionTimer) Flush() {
	if t == nil {
		return
	}
	var spent []records.SectionTime
	for i, d := range t.unsent {
		if whole := d.Truncate(time.Second); whole > 0 {
			spent = append(spent, records.SectionTime{Section: t.keys[i], Ord: i, Spent: whole})
			t.unsent[i] -= whole
		}
	}
	if len(spent) == 0 {
		return
	}
	if err := t.x.Store.AddSectionTime(t.x.Ctx(), t.table, t.id, spent); err != nil {
		fyne.LogError("form timing", err)
	}
}

// Stop counts the time so far, writes it and stops counting: the user left
// the form. The next action on it restarts the count.
func (t *SectionTimer) Stop() {
	if t == nil || t.stopped {
		return
	}
	t.Tick()
	t.Flush()
	t.stopped = true
}

// Current returns the current section's key ("" for a nil timer).
func (t *SectionTimer) Current() string {
	if t == nil {
		return ""
	}
	return t.keys[t.cur]
}

// TimerSection returns the section the timer counts now ("" when the form
// is not timed).
func (n *FormNav) TimerSection() string { return n.timer.Current() }

// TimerSection returns the section the form's timer counts now ("" when
// the form is not timed).
func (k *FormKit) TimerSection() string { return k.timer.Current() }
