package server

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"

	"doorstep/server/store"
	"doorstep/sync/client/api"
)

// toAPIError turns any handler error into the error a device sees. Errors
// that are not *api.Error are internal: they are logged, never shown.
func toAPIError(err error) (e *api.Error, internal bool) {
	if errors.As(err, &e) {
		return e, false
	}
	if errors.Is(err, store.ErrOutdated) {
		return &api.Error{Code: api.CodeBusy, RetryAfter: drainRetry,
			Message: "this server process is older than its database, which a newer release upgraded; other processes serve its devices"}, false
	}
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return api.Errorf(api.CodeTooLarge, "request body is over the %d-byte limit", mb.Limit), false
	}
	return &api.Error{Code: api.CodeInternal, Message: "internal server error; see the server log"}, true
}

// writeError answers a request with the JSON error body and its status.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e, internal := toAPIError(err)
	if internal {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if errors.Is(err, store.ErrOutdated) && !s.toldOutdated.Swap(true) {
		s.log.Error("the database was upgraded by a newer release: this process answers every request busy and must be replaced", "err", err)
	}
	s.metrics.Reject(e.Code)
	if (e.Code == api.CodeRateLimited || e.Code == api.CodeBusy) && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
	}
	if e.Code == api.CodeBadOffset && e.Offset != nil {
		w.Header().Set(api.HeaderUploadOffset, strconv.FormatInt(*e.Offset, 10))
	}
	writeJSON(w, e.Code.Status(), e)
}

// writeJSON writes v as the JSON response body with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v) //nolint:errcheck // the client went away; nothing to do
}
