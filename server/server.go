package server

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"doorstep/server/store"
	"doorstep/sync/client/api"
)

// Config is how the server behaves. Zero fields take the defaults noted.
type Config struct {
	// MaxDrift is how far ahead of the server's clock a change's physical
	// time may be before the push is refused with clock_ahead. Default 10m.
	MaxDrift time.Duration
	// BodyLimit caps a request body as sent (compressed). Default 32 MiB.
	BodyLimit int64
	// BlobLimit caps one blob. Default 50 MiB.
	BlobLimit int64
	// Rate is the average requests per second one device may make, Burst
	// how many at once. Defaults 20 and 60; a negative Rate disables the
	// limit.
	Rate  float64
	Burst int
	// EnrollRate limits enrollment attempts per client address, EnrollBurst
	// how many may come at once: an office where every tablet enrolls
	// through one NAT address may need more. Defaults 0.2/s (one every 5 s)
	// and 10; a negative EnrollRate disables the limit.
	EnrollRate  float64
	EnrollBurst int
	// TokenTTL is how long a device token works after enrollment. Default
	// one year; negative means tokens never expire.
	TokenTTL time.Duration
	// PageSize is the most column changes in one pull page. Default 20000.
	PageSize int
	// MetricsToken is the bearer token /metrics requires; "" disables
	// /metrics.
	MetricsToken string
	// MinBodyRate is the slowest average rate, in bytes per second, at
	// which a request body may arrive once BodyGrace has passed; a slower
	// body is cut off (see bodyrate.go). Default 1024; negative disables
	// the check. BodyGrace defaults to 10s.
	MinBodyRate float64
	BodyGrace   time.Duration
	// SeenFlush is how often last-seen times and cursors are written to the
	// device table. Default 5s.
	SeenFlush time.Duration
	// MinAppVersion is the oldest app release the operator wants in the
	// field (e.g. "v0.2.0"); a device whose User-Agent names an older one
	// is logged, once per device and version. "" logs nothing.
	MinAppVersion string
	// MaxPulls is how many pulls the server reads and encodes at once;
	// more wait up to PullWait for a slot and are then answered 503 busy
	// with a Retry-After, so that a thousand tablets syncing at the same
	// moment queue instead of each holding a page in memory and sharing
	// the CPU until every one times out. Default 2 per CPU (at least 4);
	// negative: no limit. PullWait defaults to 10s.
	MaxPulls int
	PullWait time.Duration
	// VerifyEvery is how often the evidence follower (evidencefollow.go)
	// looks for changes it was not told of — pushes to other processes,
	// a lease that another process gave up or let run out. Default 1s.
	// VerifyLease is how long a process holds the verification lease
	// without renewing it. Default 15s.
	VerifyEvery time.Duration
	VerifyLease time.Duration
}

func (c Config) withDefaults() Config {
	if c.MaxDrift == 0 {
		c.MaxDrift = 10 * time.Minute
	}
	if c.BodyLimit == 0 {
		c.BodyLimit = 32 << 20
	}
	if c.BlobLimit == 0 {
		c.BlobLimit = 50 << 20
	}
	if c.Rate == 0 {
		c.Rate = 20
	}
	if c.Burst == 0 {
		c.Burst = 60
	}
	if c.EnrollRate == 0 {
		c.EnrollRate = 0.2
	}
	if c.EnrollBurst <= 0 {
		c.EnrollBurst = 10
	}
	if c.TokenTTL == 0 {
		c.TokenTTL = 365 * 24 * time.Hour
	}
	if c.TokenTTL < 0 {
		c.TokenTTL = 0
	}
	if c.PageSize <= 0 {
		c.PageSize = 20000
	}
	if c.MinBodyRate == 0 {
		c.MinBodyRate = 1024
	}
	if c.MinBodyRate < 0 {
		c.MinBodyRate = 0
	}
	if c.BodyGrace <= 0 {
		c.BodyGrace = 10 * time.Second
	}
	if c.MaxPulls == 0 {
		c.MaxPulls = max(4, 2*runtime.GOMAXPROCS(0))
	}
	if c.PullWait <= 0 {
		c.PullWait = 10 * time.Second
	}
	if c.SeenFlush <= 0 {
		c.SeenFlush = 5 * time.Second
	}
	if c.VerifyEvery <= 0 {
		c.VerifyEvery = time.Second
	}
	if c.VerifyLease <= 0 {
		c.VerifyLease = 15 * time.Second
	}
	return c
}

