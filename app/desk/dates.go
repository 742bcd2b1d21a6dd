package desk

import (
	"fmt"
	"time"
)

// DateLayout is how dates are stored ("2006-01-02").
const DateLayout = "2006-01-02"

// DateOf returns the calendar date of t in loc, at midnight UTC (the
// storage convention for dates).
func DateOf(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// ParseDate reads a stored date.
func ParseDate(s string) (time.Time, error) {
	d, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: %w", s, err)
	}
	return d, nil
}

// ParseInstant reads a stored instant (RFC 3339); ok is false for an empty
// or malformed value.
func ParseInstant(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

// Period is an inclusive range of calendar dates. A zero From or To leaves
// that end open.
type Period struct {
	From, To time.Time
}

// Contains reports whether date d lies in the period.
func (p Period) Contains(d time.Time) bool {
	return (p.From.IsZero() || !d.Before(p.From)) && (p.To.IsZero() || !d.After(p.To))
}

// Valid reports whether From is not after To.
func (p Period) Valid() bool { return p.From.IsZero() || p.To.IsZero() || !p.From.After(p.To) }

// String formats the period as "2006-01-02 – 2006-01-02".
func (p Period) String() string {
	f := func(t time.Time) string {
		if t.IsZero() {
			return "…"
		}
		return t.Format(DateLayout)
	}
	return f(p.From) + " – " + f(p.To)
}
