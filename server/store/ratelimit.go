package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is a token bucket per key (a device id, or a client address for
// enrollment): requests at a sustained rate per second, bursts up to a
// number, read against an injected clock. It is safe for concurrent use.
type Limiter interface {
	// Allow takes one token from key's bucket. When none is left it
	// returns false and how long until one will be. An error (the
	// database is unreachable) takes no token.
	Allow(ctx context.Context, key string) (ok bool, wait time.Duration, err error)
}

// Limiter returns the store's rate limiter of the buckets named kind
// ("device", "enroll"): r requests per second on average, bursts of
// burst, read against now. r <= 0 disables limiting.
//
// A SQLite store serves one process and keeps its buckets in that
// process's memory. A PostgreSQL store may serve several processes, so
// its buckets are rows of the UNLOGGED table rate_buckets, each request
// one upsert that refills, takes and answers (pgLimiter): a device or an
// address gets the same limit whichever process it reaches. Limits
// configured differently in two processes each apply to the requests that
// process serves, against the shared bucket.
func (s *Store) Limiter(kind string, r float64, burst int, now func() time.Time) Limiter {
	if r <= 0 {
		return unlimited{}
	}
	burst = max(burst, 1)
	if s.Postgres() {
		return &pgLimiter{db: s.db, kind: kind, rate: r, burst: float64(burst), now: now}
	}
	return NewMemoryLimiter(r, burst, now)
}

// unlimited allows everything.
type unlimited struct{}

func (unlimited) Allow(context.Context, string) (bool, time.Duration, error) { return true, 0, nil }

// MemoryLimiter keeps its buckets in this process's memory: each a
// golang.org/x/time/rate.Limiter read against Now.
type MemoryLimiter struct {
	rate  float64
	burst int
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

// maxBuckets bounds a MemoryLimiter's memory: past it, buckets that have
// refilled are dropped.
const maxBuckets = 10000

// NewMemoryLimiter returns an in-memory limiter of r requests per second
// (r > 0) and bursts of burst (at least 1).
func NewMemoryLimiter(r float64, burst int, now func() time.Time) *MemoryLimiter {
	return &MemoryLimiter{rate: r, burst: max(burst, 1), now: now, buckets: map[string]*rate.Limiter{}}
}

// Allow takes one token from key's bucket; it never fails.
func (l *MemoryLimiter) Allow(_ context.Context, key string) (bool, time.Duration, error) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			for k, old := range l.buckets {
				if old.TokensAt(now) >= float64(l.burst) {
					delete(l.buckets, k)
				}
			}
		}
		b = rate.NewLimiter(rate.Limit(l.rate), l.burst)
		l.buckets[key] = b
	}
	r := b.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Duration(float64(time.Second) / l.rate), nil
	}
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		return false, wait, nil
	}
	return true, 0, nil
}

// pgLimiter keeps its buckets in rate_buckets, shared by every process on
// the database. One statement per request, outside the store's write lock
// (the advisory lock merges hold): a request never waits for a merge, only
// for the row lock of its own bucket, held for that one statement.
type pgLimiter struct {
	db    *sql.DB
	kind  string
	rate  float64 // tokens per second
	burst float64
	now   func() time.Time

	mu        sync.Mutex
	lastPrune time.Time
}

// pgPruneEvery is how often a process deletes the buckets that have
// refilled (they hold nothing a new bucket would not).
const pgPruneEvery = time.Minute

// pgTakeToken is the token bucket in one upsert: a new bucket starts full
// and gives one token; an existing one refills by the time elapsed since
// it was last touched (never negative: processes' clocks differ a
// little), capped at the burst, and gives one token if it holds one. It
// answers whether it gave one and what is left. Times are microseconds
// since 1970 by the calling process's clock.
//
// Parameters: kind, key, now, tokens per microsecond, burst.
const pgTakeToken = `
INSERT INTO rate_buckets AS b (kind, key, tokens, at, granted)
VALUES ($1, $2, $5::float8 - 1, $3::bigint, true)
ON CONFLICT (kind, key) DO UPDATE SET
    tokens = least($5::float8, b.tokens + greatest($3::bigint - b.at, 0) * $4::float8)
        - CASE WHEN least($5::float8, b.tokens + greatest($3::bigint - b.at, 0) * $4::float8) >= 1 THEN 1 ELSE 0 END,
    granted = least($5::float8, b.tokens + greatest($3::bigint - b.at, 0) * $4::float8) >= 1,
    at = greatest(b.at, $3::bigint)
RETURNING granted, tokens`

// Allow takes one token from the shared bucket.
func (l *pgLimiter) Allow(ctx context.Context, key string) (bool, time.Duration, error) {
	now := l.now()
	if err := l.prune(ctx, now); err != nil {
		return false, 0, err
	}
	var granted bool
	var left float64
	err := l.db.QueryRowContext(ctx, pgTakeToken, l.kind, key, now.UnixMicro(), l.rate/1e6, l.burst).Scan(&granted, &left)
	if err != nil {
		return false, 0, fmt.Errorf("rate limit %s: %w", l.kind, err)
	}
	if granted {
		return true, 0, nil
	}
	return false, time.Duration((1 - left) / l.rate * float64(time.Second)), nil
}

// prune deletes this kind's full buckets, at most once per pgPruneEvery
// in this process, so the table holds the keys seen lately, not every
// address that ever tried to enroll.
func (l *pgLimiter) prune(ctx context.Context, now time.Time) error {
	l.mu.Lock()
	due := now.Sub(l.lastPrune) >= pgPruneEvery
	if due {
		l.lastPrune = now
	}
	l.mu.Unlock()
	if !due {
		return nil
	}
	_, err := l.db.ExecContext(ctx, `DELETE FROM rate_buckets WHERE kind = $1 AND tokens + greatest($2::bigint - at, 0) * $3::float8 >= $4::float8`,
		l.kind, now.UnixMicro(), l.rate/1e6, l.burst)
	if err != nil {
		return fmt.Errorf("rate limit %s: prune: %w", l.kind, err)
	}
	return nil
}
