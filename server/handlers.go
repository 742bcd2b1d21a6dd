package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"doorstep/schema"
	"doorstep/sync/client/api"
	"doorstep/sync/evidence"
	"doorstep/sync/version"
)

// enrollBodyLimit caps an enrollment request; it is a few short strings.
const enrollBodyLimit = 16 << 10

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) error {
	epoch, err := s.store.Epoch(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.Health{Status: "ok", Epoch: epoch, ServerTime: s.now().UTC(), SchemaVersion: schema.Version,
		Version: version.String()})
	return nil
}

func (s *Server) handleEnroll(w http.ResponseWriter, r *http.Request) error {
	if err := rateLimit(r.Context(), s.enrollLimiter, clientAddr(r), "too many enrollment attempts from this address"); err != nil {
		return err
	}
	var req api.EnrollRequest
	if err := decodeJSON(r, enrollBodyLimit, &req); err != nil {
		return err
	}
	if req.PublicKey != "" {
		if _, err := evidence.ParsePublicKey(req.PublicKey); err != nil {
			return api.Errorf(api.CodeBadRequest, "public_key: %v", err)
		}
	}
	e, err := s.store.Enroll(r.Context(), req.Code, req.DeviceName, req.SiteID, s.cfg.TokenTTL)
	if err != nil {
		return err
	}
	if err := s.registerKey(r.Context(), e.Device.ID, req.PublicKey); err != nil {
		return err
	}
	epoch, err := s.store.Epoch(r.Context())
	if err != nil {
		return err
	}
	s.metrics.Enrolls.Add(1)
	s.log.Info("device enrolled", "device", e.Device.ID, "user", e.User.ID, "site", e.Device.SiteID, "name", e.Device.Name)
	writeJSON(w, http.StatusCreated, api.EnrollResponse{
		Token: e.Token, DeviceID: e.Device.ID, SiteID: e.Device.SiteID, User: e.User.API(),
		Epoch: epoch, ServerTime: s.now().UTC(), ExpiresAt: e.Device.ExpiresAt,
	})
	return nil
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request, c *call) error {
	u, err := s.store.User(r.Context(), c.device.UserID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.Me{DeviceID: c.device.ID, SiteID: c.device.SiteID, User: u.API()})
	return nil
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) error {
	if err := s.metricsAllowed(r); err != nil {
		return err
	}
	gauges := map[string]float64{}
	if seq, err := s.store.MaxSeq(r.Context()); err == nil {
		gauges["doorstep_server_sequence"] = float64(seq)
	}
	// Rows changed but not yet through evidence verification, on every
	// process alike (the watermark is the database's): it stays near zero
	// while the follower keeps up.
	if lag, err := s.store.FollowLag(r.Context()); err == nil {
		gauges["doorstep_evidence_lag_rows"] = float64(lag)
	}
	// What an operator of several processes watches per process: how many
	// pushes each merge takes along (group commit), and the database pool.
	groups, grouped := s.store.GroupStats()
	gauges["doorstep_ingest_groups"] = float64(groups)
	gauges["doorstep_ingest_grouped_pushes"] = float64(grouped)
	// Pull rows served from the process's row cache, and read (PostgreSQL).
	hits, misses := s.store.RowCacheStats()
	gauges["doorstep_pull_row_cache_hits"] = float64(hits)
	gauges["doorstep_pull_row_cache_misses"] = float64(misses)
	pool := s.store.DB().Stats()
	gauges["doorstep_db_open_connections"] = float64(pool.OpenConnections)
	gauges["doorstep_db_in_use_connections"] = float64(pool.InUse)
	gauges["doorstep_db_wait_count"] = float64(pool.WaitCount)
	gauges["doorstep_db_wait_seconds"] = pool.WaitDuration.Seconds()
	gauges["doorstep_db_idle_connections"] = float64(pool.Idle)
	// Connections closed because more were idle than the pool keeps: a
	// connection opened again starts with no prepared statements.
	gauges["doorstep_db_max_idle_closed"] = float64(pool.MaxIdleClosed)
	gauges["doorstep_db_idle_time_closed"] = float64(pool.MaxIdleTimeClosed)
	// 1 while this process drains before it stops, and once it found its
	// database upgraded by a newer release (it serves nothing more).
	gauges["doorstep_draining"] = boolGauge(s.draining.Load())
	gauges["doorstep_store_outdated"] = boolGauge(s.store.Outdated())
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	return s.metrics.WriteTo(w, gauges)
}

// decodeJSON reads a JSON body of at most limit bytes into v, refusing
// unknown fields and trailing data.
func decodeJSON(r *http.Request, limit int64, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return api.Errorf(api.CodeBadRequest, "Content-Type %q, want application/json", ct)
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, limit+1))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return api.Errorf(api.CodeBadRequest, "malformed JSON body: %v", err)
	}
	if dec.More() {
		return api.Errorf(api.CodeBadRequest, "malformed JSON body: data after the object")
	}
	if dec.InputOffset() > limit {
		return api.Errorf(api.CodeTooLarge, "body over %d bytes", limit)
	}
	return nil
}
