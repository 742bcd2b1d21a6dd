package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io"
	"strings"
	"testing"
	"time"

	"doorstep/schema"
	"doorstep/schema/scope"
	"doorstep/sync/client/api"
)

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func TestPutBlobWhole(t *testing.T) { eachBackend(t, testPutBlobWhole) }

func testPutBlobWhole(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	data := []byte("签名图像")
	h := sha(data)
	st, err := s.PutBlob(ctx, "dev1", h, 0, -1, -1, bytes.NewReader(data), 1<<20)
	if err != nil || !st.Complete || st.Size != int64(len(data)) {
		t.Fatalf("PutBlob = %+v, %v", st, err)
	}
	f, err := s.OpenBlob(ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, data) {
		t.Errorf("read back %q", got)
	}
	// Other bytes under a stored blob's name are a mismatch, and the
	// stored blob stays; the same bytes from another device complete its
	// upload and make it a holder.
	_, err = s.PutBlob(ctx, "dev2", h, 0, -1, -1, strings.NewReader("whatever"), 1<<20)
	wantCode(t, err, api.CodeHashMismatch)
	if held, err := uploadedBy(ctx, s.db, h, "dev2"); err != nil || held {
		t.Errorf("dev2 holds the blob after a mismatch: %v, %v", held, err)
	}
	st, err = s.PutBlob(ctx, "dev2", h, 0, -1, -1, bytes.NewReader(data), 1<<20)
	if err != nil || !st.Complete || st.Size != int64(len(data)) {
		t.Errorf("re-upload: %+v, %v", st, err)
	}
	if held, err := uploadedBy(ctx, s.db, h, "dev2"); err != nil || !held {
		t.Errorf("dev2 does not hold the blob after uploading it: %v, %v", held, err)
	}
	f, err = s.OpenBlob(ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	got, _ = io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, data) {
		t.Errorf("read back %q after re-uploads", got)
	}
}

func TestPutBlobShortPiece(t *testing.T) { eachBackend(t, testPutBlobShortPiece) }

func testPutBlobShortPiece(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	data := bytes.Repeat([]byte("x"), 100)
	h := sha(data)
	_, err := s.PutBlob(ctx, "dev1", h, 0, 100, 100, bytes.NewReader(data[:5]), 1<<20)
	wantCode(t, err, api.CodeBadRequest)
	if st, err := s.BlobState(ctx, "dev1", h); err != nil || st.Offset != 0 || st.Complete {
		t.Errorf("after a short piece: %+v, %v", st, err)
	}
	st, err := s.PutBlob(ctx, "dev1", h, 0, 100, 100, bytes.NewReader(data), 1<<20)
	if err != nil || !st.Complete {
		t.Errorf("whole piece after a short one: %+v, %v", st, err)
	}
}

func TestPutBlobResumable(t *testing.T) { eachBackend(t, testPutBlobResumable) }

func testPutBlobResumable(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	data := bytes.Repeat([]byte("照片0123456789"), 1000)
	h := sha(data)
	total := int64(len(data))
	st, err := s.PutBlob(ctx, "dev1", h, 0, 5000, total, bytes.NewReader(data[:5000]), 1<<20)
	if err != nil || st.Complete || st.Offset != 5000 {
		t.Fatalf("first chunk: %+v, %v", st, err)
	}
	// Another device's upload of the same blob does not mix with this one.
	if st, _ := s.BlobState(ctx, "dev2", h); st.Offset != 0 {
		t.Errorf("dev2 sees offset %d", st.Offset)
	}
	// Resuming at the wrong place is refused with the right offset.
	_, err = s.PutBlob(ctx, "dev1", h, 4000, total-4000, total, bytes.NewReader(data[4000:]), 1<<20)
	wantCode(t, err, api.CodeBadOffset)
	if e := err.(*api.Error); e.Offset == nil || *e.Offset != 5000 {
		t.Errorf("bad offset error carries %v", e.Offset)
	}
	st, err = s.BlobState(ctx, "dev1", h)
	if err != nil || st.Offset != 5000 {
		t.Fatalf("state %+v, %v", st, err)
	}
	st, err = s.PutBlob(ctx, "dev1", h, 5000, total-5000, total, bytes.NewReader(data[5000:]), 1<<20)
	if err != nil || !st.Complete || st.Size != total {
		t.Fatalf("last chunk: %+v, %v", st, err)
	}
}

func TestPutBlobRefused(t *testing.T) { eachBackend(t, testPutBlobRefused) }

