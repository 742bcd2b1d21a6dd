package server

import (
	"context"

	"doorstep/server/store"
	"doorstep/sync/client/api"
)

// The server's two rate limits, each a token bucket per key from the
// store (store.Store.Limiter): per device on every authenticated request,
// per client address on enrollment attempts. On SQLite the buckets are in
// this process's memory (one process serves the database); on PostgreSQL
// they are rows every process shares, so a device gets the same limit
// whichever process it reaches (docs/PROTOCOL.md, "Rate limits").

// Limiter kinds: the names of the buckets in the store.
const (
	limitDevice = "device"
	limitEnroll = "enroll"
)

// rateLimit takes a token of key from l; with none left it returns the
// rate_limited error whose Retry-After says when one will be. A limiter
// that fails (the database is unreachable) fails the request.
func rateLimit(ctx context.Context, l store.Limiter, key, message string) error {
	ok, wait, err := l.Allow(ctx, key)
	if err != nil {
		return err
	}
	if !ok {
		return &api.Error{Code: api.CodeRateLimited, RetryAfter: wait, Message: message}
	}
	return nil
}