// Server serves the sync API over one store. Create it with New; it is
// safe for concurrent use.
type Server struct {
	store   *store.Store
	cfg     Config
	log     *slog.Logger
	metrics *Metrics
	now     func() time.Time

	limiter       store.Limiter // per device (ratelimit.go)
	enrollLimiter store.Limiter // per client address
	pulls         *gate         // nil: no limit (gate.go)

	seenMu sync.Mutex
	seen   map[string]store.Seen

	oldApps sync.Map // device + "/" + app version → struct{}: logged already

	follow follower // evidencefollow.go

	draining     atomic.Bool // drain.go
	toldOutdated atomic.Bool // the log said once that the store is outdated (errors.go)
}

// New returns a server over st. now is the clock (time.Now in
// production); log receives one line per request.
func New(st *store.Store, cfg Config, log *slog.Logger, now func() time.Time) *Server {
	cfg = cfg.withDefaults()
	return &Server{
		store:         st,
		cfg:           cfg,
		log:           log,
		metrics:       &Metrics{},
		now:           now,
		limiter:       st.Limiter(limitDevice, cfg.Rate, cfg.Burst, now),
		enrollLimiter: st.Limiter(limitEnroll, cfg.EnrollRate, cfg.EnrollBurst, now),
		seen:          map[string]store.Seen{},
		pulls:         newGate(cfg.MaxPulls),
		follow:        newFollower(),
	}
}

// Metrics returns the server's counters.
func (s *Server) Metrics() *Metrics { return s.metrics }

// Handler returns the HTTP handler of the whole API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET "+api.PathHealth, s.open("health", s.handleHealth))
	mux.Handle("POST "+api.PathEnroll, s.open("enroll", s.handleEnroll))
	mux.Handle("GET "+api.PathMetrics, s.open("metrics", s.handleMetrics))
	mux.Handle("GET "+api.PathReady, s.open("ready", s.handleReady))
	mux.Handle("GET "+api.PathMe, s.authed("me", s.handleMe))
	mux.Handle("POST "+api.PathPush, s.authed("push", s.handlePush))
	mux.Handle("GET "+api.PathPull, s.authed("pull", s.handlePull))
	mux.Handle("PUT "+api.PathBlobs+"{hash}", s.authed("blob_put", s.handleBlobPut))
	mux.Handle("HEAD "+api.PathBlobs+"{hash}", s.authed("blob_head", s.handleBlobHead))
	mux.Handle("GET "+api.PathBlobs+"{hash}", s.authed("blob_get", s.handleBlobGet))
	mux.Handle("/", s.open("unknown", s.handleUnknown))
	return mux
}

// handleUnknown answers paths and methods the API does not have.
func (s *Server) handleUnknown(w http.ResponseWriter, r *http.Request) error {
	for _, p := range []string{api.PathHealth, api.PathEnroll, api.PathMetrics, api.PathReady, api.PathMe, api.PathPush, api.PathPull} {
		if r.URL.Path == p {
			return api.Errorf(api.CodeMethod, "%s does not accept %s", p, r.Method)
		}
	}
	if strings.HasPrefix(r.URL.Path, api.PathBlobs) {
		return api.Errorf(api.CodeMethod, "blobs accept PUT, HEAD and GET, not %s", r.Method)
	}
	return api.Errorf(api.CodeNotFound, "no endpoint %s", r.URL.Path)
}

type openFunc func(w http.ResponseWriter, r *http.Request) error
type authedFunc func(w http.ResponseWriter, r *http.Request, c *call) error

