package server

import (
	"net/http"
	"time"

	"doorstep/sync/client/api"
)

// Draining: taking one of several server processes out of a load
// balancer's rotation before it stops, so that a restart or an upgrade
// refuses no device. doorstep-server serve --drain-delay D, on SIGTERM,
// calls Drain and keeps serving for D: /readyz answers 503 from then on,
// so the load balancer stops sending new connections here, and every
// answer closes its connection, so a device's next request (its pull after
// a push, say) reconnects and lands on another process. Requests keep
// being served in full meanwhile. After D the process stops as it would
// without a delay: no new connections, requests in flight finished.

// drainRetry is the Retry-After of /readyz while draining.
const drainRetry = 5 * time.Second

// Drain marks this process as about to stop: from now on /readyz answers
// 503 and every response closes its connection. It cannot be undone.
func (s *Server) Drain() { s.draining.Store(true) }

// handleReady answers a load balancer's readiness check: 503 busy while
// draining, and once the process found its database upgraded by a newer
// release (store.ErrOutdated); otherwise what /v1/health answers, which
// reads the database (so a process whose database does not answer is not
// ready either).
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) error {
	if s.draining.Load() {
		return &api.Error{Code: api.CodeBusy, RetryAfter: drainRetry,
			Message: "this server process is shutting down; other processes serve its devices"}
	}
	if err := s.store.CheckVersion(r.Context()); err != nil {
		return err
	}
	return s.handleHealth(w, r)
}

// boolGauge is a metric's value for a condition: 1 or 0.
func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
