package forms

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
)

// Blobs stores attachments (signatures, photos) as content-addressed files:
// each file is named by the SHA-256 of its bytes in lower-case hex, the name
// rows reference and the sync client uploads under. Writing the same bytes
// twice stores one file. The zero value is not usable; set Dir.
type Blobs struct {
	// Dir is the folder holding the blob files (created on first Put).
	Dir string
}

var hashRE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ValidHash reports whether s is a blob name: 64 lower-case hex digits.
func ValidHash(s string) bool { return hashRE.MatchString(s) }

// Put stores data and returns its hash. The file appears atomically (written
// to a temporary file, synced, then renamed), so a crash never leaves a
// blob whose bytes do not match its name.
func (b Blobs) Put(data []byte) (string, error) {
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	path := b.Path(hash)
	if st, err := os.Stat(path); err == nil && st.Size() == int64(len(data)) {
		return hash, nil
	}
	if err := os.MkdirAll(b.Dir, 0o700); err != nil {
		return "", fmt.Errorf("put blob: %w", err)
	}
	tmp, err := os.CreateTemp(b.Dir, ".tmp-*")
	if err != nil {
		return "", fmt.Errorf("put blob: %w", err)
	}
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("put blob %s: %w", hash, werr)
	}
	return hash, nil
}

// Path returns the file of blob hash (which may not exist).
func (b Blobs) Path(hash string) string { return filepath.Join(b.Dir, hash) }

// Get returns the bytes of blob hash.
func (b Blobs) Get(hash string) ([]byte, error) {
	if !ValidHash(hash) {
		return nil, fmt.Errorf("get blob: %q is not a blob hash", hash)
	}
	data, err := os.ReadFile(b.Path(hash))
	if err != nil {
		return nil, fmt.Errorf("get blob %s: %w", hash, err)
	}
	return data, nil
}
