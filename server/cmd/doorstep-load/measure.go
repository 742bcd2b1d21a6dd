package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// dueCounter counts the pushes and pulls the devices' timers called for in
// the measured window, whether or not the device could start them on time.
type dueCounter struct{ push, pull atomic.Int64 }

// measure runs every device's timers for cfg.duration. Each device has one
// push timer and one pull timer, started at a random phase within their
// period so the fleet's requests spread out; like the app, a device does
// one thing at a time, so a slow answer delays its next request (the
// ticks it missed still count as due). Requests in flight when the window
// closes may finish, for at most cfg.grace, and are recorded.
func measure(ctx context.Context, cfg config, devs []*device, rec *recorder, due *dueCounter) {
	reqCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	end := start.Add(cfg.duration)
	var wg sync.WaitGroup
	for _, d := range devs {
		nextPush := start.Add(time.Duration(d.rng.Int64N(int64(cfg.pushEvery))))
		nextPull := start.Add(time.Duration(d.rng.Int64N(int64(cfg.pullEvery))))
		wg.Go(func() {
			for ctx.Err() == nil {
				next, isPush := nextPull, false
				if nextPush.Before(nextPull) {
					next, isPush = nextPush, true
				}
				if !next.Before(end) {
					return
				}
				if wait := time.Until(next); wait > 0 {
					select {
					case <-ctx.Done():
						return
					case <-time.After(wait):
					}
				}
				if isPush {
					d.push(reqCtx, rec, cfg.batchRows)
					nextPush = advance(nextPush, cfg.pushEvery, end, &due.push)
				} else {
					d.pull(reqCtx, rec, nil) //nolint:errcheck // recorded by code in rec
					nextPull = advance(nextPull, cfg.pullEvery, end, &due.pull)
				}
			}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Until(end) + cfg.grace):
		cancel()
		<-done
	}
}

// advance counts the tick at t as due, and every later tick that has passed
// already (the device was busy), and returns the next tick still ahead.
// Ticks at or after end are not counted.
func advance(t time.Time, every time.Duration, end time.Time, due *atomic.Int64) time.Time {
	now := time.Now()
	for {
		if t.Before(end) {
			due.Add(1)
		}
		t = t.Add(every)
		if t.After(now) {
			return t
		}
	}
}
