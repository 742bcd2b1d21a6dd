package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/client/api"
	"doorstep/sync/wire"
)

// ContentType is the media type of changesets (api.ContentType).
const ContentType = api.ContentType

// Push sends one changeset (with its batch id) and returns the server's
// acknowledgement, which comes only after the server committed it. Pushing
// the same batch again returns the same acknowledgement and stores nothing
// new, so after ErrUnreachable the device simply pushes the batch again.
// A refusal is an *api.Error naming why (forbidden_scope, clock_ahead, ...);
// nothing of a refused batch was stored.
func (c *Client) Push(ctx context.Context, set *change.Set) (api.PushAck, error) {
	var buf bytes.Buffer
	if err := wire.Encode(&buf, set); err != nil {
		return api.PushAck{}, fmt.Errorf("push %s: encode: %w", set.Batch, err)
	}
	return c.PushEncoded(ctx, set.Batch, buf.Bytes())
}

// PushEncoded sends an already encoded changeset (wire.Encode output).
func (c *Client) PushEncoded(ctx context.Context, batch string, body []byte) (api.PushAck, error) {
	hdr := http.Header{"Content-Type": {ContentType}}
	resp, err := c.do(ctx, http.MethodPost, api.PathPush, bytes.NewReader(body), hdr, http.StatusOK)
	if err != nil {
		return api.PushAck{}, fmt.Errorf("push %s: %w", batch, err)
	}
	defer resp.Body.Close()
	var ack api.PushAck
	if err := json.NewDecoder(resp.Body).Decode(&ack); err != nil {
		return api.PushAck{}, fmt.Errorf("push %s: decode acknowledgement: %w", batch, wrapUnreachable(err))
	}
	if ack.BatchID != batch {
		return api.PushAck{}, fmt.Errorf("push %s: acknowledgement names batch %q", batch, ack.BatchID)
	}
	return ack, nil
}

// Page is one pull page: changes the device may see, newer than the cursor
// it sent.
type Page struct {
	Set *change.Set
	// Cursor is where the next pull continues; store it after applying Set.
	Cursor string
	// More is true when further pages wait.
	More bool
	// Reset is true when the server did not accept the cursor sent (it was
	// restored from a backup, or the user's scope changed) and this page
	// starts from the beginning again. Applying is still correct: merging is
	// idempotent.
	Reset bool
	// ResetScope is true when the reset is because the user's scope
	// changed: apply the page with replica.ApplyOptions.PurgeAll (ApplyPage
	// does), so rows the user may no longer see leave the device.
	ResetScope bool
	// Bytes is the size of the page on the wire.
	Bytes int64
}

// Pull fetches the page after cursor ("" for the beginning).
func (c *Client) Pull(ctx context.Context, cursor string) (Page, error) {
	path := api.PathPull
	if cursor != "" {
		path += "?" + url.Values{"cursor": {cursor}}.Encode()
	}
	resp, err := c.do(ctx, http.MethodGet, path, nil, nil, http.StatusOK)
	if err != nil {
		return Page{}, fmt.Errorf("pull: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return Page{}, fmt.Errorf("pull: %w", wrapUnreachable(err))
	}
	set, err := wire.Decode(bytes.NewReader(body), schema.Reg)
	if err != nil {
		return Page{}, fmt.Errorf("pull: decode page: %w", err)
	}
	more, _ := strconv.ParseBool(resp.Header.Get(api.HeaderMore))
	rv := resp.Header.Get(api.HeaderReset)
	reset := rv != "" && rv != "false"
	next := resp.Header.Get(api.HeaderCursor)
	if next == "" {
		return Page{}, fmt.Errorf("pull: page without a cursor")
	}
	return Page{Set: set, Cursor: next, More: more, Reset: reset, ResetScope: rv == api.ResetScope, Bytes: int64(len(body))}, nil
}
