package client

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"doorstep/sync/client/api"
)

// ChunkSize is how many bytes UploadBlob sends per request; a broken
// connection costs at most one chunk.
const ChunkSize = 1 << 20

// HashBlob returns the blob name of content: its SHA-256 as lower-case hex.
func HashBlob(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", fmt.Errorf("hash blob: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// blobOffset asks how much of the blob the server holds: complete, or the
// offset at which this device's upload resumes.
func (c *Client) blobOffset(ctx context.Context, hash string) (complete bool, offset int64, err error) {
	resp, err := c.do(ctx, http.MethodHead, api.PathBlobs+hash, nil, nil, http.StatusOK, http.StatusNotFound)
	if err != nil {
		return false, 0, err
	}
	resp.Body.Close()
	off, _ := strconv.ParseInt(resp.Header.Get(api.HeaderUploadOffset), 10, 64)
	return resp.StatusCode == http.StatusOK, off, nil
}

// UploadBlob sends the size bytes of r as a blob and returns its hash (the
// name rows use to reference it). It resumes where an earlier, interrupted
// upload of the same blob from this device stopped, and sends nothing when
// the server has the blob already. A server that received bytes which do
// not hash to the name answers CodeHashMismatch (the content changed while
// uploading); the next call starts over.
func (c *Client) UploadBlob(ctx context.Context, r io.ReaderAt, size int64) (string, error) {
	hash, err := HashBlob(io.NewSectionReader(r, 0, size))
	if err != nil {
		return "", err
	}
	complete, offset, err := c.blobOffset(ctx, hash)
	if err != nil {
		return "", fmt.Errorf("upload blob %s: %w", hash, err)
	}
	for retried := false; !complete; {
		if size == 0 {
			offset = 0
		}
		n := min(int64(ChunkSize), size-offset)
		// Expect: 100-continue: the server refuses a piece it will not take
		// (too large, not allowed, a wrong offset) before the bytes are
		// sent, and the device reads that answer instead of a connection
		// reset half-way through a megabyte it need not have sent.
		hdr := http.Header{"Content-Type": {"application/octet-stream"}, "Expect": {"100-continue"}}
		if size > 0 {
			hdr.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", offset, offset+n-1, size))
		}
		body := io.NewSectionReader(r, offset, n)
		resp, err := c.do(ctx, http.MethodPut, api.PathBlobs+hash, body, hdr, http.StatusCreated, http.StatusAccepted)
		var ae *api.Error
		if errors.As(err, &ae) && ae.Code == api.CodeBadOffset && ae.Offset != nil && !retried {
			offset, retried = *ae.Offset, true
			continue
		}
		if err != nil {
			return "", fmt.Errorf("upload blob %s at %d: %w", hash, offset, err)
		}
		resp.Body.Close()
		retried = false
		complete = resp.StatusCode == http.StatusCreated
		if next, err := strconv.ParseInt(resp.Header.Get(api.HeaderUploadOffset), 10, 64); err == nil {
			offset = next
		} else {
			offset += n
		}
	}
	return hash, nil
}

// DownloadBlob writes blob hash to w, starting at byte offset (to resume an
// interrupted download whose first offset bytes w already holds). The
// bytes are checked against the hash only when offset is 0: resuming callers
// check the whole file themselves (HashBlob). A blob the user may not read,
// or that is not uploaded yet, is CodeNotFound.
func (c *Client) DownloadBlob(ctx context.Context, hash string, offset int64, w io.Writer) (int64, error) {
	hdr := http.Header{}
	if offset > 0 {
		hdr.Set("Range", fmt.Sprintf("bytes=%d-", offset))
	}
	resp, err := c.do(ctx, http.MethodGet, api.PathBlobs+hash, nil, hdr, http.StatusOK, http.StatusPartialContent)
	if err != nil {
		return 0, fmt.Errorf("download blob %s: %w", hash, err)
	}
	defer resp.Body.Close()
	if offset > 0 && resp.StatusCode != http.StatusPartialContent {
		return 0, fmt.Errorf("download blob %s: server ignored the range request", hash)
	}
	h := sha256.New()
	dst := w
	if offset == 0 {
		dst = io.MultiWriter(w, h)
	}
	n, err := io.Copy(dst, resp.Body)
	if err != nil {
		return n, fmt.Errorf("download blob %s: %w", hash, wrapUnreachable(err))
	}
	if offset == 0 {
		if got := hex.EncodeToString(h.Sum(nil)); got != hash {
			return n, &api.Error{Code: api.CodeHashMismatch, Message: fmt.Sprintf("downloaded bytes hash to %s, not %s", got, hash)}
		}
	}
	return n, nil
}