// open wraps a handler that needs no device token.
func (s *Server) open(name string, h openFunc) http.Handler {
	return s.wrap(name, func(w http.ResponseWriter, r *http.Request) (string, error) {
		return "", h(w, r)
	})
}

// authed wraps a handler that needs a device token: authentication, the
// per-device rate limit and last-seen bookkeeping happen here, from the
// headers alone, before anything of the body is read.
func (s *Server) authed(name string, h authedFunc) http.Handler {
	return s.wrap(name, func(w http.ResponseWriter, r *http.Request) (string, error) {
		c, err := s.authenticate(r.Context(), r)
		if err != nil {
			return "", err
		}
		if err := rateLimit(r.Context(), s.limiter, c.device.ID,
			"too many requests from this device; retry after the time in Retry-After"); err != nil {
			return c.device.ID, err
		}
		s.markSeen(c.device.ID, "")
		return c.device.ID, h(w, r, c)
	})
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

// WriteHeader records the first status written.
func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Write counts the bytes of the body.
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (s *Server) wrap(name string, h func(w http.ResponseWriter, r *http.Request) (device string, err error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		outdated := s.store.Outdated()
		if s.draining.Load() || outdated {
			// Every answer of a draining or outdated process ends its
			// connection, so the client's next request goes through the
			// load balancer to another process (drain.go).
			sw.Header().Set("Connection", "close")
		}
		body := s.clockBody(sw, r)
		var device string
		var err error
		if outdated && name != "metrics" {
			// A process older than its database serves nothing more
			// (store.ErrOutdated); /metrics still tells the operator.
			err = store.ErrOutdated
		} else {
			device, err = h(sw, r)
		}
		s.noteAppVersion(r.Context(), device, r.UserAgent())
		if body.unread(r) {
			// Answered without reading the whole body (a refusal before
			// it, or a body cut off as too slow): close rather than wait.
			body.abandon(sw)
		}
		code := api.Code("")
		if err != nil {
			code = api.ErrorCode(err)
			s.writeError(sw, r, err)
		}
		dur := time.Since(start)
		s.metrics.Observe(name, dur)
		level := slog.LevelInfo
		if name == "health" || name == "metrics" || name == "ready" {
			level = slog.LevelDebug
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("endpoint", name), slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.String("code", string(code)), slog.String("device", device),
			slog.Int64("bytes_out", sw.bytes), slog.Float64("ms", float64(dur.Microseconds())/1000))
	})
}

// markSeen notes a device's request; cursor is its new pull cursor or "".
func (s *Server) markSeen(deviceID, cursor string) {
	s.seenMu.Lock()
	defer s.seenMu.Unlock()
	x := s.seen[deviceID]
	x.At = s.now()
	if cursor != "" {
		x.Cursor = cursor
	}
	s.seen[deviceID] = x
}

// FlushSeen writes the noted last-seen times and cursors to the store.
func (s *Server) FlushSeen(ctx context.Context) error {
	s.seenMu.Lock()
	batch := s.seen
	s.seen = map[string]store.Seen{}
	s.seenMu.Unlock()
	return s.store.RecordSeen(ctx, batch)
}

// Run does the server's background work until ctx ends: it verifies the
// evidence of what is stored (evidencefollow.go), and flushes last-seen
// bookkeeping every Config.SeenFlush, then once more at the end. A server
// whose Run is not running answers requests but verifies no evidence.
func (s *Server) Run(ctx context.Context) {
	followed := make(chan struct{})
	go func() { s.followEvidence(ctx); close(followed) }()
	defer func() { <-followed }()
	t := time.NewTicker(s.cfg.SeenFlush)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if err := s.FlushSeen(context.Background()); err != nil {
				s.log.Error("flush last-seen", "err", err)
			}
			return
		case <-t.C:
			if err := s.FlushSeen(ctx); err != nil {
				s.log.Error("flush last-seen", "err", err)
			}
		}
	}
}
