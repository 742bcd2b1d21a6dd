package hlc

import (
	"errors"
	"testing"
	"time"
)

type fakeTime struct{ t time.Time }

func (f *fakeTime) now() time.Time { return f.t }

var start = time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)

func TestTimestampParts(t *testing.T) {
	ts := New(start.UnixMilli(), 7)
	if ts.Millis() != start.UnixMilli() || ts.Counter() != 7 || !ts.Time().Equal(start) {
		t.Errorf("got %d ms, counter %d", ts.Millis(), ts.Counter())
	}
	if got := ts.String(); got != "2025-03-01T08:00:00.000Z+7" {
		t.Errorf("String: %s", got)
	}
	if New(-5, 0) != 0 || Timestamp(0).String() != "0" || !Timestamp(0).IsZero() {
		t.Error("zero handling")
	}
}

func TestNowIsMonotonic(t *testing.T) {
	ft := &fakeTime{start}
	c := NewClock(ft.now, 0, 0)
	a := c.Now()
	b := c.Now() // same millisecond: the counter moves
	if b != a+1 {
		t.Errorf("same ms: %s then %s", a, b)
	}
	ft.t = start.Add(-time.Hour) // the wall clock goes back
	if d := c.Now(); d <= b {
		t.Errorf("after the wall clock went back: %s, last %s", d, b)
	}
	ft.t = start.Add(time.Second)
	if e := c.Now(); e != New(start.Add(time.Second).UnixMilli(), 0) {
		t.Errorf("wall clock ahead again: %s", e)
	}
}

func TestCounterOverflowBorrowsAMillisecond(t *testing.T) {
	ft := &fakeTime{start}
	c := NewClock(ft.now, 0, New(start.UnixMilli(), maxCounter))
	if got := c.Now(); got != New(start.UnixMilli()+1, 0) {
		t.Errorf("got %s", got)
	}
}

func TestRestartFromPersistedLast(t *testing.T) {
	ft := &fakeTime{start}
	last := New(start.Add(time.Minute).UnixMilli(), 3) // issued before a restart, clock since set back
	c := NewClock(ft.now, 0, last)
	if got := c.Now(); got <= last {
		t.Errorf("after restart: %s, persisted %s", got, last)
	}
}

func TestUpdate(t *testing.T) {
	ft := &fakeTime{start}
	c := NewClock(ft.now, time.Hour, 0)
	remote := New(start.Add(30*time.Minute).UnixMilli(), 9)
	if err := c.Update(remote); err != nil {
		t.Fatal(err)
	}
	if got := c.Now(); got != remote+1 {
		t.Errorf("after update: %s, want %s", got, remote+1)
	}
	tooFar := New(start.Add(61*time.Minute).UnixMilli(), 0)
	err := c.Update(tooFar)
	var de *DriftError
	if !errors.As(err, &de) || !errors.Is(err, ErrDrift) || de.Remote != tooFar || de.Max != time.Hour {
		t.Fatalf("got %v, want a DriftError", err)
	}
	if c.Last() != remote+1 {
		t.Errorf("a refused update moved the clock to %s", c.Last())
	}
	if err := c.Check(tooFar); !errors.Is(err, ErrDrift) {
		t.Errorf("Check: %v", err)
	}
	older := New(start.Add(-time.Hour).UnixMilli(), 0)
	if err := c.Update(older); err != nil || c.Last() != remote+1 {
		t.Errorf("an older remote clock moved the clock: %v %s", err, c.Last())
	}
}

func TestObserveSkipsTheDriftCheck(t *testing.T) {
	ft := &fakeTime{start}
	c := NewClock(ft.now, time.Minute, 0)
	far := New(start.Add(48*time.Hour).UnixMilli(), 0)
	c.Observe(far)
	if c.Now() <= far {
		t.Error("Observe did not raise the clock")
	}
	if c.MaxDrift() != time.Minute {
		t.Errorf("MaxDrift %s", c.MaxDrift())
	}
	if NewClock(nil, 0, 0).MaxDrift() != DefaultMaxDrift {
		t.Error("default drift")
	}
}
