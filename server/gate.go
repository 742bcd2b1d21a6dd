package server

import (
	"context"
	"math/rand/v2"
	"time"

	"doorstep/sync/client/api"
)

// gate admits at most n requests of a kind at once (pulls: each reads and
// encodes a page of up to PageSize changes, so n bounds the memory and the
// CPU they hold together). A request waits for a slot up to a limit, then
// is answered busy with a Retry-After a device honours like rate_limited's;
// the wait is spread (2–6 s) so that refused devices do not come back
// together.
type gate struct {
	slots chan struct{}
}

// newGate returns a gate of n slots; nil (no limit) when n < 0.
func newGate(n int) *gate {
	if n < 0 {
		return nil
	}
	return &gate{slots: make(chan struct{}, n)}
}

// enter takes a slot, waiting at most wait; release gives it back. A nil
// gate admits everything.
func (g *gate) enter(ctx context.Context, wait time.Duration) (release func(), err error) {
	if g == nil {
		return func() {}, nil
	}
	select {
	case g.slots <- struct{}{}:
		return g.leave, nil
	default:
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return g.leave, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		e := api.Errorf(api.CodeBusy, "the server is serving %d pulls at once; try again in a few seconds", cap(g.slots))
		e.RetryAfter = time.Duration(2+rand.IntN(5)) * time.Second
		return nil, e
	}
}

func (g *gate) leave() { <-g.slots }
