package server

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"doorstep/schema"
	"doorstep/server/store"
	"doorstep/sync/change"
	"doorstep/sync/client/api"
	"doorstep/sync/wire"
)

// MinSchema is the oldest schema version of the synced tables the server
// still accepts pushes in.
const MinSchema = 1

// handlePush stores one changeset from a device, all of it or nothing, and
// acknowledges it only after the commit. Its records' evidence is verified
// after the answer (evidencefollow.go). The checks, in order: body size,
// decoding against the registry, schema version, the device's own site and
// user on every change, clocks within the drift bound, then (inside the
// ingest transaction) a replayed batch, and role and scope rights for every
// change.
func (s *Server) handlePush(w http.ResponseWriter, r *http.Request, c *call) error {
	set, err := s.readChangeset(w, r)
	if err != nil {
		return err
	}
	if set.Batch == "" {
		return api.Errorf(api.CodeBadRequest, "a push needs a batch id")
	}
	if len(set.Changes) == 0 {
		return api.Errorf(api.CodeBadRequest, "batch %s has no changes", set.Batch)
	}
	if len(set.Gone) > 0 {
		return api.Errorf(api.CodeBadRequest, "batch %s lists gone rows; only pull pages do", set.Batch)
	}
	if err := checkAuthorship(set, c); err != nil {
		return err
	}
	if err := s.checkClocks(set); err != nil {
		return err
	}
	res, err := s.store.Ingest(r.Context(), c.device, c.access, set)
	if err != nil {
		return err
	}
	s.metrics.Pushes.Add(1)
	if res.Replayed {
		w.Header().Set(api.HeaderReplayed, "true")
	} else {
		s.metrics.ChangesIn.Add(int64(res.Ack.Changes))
		s.metrics.Conflicts.Add(int64(res.Ack.Conflicts))
		s.follow.kick()
	}
	writeJSON(w, http.StatusOK, res.Ack)
	return nil
}

// readChangeset reads and decodes a push body: at most BodyLimit bytes as
// sent, gzip, the sync/wire format.
func (s *Server) readChangeset(w http.ResponseWriter, r *http.Request) (*change.Set, error) {
	if r.ContentLength > s.cfg.BodyLimit {
		return nil, api.Errorf(api.CodeTooLarge, "push of %d bytes is over the %d-byte limit", r.ContentLength, s.cfg.BodyLimit)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.BodyLimit))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, api.Errorf(api.CodeTooLarge, "push is over the %d-byte limit", s.cfg.BodyLimit)
		}
		return nil, api.Errorf(api.CodeBadRequest, "reading the push body: %v", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, api.Errorf(api.CodeBadRequest, "push body is not gzip: %v", err)
	}
	payload, err := io.ReadAll(io.LimitReader(zr, wire.MaxBytes+1))
	if err != nil {
		return nil, api.Errorf(api.CodeBadRequest, "push body: bad gzip stream: %v", err)
	}
	if len(payload) > wire.MaxBytes {
		return nil, api.Errorf(api.CodeTooLarge, "push is over %d bytes uncompressed", wire.MaxBytes)
	}
	if v, ok := peekSchema(payload); ok {
		if v < MinSchema {
			return nil, api.Errorf(api.CodeSchemaTooOld, "changeset schema version %d; this server accepts %d to %d: update the app", v, MinSchema, schema.Version)
		}
		if v > schema.Version {
			return nil, api.Errorf(api.CodeSchemaTooNew, "changeset schema version %d; this server knows up to %d: the server must be updated first", v, schema.Version)
		}
	}
	set, err := wire.Unmarshal(payload, schema.Reg)
	if err != nil {
		return nil, wireError(err)
	}
	return set, nil
}

// peekSchema reads the schema version from a changeset header (magic,
// protocol uvarint, schema uvarint; see "Changeset wire format" in
// docs/PROTOCOL.md) so that an old or new schema gets its own code.
func peekSchema(b []byte) (int, bool) {
	const magicLen = 4
	if len(b) < magicLen+2 || string(b[:magicLen]) != "DSCS" {
		return 0, false
	}
	proto, n := binary.Uvarint(b[magicLen:])
	if n <= 0 || proto < wire.MinProto || proto > wire.Proto {
		return 0, false
	}
	v, m := binary.Uvarint(b[magicLen+n:])
	if m <= 0 || v > 1<<20 {
		return 0, false
	}
	return int(v), true
}

// wireError maps a decoding failure to its API code.
func wireError(err error) error {
	code, ok := store.WireCode(err)
	if !ok {
		code = api.CodeBadRequest
	}
	return &api.Error{Code: code, Message: err.Error()}
}

// checkAuthorship refuses a changeset that claims another site or user: a
// device pushes only what it wrote itself, as its own user.
func checkAuthorship(set *change.Set, c *call) error {
	if set.Site != c.device.SiteID {
		return api.Errorf(api.CodeSiteMismatch, "changeset from site %s, but this device is enrolled as site %s", set.Site, c.device.SiteID)
	}
	for i, ch := range set.Changes {
		if ch.Clock.Site != c.device.SiteID {
			return api.Errorf(api.CodeSiteMismatch, "change %d (%s/%s.%s) was written by site %s, not by this device (%s)",
				i, ch.Table, ch.ID, ch.Column, ch.Clock.Site, c.device.SiteID)
		}
		if ch.User != c.device.UserID {
			return api.Errorf(api.CodeSiteMismatch, "change %d (%s/%s.%s) names user %q, but this device belongs to %q",
				i, ch.Table, ch.ID, ch.Column, ch.User, c.device.UserID)
		}
	}
	return nil
}

// checkClocks refuses changes stamped too far ahead of the server's clock,
// telling the device the server's time so it can show how far off it is,
// and changes whose base is impossible: a writer saw the value it
// overwrote before writing, so a base is strictly older than the write
// (bad_value otherwise; such a base would fake a conflict).
func (s *Server) checkClocks(set *change.Set) error {
	now := s.now()
	limit := now.Add(s.cfg.MaxDrift).UnixMilli()
	for i, ch := range set.Changes {
		if !ch.Base.IsZero() && ch.Base.HLC >= ch.Clock.HLC {
			return api.Errorf(api.CodeBadValue, "change %d (%s/%s.%s) is based on a value written at %s, not before the change itself (%s): a base must be older than its write",
				i, ch.Table, ch.ID, ch.Column, ch.Base, ch.Clock)
		}
		if ch.Clock.HLC.Millis() > limit {
			t := now.UTC()
			ahead := time.Duration(ch.Clock.HLC.Millis()-now.UnixMilli()) * time.Millisecond
			return &api.Error{Code: api.CodeClockAhead, ServerTime: &t,
				Message: fmt.Sprintf("change %d is stamped %s, %s ahead of the server's clock (%s; limit %s): set the device's date and time",
					i, ch.Clock.HLC.Time().Format(time.RFC3339), ahead.Round(time.Second), t.Format(time.RFC3339), s.cfg.MaxDrift)}
		}
	}
	return nil
}
