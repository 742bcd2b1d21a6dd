package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"doorstep/schema/district"
	"doorstep/sync/evidence"
)

// ErrInvalid wraps input a supervisor can correct (a missing comment, a
// vote count above the attendance, …). The UI shows such errors next to
// what was entered; nothing is written.
var ErrInvalid = errors.New("invalid input")

// ErrNotFound is returned when a record asked for is not on this device.
var ErrNotFound = errors.New("not found")

// Invalid returns an error wrapping ErrInvalid with a message for logs. The
// Code is a stable key the UI translates ("desk.err.<code>").
func Invalid(code, format string, args ...any) error {
	return &InputError{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// InputError is an ErrInvalid with a stable code for the UI and a message
// for logs.
type InputError struct {
	Code string // e.g. "comment_required"
	Msg  string
}

// Error returns the log message.
func (e *InputError) Error() string { return e.Code + ": " + e.Msg }

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *InputError) Unwrap() error { return ErrInvalid }

// Office is the supervisor's working context: the device database, who is
// signed in and where they work, the clock and the district rules. It is
// read-only once built and safe for concurrent use.
type Office struct {
	// DB is the device database (the sync replica's handle).
	DB *sql.DB
	// Me is the signed-in supervisor's staff id; every decision names it.
	Me string
	// Street limits the supervisor to one street ("" = the whole district).
	Street string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// NewID makes row ids; nil means UUID v7.
	NewID func() string
	// Config holds the district's rules; the zero value means
	// district.Default().
	Config *district.Config
	// Loc is the local time zone dates are read in; nil means time.Local.
	Loc *time.Location
	// Sign signs a record the supervisor submits from the field (an
	// institution assessment) with the device's evidence key, inside the
	// submit's transaction (records.Store.SignSubmit; docs/EVIDENCE.md);
	// nil signs nothing.
	Sign func(ctx context.Context, tx *sql.Tx, sub evidence.Submit) error
}

// Clock returns the current time.
func (o *Office) Clock() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// Location returns the time zone in which instants become calendar dates.
func (o *Office) Location() *time.Location {
	if o.Loc == nil {
		return time.Local
	}
	return o.Loc
}

// Today returns the current calendar date in the office's time zone.
func (o *Office) Today() time.Time {
	return DateOf(o.Clock(), o.Location())
}

// ID returns a new row id.
func (o *Office) ID() string {
	if o.NewID != nil {
		return o.NewID()
	}
	return uuid.Must(uuid.NewV7()).String()
}

// Rules returns the district configuration.
func (o *Office) Rules() district.Config {
	if o.Config == nil {
		return district.Default()
	}
	return *o.Config
}

// Stamp formats the current instant for an instant column (RFC 3339 UTC).
func (o *Office) Stamp() string { return o.Clock().UTC().Format(time.RFC3339) }
