// Package api is the vocabulary of Doorstep's HTTP sync API shared by the
// server and the device client: paths, headers, JSON bodies and error codes.
//
// Changesets themselves travel in the sync/wire encoding; everything else is
// JSON. docs/PROTOCOL.md ("HTTP API") describes each endpoint with examples.
package api
