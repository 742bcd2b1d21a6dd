package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Code is a stable, machine-readable error code of the sync API. Devices
// branch on it; messages are for people and may change.
type Code string

// The error codes. Each maps to one HTTP status (see Status); the table in
// docs/PROTOCOL.md lists them with what the device should do.
const (
	CodeBadRequest     Code = "bad_request"        // malformed body, header or parameter
	CodeUnauthorized   Code = "unauthorized"       // missing or unknown token, or a bad enrollment code
	CodeExpired        Code = "expired"            // the device token has expired: enroll again
	CodeRevoked        Code = "revoked"            // the device was revoked by an administrator
	CodeForbiddenScope Code = "forbidden_scope"    // a row outside the user's communities, street or pairings
	CodeForbiddenRole  Code = "forbidden_role"     // the user's role may not write (or read) this table
	CodeAppendOnly     Code = "append_only"        // an event row that exists already may not be edited
	CodeUnknownTable   Code = "unknown_table"      // a table that is not in the registry
	CodeUnknownColumn  Code = "unknown_column"     // a column that is not in the registry
	CodeBadValue       Code = "bad_value"          // a value of the wrong type for its column
	CodeClockAhead     Code = "clock_ahead"        // change clocks too far ahead of the server's; see ServerTime
	CodeSchemaTooOld   Code = "schema_too_old"     // the device's schema version is no longer accepted: update the app
	CodeSchemaTooNew   Code = "schema_too_new"     // the device speaks a newer schema than the server: update the server
	CodeTooLarge       Code = "too_large"          // body or blob over the configured limit
	CodeRateLimited    Code = "rate_limited"       // too many requests; see Retry-After
	CodeBusy           Code = "busy"               // the server has as many pulls in hand as it serves at once; see Retry-After
	CodeSiteMismatch   Code = "site_mismatch"      // a changeset or change naming another device's site
	CodeNotFound       Code = "not_found"          // no such endpoint, blob or device
	CodeHashMismatch   Code = "hash_mismatch"      // uploaded bytes do not hash to the blob's name
	CodeBadOffset      Code = "bad_offset"         // a resumed upload does not continue where the server is; see Offset
	CodeMethod         Code = "method_not_allowed" // a known path with the wrong method
	CodeBatchReused    Code = "batch_reused"       // a push under a stored batch id with other changes than the stored batch
	CodeInternal       Code = "internal"           // a server fault; details are in the server log only
)

var statuses = map[Code]int{
	CodeBadRequest:     http.StatusBadRequest,
	CodeUnauthorized:   http.StatusUnauthorized,
	CodeExpired:        http.StatusUnauthorized,
	CodeRevoked:        http.StatusUnauthorized,
	CodeForbiddenScope: http.StatusForbidden,
	CodeForbiddenRole:  http.StatusForbidden,
	CodeAppendOnly:     http.StatusForbidden,
	CodeUnknownTable:   http.StatusUnprocessableEntity,
	CodeUnknownColumn:  http.StatusUnprocessableEntity,
	CodeBadValue:       http.StatusUnprocessableEntity,
	CodeClockAhead:     http.StatusUnprocessableEntity,
	CodeSchemaTooOld:   http.StatusUpgradeRequired,
	CodeSchemaTooNew:   http.StatusUnprocessableEntity,
	CodeTooLarge:       http.StatusRequestEntityTooLarge,
	CodeRateLimited:    http.StatusTooManyRequests,
	CodeSiteMismatch:   http.StatusForbidden,
	CodeNotFound:       http.StatusNotFound,
	CodeHashMismatch:   http.StatusUnprocessableEntity,
	CodeBadOffset:      http.StatusConflict,
	CodeMethod:         http.StatusMethodNotAllowed,
	CodeBatchReused:    http.StatusConflict,
	CodeInternal:       http.StatusInternalServerError,
	CodeBusy:           http.StatusServiceUnavailable,
}

// Codes returns every defined code, for documentation and metrics.
func Codes() []Code {
	return []Code{CodeBadRequest, CodeUnauthorized, CodeExpired, CodeRevoked,
		CodeForbiddenScope, CodeForbiddenRole, CodeAppendOnly, CodeUnknownTable,
		CodeUnknownColumn, CodeBadValue, CodeClockAhead, CodeSchemaTooOld,
		CodeSchemaTooNew, CodeTooLarge, CodeRateLimited, CodeSiteMismatch,
		CodeNotFound, CodeHashMismatch, CodeBadOffset, CodeMethod, CodeBatchReused, CodeInternal, CodeBusy}
}

// Status returns the HTTP status for a code; unknown codes are 500.
func (c Code) Status() int {
	if s, ok := statuses[c]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Error is the JSON body of every error response, and the error value the
// server's handlers return and the device client hands back to the app.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
	// ServerTime is set with CodeClockAhead so the device can show how far
	// its clock is off.
	ServerTime *time.Time `json:"server_time,omitempty"`
	// Offset is set with CodeBadOffset: the number of bytes of the blob the
	// server holds, where the upload must resume.
	Offset *int64 `json:"offset,omitempty"`
	// Rows is set with CodeForbiddenScope and CodeForbiddenRole on a push:
	// every row of the batch the user may not write, so the device can set
	// those rows' writes aside and push the rest.
	Rows []RowRef `json:"rows,omitempty"`
	// RetryAfter is set with CodeRateLimited and CodeBusy (from the
	// Retry-After header on the client side); zero otherwise.
	RetryAfter time.Duration `json:"-"`
}

// RowRef names one row of a synced table.
type RowRef struct {
	Table string `json:"table"`
	ID    string `json:"id"`
}

// Error implements error.
func (e *Error) Error() string {
	if e.Message == "" {
		return string(e.Code)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or
// CodeInternal for any other non-nil error and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}
