package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"doorstep/server/store"
	"doorstep/sync/client/api"
)

// parseContentRange reads "bytes start-end/total". end is inclusive.
func parseContentRange(h string) (start, end, total int64, err error) {
	rest, ok := strings.CutPrefix(h, "bytes ")
	if !ok {
		return 0, 0, 0, api.Errorf(api.CodeBadRequest, "Content-Range %q: want \"bytes start-end/total\"", h)
	}
	rng, tot, ok := strings.Cut(rest, "/")
	a, b, ok2 := strings.Cut(rng, "-")
	if !ok || !ok2 {
		return 0, 0, 0, api.Errorf(api.CodeBadRequest, "Content-Range %q: want \"bytes start-end/total\"", h)
	}
	start, e1 := strconv.ParseInt(a, 10, 64)
	end, e2 := strconv.ParseInt(b, 10, 64)
	total, e3 := strconv.ParseInt(tot, 10, 64)
	if e1 != nil || e2 != nil || e3 != nil || start < 0 || end < start || end >= total {
		return 0, 0, 0, api.Errorf(api.CodeBadRequest, "Content-Range %q is not a valid range", h)
	}
	return start, end, total, nil
}

// handleBlobPut receives a blob or a piece of it. Without Content-Range the
// body is the whole blob; with "Content-Range: bytes start-end/total" it is
// that piece, and start must be where the server's copy ends (HEAD tells).
// 201 when the blob is complete, 202 with Upload-Offset when more is due.
func (s *Server) handleBlobPut(w http.ResponseWriter, r *http.Request, c *call) error {
	hash := r.PathValue("hash")
	if !store.ValidHash(hash) {
		return api.Errorf(api.CodeBadRequest, "blob name %q is not a lower-case SHA-256 hex digest", hash)
	}
	if !c.access.DistrictLevel() && len(c.access.Communities) == 0 && len(c.access.Pairings) == 0 {
		return api.Errorf(api.CodeForbiddenScope, "this user has no communities or pairings to attach files to")
	}
	offset, length, total := int64(0), int64(-1), int64(-1)
	if h := r.Header.Get("Content-Range"); h != "" {
		start, end, tot, err := parseContentRange(h)
		if err != nil {
			return err
		}
		offset, length, total = start, end-start+1, tot
		if r.ContentLength >= 0 && r.ContentLength != length {
			return api.Errorf(api.CodeBadRequest, "Content-Length %d, but Content-Range %q announces %d bytes", r.ContentLength, h, length)
		}
	} else if r.ContentLength > s.cfg.BlobLimit {
		return api.Errorf(api.CodeTooLarge, "blob of %d bytes is over the %d-byte limit", r.ContentLength, s.cfg.BlobLimit)
	}
	st, err := s.store.PutBlob(r.Context(), c.device.ID, hash, offset, length, total, r.Body, s.cfg.BlobLimit)
	if err != nil {
		return err
	}
	if !st.Complete {
		s.metrics.BlobBytes.Add(st.Offset - offset)
		w.Header().Set(api.HeaderUploadOffset, strconv.FormatInt(st.Offset, 10))
		writeJSON(w, http.StatusAccepted, map[string]any{"hash": hash, "offset": st.Offset})
		return nil
	}
	s.metrics.BlobBytes.Add(st.Size - offset)
	s.verifyAttachment(r.Context(), hash)
	w.Header().Set(api.HeaderUploadOffset, strconv.FormatInt(st.Size, 10))
	writeJSON(w, http.StatusCreated, map[string]any{"hash": hash, "size": st.Size})
	return nil
}

// handleBlobHead answers like GET: 200 with Content-Length for a stored
// blob this user may read, and otherwise 404 — whether or not the blob
// exists — with Upload-Offset telling how much of this device's own upload
// is stored.
func (s *Server) handleBlobHead(w http.ResponseWriter, r *http.Request, c *call) error {
	hash := r.PathValue("hash")
	st, err := s.store.BlobState(r.Context(), c.device.ID, hash)
	if err != nil {
		return err
	}
	if st.Complete {
		ok, err := s.store.CanReadBlob(r.Context(), c.access, c.device.ID, hash)
		if err != nil {
			return err
		}
		st.Complete = ok
	}
	if st.Complete {
		w.Header().Set("Content-Length", strconv.FormatInt(st.Size, 10))
		w.Header().Set(api.HeaderUploadOffset, strconv.FormatInt(st.Size, 10))
		w.WriteHeader(http.StatusOK)
		return nil
	}
	w.Header().Set(api.HeaderUploadOffset, strconv.FormatInt(st.Offset, 10))
	w.WriteHeader(http.StatusNotFound)
	return nil
}

// handleBlobGet sends a blob to a device whose user may read a row that
// references it (or that uploaded it). Range requests resume downloads.
func (s *Server) handleBlobGet(w http.ResponseWriter, r *http.Request, c *call) error {
	hash := r.PathValue("hash")
	if !store.ValidHash(hash) {
		return api.Errorf(api.CodeBadRequest, "blob name %q is not a lower-case SHA-256 hex digest", hash)
	}
	ok, err := s.store.CanReadBlob(r.Context(), c.access, c.device.ID, hash)
	if err != nil {
		return err
	}
	if !ok {
		// Not found and not allowed look the same, so hashes leak nothing.
		return api.Errorf(api.CodeNotFound, "no blob %s that this user may read", hash)
	}
	f, err := s.store.OpenBlob(r.Context(), hash)
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("ETag", fmt.Sprintf("%q", hash))
	w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	http.ServeContent(w, r, "", time.Time{}, f)
	return nil
}
