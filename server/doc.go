// Package server is Doorstep's sync server over HTTP: enrollment, bearer
// device tokens, push and pull of changesets within each user's scope,
// blobs, health and Prometheus metrics.
//
// Storage is package store, the access policy package scope; the binary
// that wires them together is cmd/doorstep-server.
package server
