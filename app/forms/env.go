package forms

import (
	"database/sql"
	"time"

	"doorstep/schema/district"
)

// Env is what every form needs from the app: the device database, the
// clock, the district's rules and who is signed in.
type Env struct {
	// DB is the device database; saves write the synced tables through it.
	DB *sql.DB
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Config is the district's rule configuration.
	Config district.Config
	// UserID is the signed-in user's staff id, recorded as the author.
	UserID string
	// NewID makes record ids; nil means NewID (UUID v7).
	NewID func() string
	// Sign signs submitted records (evidence); nil signs nothing.
	Sign Signer
}

func (e Env) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

// Time returns the current time by the Env's clock.
func (e Env) Time() time.Time { return e.now() }

func (e Env) newID() string {
	if e.NewID == nil {
		return NewID()
	}
	return e.NewID()
}

// Today returns today's calendar date (in local time) as midnight UTC, the
// form in which dates are stored and the rules take their reference date.
func (e Env) Today() time.Time {
	y, m, d := e.now().Local().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// stamp is the current instant as stored: RFC 3339 UTC.
func (e Env) stamp() string { return e.now().UTC().Format(time.RFC3339) }
