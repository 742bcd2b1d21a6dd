// Package client is the device side of Doorstep's HTTP sync API: enroll
// with a one-time code, push changesets, pull pages of changes, move blobs.
//
// Failures are typed: *api.Error carries the server's code (and its time for
// clock_ahead); ErrUnreachable means the server could not be reached at all.
package client
