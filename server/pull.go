package server

import (
	"bytes"
	"net/http"
	"strconv"

	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/client/api"
	"doorstep/sync/wire"
)

// handlePull sends the page of changes after the cursor that the device's
// user may see: a changeset in the sync/wire encoding (with the rows that
// left the user's scope as its gone rows), with the next cursor, whether
// more wait and why the cursor was not accepted in headers.
func (s *Server) handlePull(w http.ResponseWriter, r *http.Request, c *call) error {
	release, err := s.pulls.enter(r.Context(), s.cfg.PullWait)
	if err != nil {
		return err
	}
	defer release()
	cursor := r.URL.Query().Get("cursor")
	page, err := s.store.Pull(r.Context(), c.access, cursor, s.cfg.PageSize)
	if err != nil {
		return err
	}
	set := &change.Set{Site: s.store.Site(), Schema: schema.Version, Changes: page.Changes, Gone: page.Gone}
	var buf bytes.Buffer
	if err := wire.Encode(&buf, set); err != nil {
		return err
	}
	next := page.Cursor.String()
	s.markSeen(c.device.ID, next)
	s.metrics.Pulls.Add(1)
	s.metrics.ChangesOut.Add(int64(len(page.Changes)))
	h := w.Header()
	h.Set("Content-Type", api.ContentType)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("Cache-Control", "no-store")
	h.Set(api.HeaderCursor, next)
	h.Set(api.HeaderMore, strconv.FormatBool(page.More))
	if page.Reset {
		reason := api.ResetEpoch
		if page.ResetScope {
			reason = api.ResetScope
		}
		h.Set(api.HeaderReset, reason)
	}
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(buf.Bytes())
	if err != nil {
		s.log.Debug("pull: client went away", "device", c.device.ID, "err", err)
	}
	return nil
}
