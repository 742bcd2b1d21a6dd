package store

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"doorstep/sync/replica"
)

// WAL checkpoints of the SQLite store. SQLite's automatic checkpoint runs
// inside the commit that crosses 1,000 pages of WAL, so that commit (with
// synchronous=FULL, also an fsync of the database file) takes many times
// as long as the others — and with group commit it answers a whole group
// of pushes, each of which waits. So the store opens its replica with
// automatic checkpoints off and checkpoints on a timer in the background:
// a PASSIVE checkpoint (copies what no reader still needs, waits for
// nobody) each tick, and a TRUNCATE checkpoint (waits up to 200 ms for
// readers, holding off writers that long, empties the WAL file) only when
// the WAL has grown past a bound because readers kept passive ones from
// finishing.

// Checkpoint defaults (Options.CheckpointEvery, Options.WALTruncatePages).
const (
	defaultCheckpointEvery  = time.Second
	defaultWALTruncatePages = 4096 // 16 MB of 4 KiB pages
)

// CheckpointStats counts the background checkpoints of a SQLite store.
type CheckpointStats struct {
	// Passive and Truncate count checkpoints completed of each kind; Busy
	// those that could not finish for readers on the WAL (a passive one
	// copied part of it, a truncating one gave up); Errors the failed.
	Passive, Truncate, Busy, Errors int64
	// WALPages is the WAL's size after the last checkpoint, in pages.
	WALPages int64
}

// truncateRest is how many ticks a truncating checkpoint that gave up
// waits before it is tried again.
const truncateRest = 10

// checkpointer runs a SQLite store's checkpoints until closed.
type checkpointer struct {
	rep           *replica.Replica
	truncatePages int
	stop          chan struct{}
	stopOnce      sync.Once
	done          sync.WaitGroup
	// rest is how many ticks to wait before the next truncating
	// checkpoint after one gave up (a reader held the WAL): each attempt
	// holds writers off for up to 200 ms, so retrying at every tick while
	// a long pull reads would starve pushes. Only the ticker's goroutine
	// uses it.
	rest int

	passive, truncate, busy, errs, wal atomic.Int64
}

// startCheckpointer checkpoints rep every interval in a goroutine.
func startCheckpointer(rep *replica.Replica, every time.Duration, truncatePages int) *checkpointer {
	c := &checkpointer{rep: rep, truncatePages: truncatePages, stop: make(chan struct{})}
	c.done.Add(1)
	go func() {
		defer c.done.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
				c.once(context.Background())
			}
		}
	}()
	return c
}

// once runs one passive checkpoint, and a truncating one when the WAL is
// still past the bound.
func (c *checkpointer) once(ctx context.Context) {
	wal, copied, busy, err := c.rep.Checkpoint(ctx, false)
	if err != nil {
		c.errs.Add(1)
		return
	}
	c.passive.Add(1)
	if busy || copied < wal {
		c.busy.Add(1)
	}
	if c.rest > 0 {
		c.rest--
	} else if wal > c.truncatePages {
		// Readers still on the WAL make it give up quickly (busy): it is
		// tried again next tick.
		w, _, busy, err := c.rep.Checkpoint(ctx, true)
		if err != nil {
			c.errs.Add(1)
			return
		}
		if busy {
			c.busy.Add(1)
			c.rest = truncateRest
		} else {
			wal = w
			c.truncate.Add(1)
		}
	}
	c.wal.Store(int64(wal))
}

// close stops the checkpoints and waits for one under way. Closing twice
// (a Store closed twice) is harmless.
func (c *checkpointer) close() {
	c.stopOnce.Do(func() { close(c.stop) })
	c.done.Wait()
}

func (c *checkpointer) stats() CheckpointStats {
	return CheckpointStats{Passive: c.passive.Load(), Truncate: c.truncate.Load(), Busy: c.busy.Load(),
		Errors: c.errs.Load(), WALPages: c.wal.Load()}
}

// CheckpointStats returns the background checkpoints run so far: zero on
// PostgreSQL, or with Options.CheckpointEvery negative.
func (s *Store) CheckpointStats() CheckpointStats {
	if e, ok := s.eng.(sqliteEngine); ok && e.ckpt != nil {
		return e.ckpt.stats()
	}
	return CheckpointStats{}
}
