package server

import (
	"context"
	"crypto/subtle"
	"net"
	"net/http"
	"strings"

	"doorstep/schema/scope"
	"doorstep/server/store"
	"doorstep/sync/client/api"
)

// call is what an authenticated request carries to its handler.
type call struct {
	device store.Device
	access *scope.User
}

// bearer returns the token of an "Authorization: Bearer ..." header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

// authenticate finds the request's device and resolves its user's access.
// Revocation and expiry are checked against the database on every request.
func (s *Server) authenticate(ctx context.Context, r *http.Request) (*call, error) {
	tok, ok := bearer(r)
	if !ok {
		return nil, api.Errorf(api.CodeUnauthorized, "missing \"Authorization: Bearer <device token>\" header")
	}
	d, a, err := s.store.Caller(ctx, tok)
	if err != nil {
		return nil, err
	}
	return &call{device: d, access: a}, nil
}

// metricsAllowed checks the scrape token in constant time.
func (s *Server) metricsAllowed(r *http.Request) error {
	if s.cfg.MetricsToken == "" {
		return api.Errorf(api.CodeNotFound, "metrics are disabled; start the server with --metrics-token")
	}
	tok, ok := bearer(r)
	if !ok || subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.MetricsToken)) != 1 {
		return api.Errorf(api.CodeUnauthorized, "metrics need \"Authorization: Bearer <metrics token>\"")
	}
	return nil
}

// clientAddr is the remote host, the key for limits on unauthenticated
// requests.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
