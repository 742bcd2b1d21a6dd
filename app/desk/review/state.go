package review

import (
	"time"
)

// State is a record's review state, derived from its review events.
type State string

// The review states.
const (
	// Pending: submitted and waiting for a decision (never reviewed, or
	// re-submitted after being returned).
	Pending State = "pending"
	// Approved: the latest decision approves it.
	Approved State = "approved"
	// Returned: the latest decision returns it and the worker has not yet
	// re-submitted it.
	Returned State = "returned"
	// Superseded: a later means-test visit replaces it (a correction); it
	// stays in the history.
	Superseded State = "superseded"
)

// States lists every state in the order the queue shows their counts.
var States = []State{Pending, Returned, Approved, Superseded}

// Action is a review decision (review_events.action, schema.ReviewActions).
type Action string

// The review decisions.
const (
	ActionApprove Action = "approve"
	ActionReturn  Action = "return"
)

// Event is one review decision: a row of review_events.
type Event struct {
	ID          string
	RecordTable string
	RecordID    string
	Action      Action
	Comment     string
	// Fields holds comments on specific fields, keyed by field name (see
	// FieldKey).
	Fields     map[string]string
	ReviewerID string
	Reviewer   string // the reviewer's name
	At         time.Time
}

// After reports whether e happened after o: later instant, or the same
// instant and a larger id (ids are time-ordered UUIDs).
func (e Event) After(o Event) bool {
	if !e.At.Equal(o.At) {
		return e.At.After(o.At)
	}
	return e.ID > o.ID
}

// Derive computes a record's state from when it was submitted, its latest
// review event (nil if none), whether a later record supersedes it, and
// whether corrections re-submit the same row (inPlace).
func Derive(submitted time.Time, latest *Event, superseded, inPlace bool) State {
	switch {
	case superseded:
		return Superseded
	case latest == nil:
		return Pending
	case latest.Action == ActionApprove:
		return Approved
	case inPlace && submitted.After(latest.At):
		return Pending
	}
	return Returned
}

// Latest returns the latest of events, or nil.
func Latest(events []Event) *Event {
	var l *Event
	for i := range events {
		if l == nil || events[i].After(*l) {
			l = &events[i]
		}
	}
	return l
}
