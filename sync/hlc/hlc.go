// Package hlc is Doorstep's hybrid logical clock: 48 bits of Unix
// milliseconds and a 16-bit counter, monotonic across restarts and bounded
// against remote clocks that run too far ahead.
package hlc

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Timestamp is a hybrid logical clock reading: Unix milliseconds in the high
// 48 bits and a logical counter in the low 16. Timestamps order like the
// integers they are; the zero Timestamp is "never".
type Timestamp uint64

// counterBits is the width of the logical counter.
const counterBits = 16

// maxCounter is the largest logical counter before the clock borrows a
// millisecond.
const maxCounter = 1<<counterBits - 1

// maxMillis is the largest physical time a Timestamp can hold.
const maxMillis = 1<<(64-counterBits) - 1

// New builds a Timestamp from Unix milliseconds and a counter. Values out
// of range are clamped.
func New(ms int64, counter uint16) Timestamp {
	if ms < 0 {
		ms = 0
	}
	if ms > maxMillis {
		ms = maxMillis
	}
	return Timestamp(uint64(ms)<<counterBits | uint64(counter))
}

// Millis returns the physical part: Unix milliseconds.
func (t Timestamp) Millis() int64 { return int64(t >> counterBits) }

// Counter returns the logical part.
func (t Timestamp) Counter() uint16 { return uint16(t & maxCounter) }

// Time returns the physical part as a UTC time.
func (t Timestamp) Time() time.Time { return time.UnixMilli(t.Millis()).UTC() }

// IsZero reports whether t is the zero Timestamp.
func (t Timestamp) IsZero() bool { return t == 0 }

// String formats t as RFC 3339 milliseconds plus the counter, for logs and
// error messages: "2025-03-01T08:00:00.123Z+4".
func (t Timestamp) String() string {
	if t == 0 {
		return "0"
	}
	return t.Time().Format("2006-01-02T15:04:05.000Z07:00") + "+" + strconv.Itoa(int(t.Counter()))
}

// DefaultMaxDrift is how far ahead of the local physical clock a remote
// timestamp may be before Update refuses it.
const DefaultMaxDrift = 10 * time.Minute

// ErrDrift is matched (errors.Is) by every *DriftError.
var ErrDrift = errors.New("hlc: remote clock too far ahead")

// DriftError reports a remote timestamp too far ahead of the local physical
// clock. The peer's clock is wrong (or ours is): nothing it sent is applied.
type DriftError struct {
	Remote Timestamp     // the refused timestamp
	Local  time.Time     // our physical time when it arrived
	Max    time.Duration // the bound it exceeded
}

// Error describes the drift in words a log reader can act on.
func (e *DriftError) Error() string {
	ahead := e.Remote.Time().Sub(e.Local).Round(time.Second)
	return fmt.Sprintf("hlc: remote clock %s is %s ahead of local time %s (limit %s)",
		e.Remote, ahead, e.Local.UTC().Format(time.RFC3339), e.Max)
}

// Is makes errors.Is(err, ErrDrift) true.
func (e *DriftError) Is(target error) bool { return target == ErrDrift }

// Clock issues Timestamps. It is safe for concurrent use. Persistence is the
// owner's job: save Last() with the data the timestamps stamp, and pass it
// back to NewClock (or Observe) after a restart so the clock never goes
// backwards even if the wall clock does.
type Clock struct {
	mu       sync.Mutex
	now      func() time.Time
	maxDrift time.Duration
	last     Timestamp
}

// NewClock returns a clock reading physical time from now (time.Now when
// nil), refusing remote timestamps more than maxDrift ahead
// (DefaultMaxDrift when zero or negative), and never issuing a Timestamp at
// or below last.
func NewClock(now func() time.Time, maxDrift time.Duration, last Timestamp) *Clock {
	if now == nil {
		now = time.Now
	}
	if maxDrift <= 0 {
		maxDrift = DefaultMaxDrift
	}
	return &Clock{now: now, maxDrift: maxDrift, last: last}
}

// Now issues a Timestamp greater than every Timestamp issued, observed or
// updated before.
func (c *Clock) Now() Timestamp {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.last = next(c.last, c.now().UnixMilli())
	return c.last
}

// next returns the smallest valid Timestamp after last at physical time ms.
func next(last Timestamp, ms int64) Timestamp {
	if ms > last.Millis() {
		return New(ms, 0)
	}
	if last.Counter() < maxCounter {
		return last + 1
	}
	// Counter exhausted: borrow the next millisecond.
	return New(last.Millis()+1, 0)
}

// Update merges a timestamp received from another replica, so that every
// later Now is greater than it. It returns a *DriftError, and leaves the
// clock unchanged, when remote is more than the drift bound ahead of the
// local physical clock.
func (c *Clock) Update(remote Timestamp) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if remote.Millis()-now.UnixMilli() > c.maxDrift.Milliseconds() {
		return &DriftError{Remote: remote, Local: now, Max: c.maxDrift}
	}
	if remote > c.last {
		c.last = remote
	}
	return nil
}

// Check reports, without changing the clock, whether Update(remote) would
// succeed.
func (c *Clock) Check(remote Timestamp) error {
	now := c.now()
	if remote.Millis()-now.UnixMilli() > c.maxDrift.Milliseconds() {
		return &DriftError{Remote: remote, Local: now, Max: c.maxDrift}
	}
	return nil
}

// Observe raises the clock to t without the drift check. Use it for
// timestamps read back from our own storage (a restart, another process
// writing the same database), never for timestamps from the network.
func (c *Clock) Observe(t Timestamp) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t > c.last {
		c.last = t
	}
}

// Last returns the greatest Timestamp issued or observed so far: the value
// to persist.
func (c *Clock) Last() Timestamp {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

// MaxDrift returns the bound Update enforces.
func (c *Clock) MaxDrift() time.Duration { return c.maxDrift }
