package evidence

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
)

// Key is a device's evidence signing key: an Ed25519 private key. The
// device keeps it in its own database (evidence_device) and registers the
// public half with the server at enrollment. The zero Key is not usable.
type Key struct {
	priv ed25519.PrivateKey
}

// GenerateKey makes a new key from rand (crypto/rand.Reader in production;
// tests pass a deterministic reader).
func GenerateKey(rand io.Reader) (Key, error) {
	_, priv, err := ed25519.GenerateKey(rand)
	if err != nil {
		return Key{}, fmt.Errorf("generate evidence key: %w", err)
	}
	return Key{priv: priv}, nil
}

// KeyFromSeed rebuilds a key from its 32-byte Ed25519 seed.
func KeyFromSeed(seed []byte) (Key, error) {
	if len(seed) != ed25519.SeedSize {
		return Key{}, fmt.Errorf("evidence key seed: %d bytes, want %d", len(seed), ed25519.SeedSize)
	}
	return Key{priv: ed25519.NewKeyFromSeed(seed)}, nil
}

// ParseKey decodes a key stored with EncodePrivate.
func ParseKey(s string) (Key, error) {
	seed, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return Key{}, fmt.Errorf("evidence key: %w", err)
	}
	return KeyFromSeed(seed)
}

// EncodePrivate returns the key's seed in standard base64, the form the
// device stores. It is a secret: it never leaves the device.
func (k Key) EncodePrivate() string { return base64.StdEncoding.EncodeToString(k.priv.Seed()) }

// Public returns the public key.
func (k Key) Public() ed25519.PublicKey { return k.priv.Public().(ed25519.PublicKey) }

// Valid reports whether k holds a key (the zero Key does not).
func (k Key) Valid() bool { return len(k.priv) == ed25519.PrivateKeySize }

// sign signs msg.
func (k Key) sign(msg []byte) []byte { return ed25519.Sign(k.priv, msg) }

// EncodePublicKey returns pub in standard base64 (44 characters): the form
// it travels in at enrollment and is stored in evidence_entries.public_key.
func EncodePublicKey(pub ed25519.PublicKey) string { return base64.StdEncoding.EncodeToString(pub) }

// ParsePublicKey decodes a public key written by EncodePublicKey.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("evidence public key: %w", err)
	}
	if len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("evidence public key: %d bytes, want %d", len(b), ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}

// Fingerprint is the short form of a public key people compare by eye
// (`devices list`, the device's settings screen): the first 16 hex digits
// of the SHA-256 of the 32 key bytes, in groups of four —
// "3f2a 9c01 77de 05b4".
func Fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	h := hex.EncodeToString(sum[:8])
	return strings.Join([]string{h[0:4], h[4:8], h[8:12], h[12:16]}, " ")
}