func testPutBlobRefused(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	data := []byte("real bytes")
	h := sha(data)
	t.Run("HashMismatch", func(t *testing.T) {
		_, err := s.PutBlob(ctx, "dev1", h, 0, -1, -1, strings.NewReader("other bytes"), 1<<20)
		wantCode(t, err, api.CodeHashMismatch)
		if st, _ := s.BlobState(ctx, "dev1", h); st.Complete || st.Offset != 0 {
			t.Errorf("after mismatch: %+v", st)
		}
	})
	t.Run("DeclaredTooLarge", func(t *testing.T) {
		_, err := s.PutBlob(ctx, "dev1", h, 0, 100, 100, bytes.NewReader(data), 50)
		wantCode(t, err, api.CodeTooLarge)
	})
	t.Run("StreamTooLarge", func(t *testing.T) {
		_, err := s.PutBlob(ctx, "dev1", h, 0, -1, -1, bytes.NewReader(make([]byte, 100)), 50)
		wantCode(t, err, api.CodeTooLarge)
	})
	t.Run("MoreThanDeclared", func(t *testing.T) {
		_, err := s.PutBlob(ctx, "dev1", h, 0, 3, 3, bytes.NewReader(data), 50)
		wantCode(t, err, api.CodeBadRequest)
	})
	t.Run("BadName", func(t *testing.T) {
		_, err := s.PutBlob(ctx, "dev1", "../../etc/passwd", 0, -1, -1, bytes.NewReader(data), 50)
		wantCode(t, err, api.CodeBadRequest)
		_, err = s.OpenBlob(ctx, strings.ToUpper(h))
		wantCode(t, err, api.CodeBadRequest)
	})
	t.Run("Missing", func(t *testing.T) {
		_, err := s.OpenBlob(ctx, h)
		wantCode(t, err, api.CodeNotFound)
	})
}

func TestCanReadBlob(t *testing.T) { eachBackend(t, testCanReadBlob) }

func testCanReadBlob(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	data := []byte("photo")
	h := sha(data)
	if _, err := s.PutBlob(ctx, "uploader", h, 0, -1, -1, bytes.NewReader(data), 1<<20); err != nil {
		t.Fatal(err)
	}
	err := s.Write(ctx, "", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO means_visits(id, community_id, photos) VALUES ('0195f000-0000-7000-8000-0000000000a1', 'c1', ?)`, `["sha256:`+h+`"]`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO blob_refs(hash, tbl, row_id) VALUES (?, 'means_visits', '0195f000-0000-7000-8000-0000000000a1')`, h)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	inC1 := &scope.User{ID: "w1", Role: schema.RoleWorker, Communities: map[string]bool{"c1": true}}
	inC2 := &scope.User{ID: "w2", Role: schema.RoleWorker, Communities: map[string]bool{"c2": true}}
	vol := &scope.User{ID: "v", Role: schema.RoleVolunteer}
	for _, tc := range []struct {
		name   string
		u      *scope.User
		device string
		want   bool
	}{
		{"ReaderOfRow", inC1, "d1", true},
		{"OtherCommunity", inC2, "d2", false},
		{"VolunteerNeverSeesMeansTest", vol, "d3", false},
		{"Uploader", inC2, "uploader", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.CanReadBlob(ctx, tc.u, tc.device, h)
			if err != nil || got != tc.want {
				t.Errorf("CanReadBlob = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestBlobRefs(t *testing.T) { eachBackend(t, testBlobRefs) }

func testBlobRefs(t *testing.T) {
	a := strings.Repeat("a", 64)
	b := strings.Repeat("0", 63) + "1"
	tests := map[string][]string{
		"":                                  nil,
		a:                                   {a},
		`["sha256:` + a + `","` + b + `"]`:  {a, b},
		a + "," + b:                         {a, b},
		strings.Repeat("a", 65):             nil,
		strings.ToUpper(a):                  nil,
		`{"photo":"` + a + `","n":1}`:       {a},
		strings.Repeat("b", 63) + "g" + "x": nil,
	}
	for in, want := range tests {
		got := blobRefs(in)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("blobRefs(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestPrunePartialUploads(t *testing.T) { eachBackend(t, testPrunePartialUploads) }

func testPrunePartialUploads(t *testing.T) {
	s, clock := mustOpen(t)
	ctx := context.Background()
	data := []byte("half an upload")
	if _, err := s.PutBlob(ctx, "dev1", sha(data), 0, 4, int64(len(data)), bytes.NewReader(data[:4]), 1<<20); err != nil {
		t.Fatal(err)
	}
	clock.mu.Lock()
	clock.t = time.Now()
	clock.mu.Unlock()
	if n, err := s.PrunePartialUploads(time.Hour); err != nil || n != 0 {
		t.Errorf("fresh upload pruned: %d, %v", n, err)
	}
	// File times are real times: move the store's clock two hours past now.
	clock.mu.Lock()
	clock.t = time.Now().Add(2 * time.Hour)
	clock.mu.Unlock()
	if n, err := s.PrunePartialUploads(time.Hour); err != nil || n != 1 {
		t.Errorf("stale upload: pruned %d, %v", n, err)
	}
	if st, _ := s.BlobState(ctx, "dev1", sha(data)); st.Offset != 0 {
		t.Errorf("offset after pruning %d", st.Offset)
	}
}
