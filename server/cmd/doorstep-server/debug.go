package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// startDebug serves Go's profiler (net/http/pprof under /debug/pprof/) on
// addr, a listener of its own beside the sync API, for an operator finding
// where a busy server spends its time: e.g.
//
//	go tool pprof http://127.0.0.1:6060/debug/pprof/profile?seconds=20
//
// Profiles show the server's internals, so serve has already refused an
// addr that is not loopback (checkDebugAddr, before opening the store). It
// returns a function that closes the listener.
func startDebug(addr string, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for the profiler on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("profiler listener stopped", "addr", addr, "err", err)
		}
	}()
	log.Info("profiler listening", "addr", ln.Addr().String())
	return func() { _ = hs.Close() }, nil
}

// checkDebugAddr refuses a --debug-addr that is not host:port on a
// loopback address.
func checkDebugAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usageError{"--debug-addr: " + err.Error()}
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usageError{fmt.Sprintf("--debug-addr %s: the profiler listens on a loopback address only (127.0.0.1:6060, [::1]:6060 or localhost:6060)", addr)}
	}
	return nil
}
