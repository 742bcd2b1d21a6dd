package server

import (
	"errors"
	"io"
	"net/http"
	"os"
	"time"

	"doorstep/sync/client/api"
)

// Request bodies are read against a clock, not a flat timeout: a body must
// arrive at an average of at least Config.MinBodyRate bytes per second,
// after Config.BodyGrace. Before each read of the body the connection's
// read deadline is set to
//
//	start + BodyGrace + (bytes received so far) / MinBodyRate
//
// so an honest upload over a slow link takes as long as it needs, while a
// client dribbling a few bytes now and then is cut off within seconds. A
// request answered without reading its body (any refusal before it, e.g. a
// missing token) closes the connection at once instead of waiting for the
// body.

// bodyClock is a request body that moves the read deadline as bytes arrive.
type bodyClock struct {
	body    io.ReadCloser
	rc      *http.ResponseController
	start   time.Time
	grace   time.Duration
	minRate float64 // bytes per second
	n       int64
	eof     bool
	slow    bool
}

// Read implements io.Reader.
func (b *bodyClock) Read(p []byte) (int, error) {
	if b.eof {
		// Past the end: touching the deadline now would arm it for the
		// background read net/http starts at the end of the body.
		return 0, io.EOF
	}
	if b.minRate > 0 {
		allowed := b.grace + time.Duration(float64(b.n)/b.minRate*float64(time.Second))
		b.rc.SetReadDeadline(b.start.Add(allowed)) //nolint:errcheck // unsupported writers keep the server's own limits
	}
	n, err := b.body.Read(p)
	b.n += int64(n)
	if err == io.EOF {
		b.eof = true
		// The whole body is in: lift the deadline, or net/http's read in
		// the background (watching for the client going away) would time
		// out at it and cancel the request while the handler still works.
		b.rc.SetReadDeadline(time.Time{}) //nolint:errcheck // unsupported writers keep the server's own limits
	}
	if err != nil && errors.Is(err, os.ErrDeadlineExceeded) {
		b.slow = true
		return n, &api.Error{Code: api.CodeBadRequest,
			Message: "request body arrived too slowly (under the server's minimum rate); send it again"}
	}
	return n, err
}

// Close implements io.Closer.
func (b *bodyClock) Close() error { return b.body.Close() }

// clockBody puts the clock in front of r's body.
func (s *Server) clockBody(w http.ResponseWriter, r *http.Request) *bodyClock {
	b := &bodyClock{body: r.Body, rc: http.NewResponseController(w), start: time.Now(),
		grace: s.cfg.BodyGrace, minRate: s.cfg.MinBodyRate}
	r.Body = b
	return b
}

// unread reports whether the request still has body bytes the handler did
// not read.
func (b *bodyClock) unread(r *http.Request) bool {
	return !b.eof && (r.ContentLength < 0 || b.n < r.ContentLength)
}

// abandon makes net/http give up an unread body at once: the answer says
// the connection closes, and the read deadline passes now, so nothing
// waits for the rest of a slow body.
func (b *bodyClock) abandon(w http.ResponseWriter) {
	w.Header().Set("Connection", "close")
	b.rc.SetReadDeadline(time.Now()) //nolint:errcheck // unsupported writers keep the server's own limits
}
