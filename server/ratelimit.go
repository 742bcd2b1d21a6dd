package server

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// RateLimiter is a token bucket per key (a device id, or a client address
// for enrollment): Rate requests per second on average, bursts of Burst,
// each bucket a golang.org/x/time/rate.Limiter read against Now (so tests
// drive time). It is safe for concurrent use. Buckets live in the
// process's memory: with several server processes each limits what
// reaches it (docs/PROTOCOL.md says why that is enough).
type RateLimiter struct {
	Rate  float64
	Burst float64
	Now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

// maxBuckets bounds memory: past it, buckets that have refilled are dropped.
const maxBuckets = 10000

// NewRateLimiter returns a limiter; rate <= 0 disables limiting.
func NewRateLimiter(r, burst float64, now func() time.Time) *RateLimiter {
	if burst < 1 {
		burst = 1
	}
	return &RateLimiter{Rate: r, Burst: burst, Now: now, buckets: map[string]*rate.Limiter{}}
}

// Allow takes one token from key's bucket. When none is left it returns
// false and how long until one will be.
func (l *RateLimiter) Allow(key string) (bool, time.Duration) {
	if l == nil || l.Rate <= 0 {
		return true, 0
	}
	now := l.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.prune(now)
		}
		b = rate.NewLimiter(rate.Limit(l.Rate), int(l.Burst))
		l.buckets[key] = b
	}
	r := b.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Duration(float64(time.Second) / l.Rate)
	}
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		return false, wait
	}
	return true, 0
}

func (l *RateLimiter) prune(now time.Time) {
	for k, b := range l.buckets {
		if b.TokensAt(now) >= l.Burst {
			delete(l.buckets, k)
		}
	}
}
