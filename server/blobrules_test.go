package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"testing"
)

func hashOf(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// putBlob sends body as blob hash, with Content-Range when rng is not "".
func (d *rawDevice) putBlob(t *testing.T, hash string, body []byte, rng string) rawAnswer {
	t.Helper()
	hdr := map[string]string{"Content-Type": "application/octet-stream"}
	if rng != "" {
		hdr["Content-Range"] = rng
	}
	return d.srv.do(t, http.MethodPut, "/v1/blobs/"+hash, d.token, body, hdr)
}

// blobWorld is community A's photo, uploaded and referenced by worker A,
// and the users who try to reach it.
type blobWorld struct {
	s                 *rawServer
	a, a2, b, b2, vol *rawDevice
	photo             []byte
	hash              string
}

func newBlobWorld(t *testing.T) *blobWorld {
	t.Helper()
	s := startRaw(t)
	w := &blobWorld{s: s, photo: []byte("\xff\xd8\xff community A's photo of a household's ID card")}
	w.hash = hashOf(w.photo)
	userA := s.addUser(t, "--name", "甲", "--role", "worker", "--communities", "cA")
	userA2 := s.addUser(t, "--name", "甲二", "--role", "worker", "--communities", "cA")
	userB := s.addUser(t, "--name", "乙", "--role", "worker", "--communities", "cB")
	userB2 := s.addUser(t, "--name", "乙二", "--role", "worker", "--communities", "cB")
	w.a, w.a2 = s.enrollRaw(t, userA, ""), s.enrollRaw(t, userA2, "")
	w.b, w.b2 = s.enrollRaw(t, userB, ""), s.enrollRaw(t, userB2, "")

	elder, pairing := newRowID(), newRowID()
	w.b.mustPush(t,
		w.b.row("elders", elder, map[string]any{"community_id": "cB", "name": "老李", "deleted": int64(0)}),
		w.b.row("volunteer_pairings", pairing, map[string]any{"community_id": "cB", "elder_id": elder, "deleted": int64(0)}))
	userV := s.addUser(t, "--name", "志愿者", "--role", "volunteer", "--pairings", pairing)
	w.vol = s.enrollRaw(t, userV, "")

	if ans := w.a.putBlob(t, w.hash, w.photo, ""); ans.status != http.StatusCreated {
		t.Fatalf("upload: %s", ans)
	}
	w.a.mustPush(t, w.a.row("means_visits", newRowID(), map[string]any{"community_id": "cA",
		"photos": jsonList(w.hash), "deleted": int64(0)}))
	// A colleague in the same community reads it through the row.
	if ans := w.a2.get(t, http.MethodGet, "/v1/blobs/"+w.hash); ans.status != http.StatusOK || !bytes.Equal(ans.body, w.photo) {
		t.Fatalf("colleague in community A: %s", ans)
	}
	return w
}

// TestBlobHeadLikeGet (issue 10, 2): HEAD answers whoever may not read a
// blob exactly as GET does: not_found, whether or not it exists.
func TestBlobHeadLikeGet(t *testing.T) {
	w := newBlobWorld(t)
	missing := hashOf([]byte("never uploaded"))
	for _, h := range []string{w.hash, missing} {
		ans := w.b.get(t, http.MethodHead, "/v1/blobs/"+h)
		if ans.status != http.StatusNotFound {
			t.Errorf("HEAD by worker B (blob exists: %v): %d, want 404", h == w.hash, ans.status)
		}
		if ans.header.Get("Upload-Offset") != "0" {
			t.Errorf("HEAD by worker B: Upload-Offset %q, want 0", ans.header.Get("Upload-Offset"))
		}
		if get := w.b.get(t, http.MethodGet, "/v1/blobs/"+h); get.status != http.StatusNotFound || get.code != "not_found" {
			t.Errorf("GET by worker B: %s", get)
		}
	}
	if ans := w.a2.get(t, http.MethodHead, "/v1/blobs/"+w.hash); ans.status != http.StatusOK ||
		ans.header.Get("Content-Length") != strconv.Itoa(len(w.photo)) {
		t.Errorf("HEAD by a reader: %d, Content-Length %q", ans.status, ans.header.Get("Content-Length"))
	}
}

// TestBlobPutOtherBytes (issue 10, 3): other bytes under a stored blob's
// name are hash_mismatch, and the stored blob is untouched.
func TestBlobPutOtherBytes(t *testing.T) {
	w := newBlobWorld(t)
	for _, d := range []*rawDevice{w.b, w.a} {
		ans := d.putBlob(t, w.hash, []byte("forged bytes"), "")
		if ans.status != http.StatusUnprocessableEntity || ans.code != "hash_mismatch" {
			t.Errorf("PUT of other bytes: %s, want 422 hash_mismatch", ans)
		}
	}
	if ans := w.a2.get(t, http.MethodGet, "/v1/blobs/"+w.hash); !bytes.Equal(ans.body, w.photo) {
		t.Errorf("stored blob after forged uploads: %s", ans)
	}
	// The real bytes from another device are accepted, and make it a holder.
	if ans := w.b.putBlob(t, w.hash, w.photo, ""); ans.status != http.StatusCreated {
		t.Errorf("PUT of the real bytes by worker B: %s", ans)
	}
	if ans := w.b.get(t, http.MethodGet, "/v1/blobs/"+w.hash); ans.status != http.StatusOK {
		t.Errorf("worker B after uploading the bytes itself: %s", ans)
	}
}

// TestBlobReferenceGrantsNothing (issue 10, 4): naming a hash in a pushed
// row does not open the blob; a reference counts only for blobs the
// pushing device uploaded or that rows the user may read reference.
func TestBlobReferenceGrantsNothing(t *testing.T) {
	w := newBlobWorld(t)
	rowB := newRowID()
	w.b.mustPush(t, w.b.row("means_visits", rowB, map[string]any{"community_id": "cB",
		"photos": jsonList(w.hash), "deleted": int64(0)}))
	for _, d := range []*rawDevice{w.b, w.b2} {
		if ans := d.get(t, http.MethodGet, "/v1/blobs/"+w.hash); ans.status != http.StatusNotFound || ans.code != "not_found" {
			t.Errorf("a community-B worker after B referenced A's photo: %s", ans)
		}
	}
	visits := w.s.count(t, `SELECT count(*) FROM means_visits WHERE id = ?`, rowB)
	if visits != 1 {
		t.Errorf("worker B's visit row stored %d times, want 1 (only the reference is ignored)", visits)
	}

	// A volunteer through a visit log's feedback.
	var pid string
	if err := rawQuery(t, w.s, `SELECT pairing_id FROM user_pairings`, &pid); err != nil {
		t.Fatal(err)
	}
	w.vol.mustPush(t, w.vol.row("volunteer_visits", newRowID(), map[string]any{"community_id": "cB", "pairing_id": pid,
		"feedback": "老人说照片是 " + w.hash, "deleted": int64(0)}))
	if ans := w.vol.get(t, http.MethodGet, "/v1/blobs/"+w.hash); ans.status != http.StatusNotFound {
		t.Errorf("volunteer after referencing A's photo in feedback: %s", ans)
	}

	// B's own photo, referenced before and after its upload, is readable
	// by B's colleague; a colleague's later reference to it counts too.
	own := []byte("community B's own photo")
	early := []byte("community B's photo pushed before its upload")
	w.b.mustPush(t, w.b.row("means_visits", newRowID(), map[string]any{"community_id": "cB",
		"photos": jsonList(hashOf(early)), "deleted": int64(0)}))
	if ans := w.b.putBlob(t, hashOf(own), own, ""); ans.status != http.StatusCreated {
		t.Fatalf("upload: %s", ans)
	}
	if ans := w.b.putBlob(t, hashOf(early), early, ""); ans.status != http.StatusCreated {
		t.Fatalf("upload: %s", ans)
	}
	w.b.mustPush(t, w.b.row("means_visits", newRowID(), map[string]any{"community_id": "cB",
		"photos": jsonList(hashOf(own)), "deleted": int64(0)}))
	for _, b := range [][]byte{own, early} {
		if ans := w.b2.get(t, http.MethodGet, "/v1/blobs/"+hashOf(b)); ans.status != http.StatusOK || !bytes.Equal(ans.body, b) {
			t.Errorf("colleague reading B's photo %q: %s", b, ans)
		}
	}
	w.b2.mustPush(t, w.b2.row("group_activities", newRowID(), map[string]any{"community_id": "cB",
		"note": "photo " + hashOf(own), "deleted": int64(0)}))
	if n := w.s.count(t, `SELECT count(*) FROM blob_refs WHERE hash = ?`, hashOf(own)); n != 2 {
		t.Errorf("references granting access to B's photo: %d, want 2", n)
	}
	if n := w.s.count(t, `SELECT count(*) FROM blob_refs WHERE hash = ?`, w.hash); n != 1 {
		t.Errorf("references granting access to A's photo: %d, want 1 (A's own)", n)
	}
}

// TestBlobShortPiece (issue 10, 7): a piece shorter than its Content-Range
// is refused and none of it is kept.
func TestBlobShortPiece(t *testing.T) {
	w := newBlobWorld(t)
	data := bytes.Repeat([]byte("p"), 100)
	h := hashOf(data)
	ans := w.a.putBlob(t, h, data[:5], "bytes 0-99/100")
	if ans.status != http.StatusBadRequest || ans.code != "bad_request" {
		t.Errorf("5-byte body for bytes 0-99/100: %s, want 400 bad_request", ans)
	}
	if head := w.a.get(t, http.MethodHead, "/v1/blobs/"+h); head.header.Get("Upload-Offset") != "0" {
		t.Errorf("after a refused short piece the upload continues at %q, want 0", head.header.Get("Upload-Offset"))
	}
	if ans := w.a.putBlob(t, h, data[:50], "bytes 0-49/100"); ans.status != http.StatusAccepted || ans.header.Get("Upload-Offset") != "50" {
		t.Errorf("first half: %s (offset %q)", ans, ans.header.Get("Upload-Offset"))
	}
	if ans := w.a.putBlob(t, h, data[50:], "bytes 50-99/100"); ans.status != http.StatusCreated {
		t.Errorf("second half: %s", ans)
	}
}
