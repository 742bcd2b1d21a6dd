package evidence

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// RegisteredKey is a public key the server registered for a device at
// enrollment.
type RegisteredKey struct {
	Public ed25519.PublicKey
	// RevokedAt is when the device was revoked (zero: it was not). Entries
	// it signed after that are flagged.
	RevokedAt time.Time
}

// Keyring says which keys belong to which device. The server's devices
// table is one (phase two of issue 14); Keys is one in memory.
type Keyring interface {
	// DeviceKeys returns the keys registered for the device with site id
	// site, in any order; none for an unknown site.
	DeviceKeys(ctx context.Context, site string) ([]RegisteredKey, error)
}

// Keys is a Keyring in memory: site id → registered keys.
type Keys map[string][]RegisteredKey

// DeviceKeys implements Keyring.
func (k Keys) DeviceKeys(_ context.Context, site string) ([]RegisteredKey, error) {
	return k[site], nil
}

// BlobSource gives attachment bytes by their SHA-256 name.
type BlobSource interface {
	// Blob returns the bytes stored under hash (lower-case hex), and false
	// when none are stored (yet).
	Blob(ctx context.Context, hash string) (data []byte, ok bool, err error)
}

// BlobDir is a BlobSource over a folder of files named by their hash: the
// device's attachment folder (flat), or the server's blob folder, where a
// blob lives in a sub-folder named by the hash's first two digits
// (Sharded).
type BlobDir struct {
	Dir     string
	Sharded bool
}

// Blob implements BlobSource.
func (d BlobDir) Blob(_ context.Context, hash string) ([]byte, bool, error) {
	if _, err := ParseHash(hash); err != nil {
		return nil, false, fmt.Errorf("read blob: %w", err)
	}
	p := filepath.Join(d.Dir, hash)
	if d.Sharded {
		p = filepath.Join(d.Dir, hash[:2], hash)
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read blob %s: %w", hash, err)
	}
	return b, true, nil
}
