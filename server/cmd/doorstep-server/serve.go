package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"doorstep/server"
	"doorstep/server/store"
	"doorstep/sync/version"
)

// serve runs the API until ctx ends (SIGTERM or Ctrl-C), then stops taking
// requests, lets in-flight ones (pushes above all) finish, and closes the
// database.
func serve(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs)
	addr := fs.String("addr", env("DOORSTEP_ADDR", ":8443"), "listen address (env DOORSTEP_ADDR)")
	cert := fs.String("tls-cert", env("DOORSTEP_TLS_CERT", ""), "TLS certificate PEM file; plain HTTP when empty (env DOORSTEP_TLS_CERT)")
	key := fs.String("tls-key", env("DOORSTEP_TLS_KEY", ""), "TLS private key PEM file (env DOORSTEP_TLS_KEY)")
	blobs := fs.String("blobs", env("DOORSTEP_BLOBS", ""), "directory for blobs; <db>-blobs when empty for SQLite, required for PostgreSQL (env DOORSTEP_BLOBS)")
	drift := fs.Duration("max-drift", envDuration("DOORSTEP_MAX_DRIFT", 10*time.Minute), "how far ahead of the server a change's clock may be (env DOORSTEP_MAX_DRIFT)")
	bodyLimit := fs.String("body-limit", env("DOORSTEP_BODY_LIMIT", "32MiB"), "largest request body (env DOORSTEP_BODY_LIMIT)")
	blobLimit := fs.String("blob-limit", env("DOORSTEP_BLOB_LIMIT", "50MiB"), "largest blob (env DOORSTEP_BLOB_LIMIT)")
	rate := fs.Float64("rate", envFloat("DOORSTEP_RATE", 20), "requests per second per device, negative = unlimited (env DOORSTEP_RATE)")
	burst := fs.Int("burst", int(envFloat("DOORSTEP_BURST", 60)), "request burst per device (env DOORSTEP_BURST)")
	enrollRate := fs.Float64("enroll-rate", envFloat("DOORSTEP_ENROLL_RATE", 0.2), "enrollment attempts per second per client address, negative = unlimited (env DOORSTEP_ENROLL_RATE)")
	enrollBurst := fs.Int("enroll-burst", int(envFloat("DOORSTEP_ENROLL_BURST", 10)), "enrollment attempts at once per client address (env DOORSTEP_ENROLL_BURST)")
	minBodyRate := fs.String("min-body-rate", env("DOORSTEP_MIN_BODY_RATE", "1KiB"), "slowest average rate (bytes per second) a request body may arrive at after --body-grace; 0 disables (env DOORSTEP_MIN_BODY_RATE)")
	bodyGrace := fs.Duration("body-grace", envDuration("DOORSTEP_BODY_GRACE", 10*time.Second), "time a request body has before --min-body-rate applies (env DOORSTEP_BODY_GRACE)")
	tokenTTL := fs.Duration("token-ttl", envDuration("DOORSTEP_TOKEN_TTL", 365*24*time.Hour), "device token lifetime, negative = never expires (env DOORSTEP_TOKEN_TTL)")
	metricsToken := fs.String("metrics-token", env("DOORSTEP_METRICS_TOKEN", ""), "bearer token for /metrics; /metrics is off when empty (env DOORSTEP_METRICS_TOKEN)")
	minApp := fs.String("min-app-version", env("DOORSTEP_MIN_APP_VERSION", ""), "log devices whose app is older than this release, e.g. v0.2.0 (env DOORSTEP_MIN_APP_VERSION)")
	maxPulls := fs.Int("max-pulls", int(envFloat("DOORSTEP_MAX_PULLS", 0)), "pulls served at once; more wait up to --pull-wait, then get 503 busy with Retry-After; 0 = 2 per CPU (at least 4), negative = no limit (env DOORSTEP_MAX_PULLS)")
	pullWait := fs.Duration("pull-wait", envDuration("DOORSTEP_PULL_WAIT", 10*time.Second), "how long a pull waits for one of --max-pulls before it is answered busy (env DOORSTEP_PULL_WAIT)")
	drainDelay := fs.Duration("drain-delay", envDuration("DOORSTEP_DRAIN_DELAY", 0), "on SIGTERM, keep serving this long with /readyz answering 503 and every connection closed after its answer, so a load balancer moves devices to other processes before this one stops; a second signal ends it early; 0 = stop at once (env DOORSTEP_DRAIN_DELAY)")
	debugAddr := fs.String("debug-addr", env("DOORSTEP_DEBUG_ADDR", ""), "loopback address to serve Go's profiler (/debug/pprof/) on, e.g. 127.0.0.1:6060; off when empty (env DOORSTEP_DEBUG_ADDR)")
	logLevel := fs.String("log-level", env("DOORSTEP_LOG_LEVEL", "info"), "debug, info, warn or error (env DOORSTEP_LOG_LEVEL)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if store.IsPostgres(*db) && *blobs == "" {
		return usageError{"--blobs is required with a PostgreSQL database: every server process must use the same blob directory (a shared filesystem)"}
	}
	if *debugAddr != "" {
		if err := checkDebugAddr(*debugAddr); err != nil {
			return err
		}
	}
	if *drainDelay < 0 {
		return usageError{"--drain-delay may not be negative"}
	}
	if (*cert == "") != (*key == "") {
		return usageError{"--tls-cert and --tls-key go together"}
	}
	body, err := parseSize(*bodyLimit)
	if err != nil {
		return usageError{"--body-limit: " + err.Error()}
	}
	blob, err := parseSize(*blobLimit)
	if err != nil {
		return usageError{"--blob-limit: " + err.Error()}
	}
	minRate, err := parseSize(*minBodyRate)
	if err != nil {
		return usageError{"--min-body-rate: " + err.Error()}
	}
	if minRate == 0 {
		minRate = -1 // Config: negative disables
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return usageError{"--log-level: " + err.Error()}
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))

	st, err := store.Open(ctx, *db, store.Options{Now: time.Now, BlobDir: *blobs, MaxDrift: *drift})
	if err != nil {
		return err
	}
	defer st.Close()
	epoch, err := st.StartEpoch(ctx)
	if err != nil {
		return err
	}
	if n, err := st.PrunePartialUploads(7 * 24 * time.Hour); err != nil {
		log.Warn("prune unfinished uploads", "err", err)
	} else if n > 0 {
		log.Info("pruned unfinished uploads older than a week", "count", n)
	}
	srv := server.New(st, server.Config{
		MaxDrift: *drift, BodyLimit: body, BlobLimit: blob, Rate: *rate, Burst: *burst,
		EnrollRate: *enrollRate, EnrollBurst: *enrollBurst,
		MinBodyRate: float64(minRate), BodyGrace: *bodyGrace,
		TokenTTL: *tokenTTL, MetricsToken: *metricsToken, MinAppVersion: *minApp,
		MaxPulls: *maxPulls, PullWait: *pullWait,
	}, log, time.Now)
	log.Info("doorstep-server starting", "version", version.String(), "addr", *addr, "min_app_version", *minApp)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	if *debugAddr != "" {
		stopDebug, err := startDebug(*debugAddr, log)
		if err != nil {
			ln.Close()
			return err
		}
		defer stopDebug()
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		// No ReadTimeout: bodies are read against --min-body-rate instead
		// (server/bodyrate.go), so a 1 MiB blob piece over a poor mobile
		// link takes what it needs and a dribbling client is cut off.
		IdleTimeout: 2 * time.Minute,
		ErrorLog:    slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	runCtx, stopRun := context.WithCancel(context.Background())
	runDone := make(chan struct{})
	go func() { srv.Run(runCtx); close(runDone) }()

	errc := make(chan error, 1)
	go func() {
		if *cert != "" {
			errc <- hs.ServeTLS(ln, *cert, *key)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	log.Info("serving", "addr", ln.Addr().String(), "db", *db, "epoch", epoch, "tls", *cert != "", "pid", os.Getpid())

	select {
	case err = <-errc:
	case <-ctx.Done():
		drain(srv, *drainDelay, log)
		log.Info("shutting down: finishing requests in flight")
		sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		err = hs.Shutdown(sctx)
		cancel()
	}
	stopRun()
	<-runDone
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

// shutdownGrace is how long requests in flight have to finish once the
// server stops taking new ones; the rest are cut off (a push cut off was
// not acknowledged, and the device sends it again).
const shutdownGrace = 30 * time.Second

// drain takes the process out of rotation for d (server/drain.go) before
// it stops, unless d is 0; a second SIGTERM or Ctrl-C ends the wait.
func drain(srv *server.Server, d time.Duration, log *slog.Logger) {
	if d <= 0 {
		return
	}
	again := make(chan os.Signal, 1)
	signal.Notify(again, syscall.SIGTERM, os.Interrupt)
	defer signal.Stop(again)
	srv.Drain()
	log.Info("draining: /readyz answers 503 and connections close after each answer; stopping after the delay or a second signal", "delay", d.String())
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-again:
		log.Info("second signal: stopping now")
	}
}

func envDuration(name string, def time.Duration) time.Duration {
	if v, ok := os.LookupEnv(name); ok {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
	}
	return def
}

func envFloat(name string, def float64) float64 {
	if v, ok := os.LookupEnv(name); ok {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return f
		}
	}
	return def
}
