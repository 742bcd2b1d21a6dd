package wire

import (
	"errors"
	"fmt"
)

// Error kinds. Every error Decode and Unmarshal return is an *Error whose
// Kind is one of these, so callers can map them to responses with errors.Is.
var (
	// ErrMalformed: the bytes are not a changeset (bad magic, truncated,
	// counts out of range, trailing bytes, bad gzip).
	ErrMalformed = errors.New("malformed changeset")
	// ErrProto: the changeset uses a protocol version this build cannot read.
	ErrProto = errors.New("unsupported protocol version")
	// ErrSchemaVersion: the sender's schema is newer than ours (upgrade the
	// server first) or not a valid version.
	ErrSchemaVersion = errors.New("unsupported schema version")
	// ErrUnknownTable: a change names a table that is not synced.
	ErrUnknownTable = errors.New("unknown table")
	// ErrUnknownColumn: a change names a column its table does not sync.
	ErrUnknownColumn = errors.New("unknown column")
	// ErrBadValue: a value, id, clock, site, user or batch id is invalid
	// (wrong type for its column, not a UUID, zero clock, bad UTF-8, ...).
	ErrBadValue = errors.New("invalid value")
	// ErrTooLarge: the changeset exceeds MaxBytes or MaxChanges.
	ErrTooLarge = errors.New("changeset too large")
)

// Error is a decoding or encoding failure.
type Error struct {
	Kind   error  // one of the Err* sentinels
	Offset int    // byte offset in the uncompressed payload, -1 when not known
	Detail string // what exactly was wrong, for logs
}

// Error formats the failure.
func (e *Error) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("wire: %v at byte %d: %s", e.Kind, e.Offset, e.Detail)
	}
	return fmt.Sprintf("wire: %v: %s", e.Kind, e.Detail)
}

// Unwrap returns Kind, so errors.Is(err, wire.ErrUnknownTable) works.
func (e *Error) Unwrap() error { return e.Kind }

func errorf(kind error, off int, format string, args ...any) *Error {
	return &Error{Kind: kind, Offset: off, Detail: fmt.Sprintf(format, args...)}
}
