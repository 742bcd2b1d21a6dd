package records

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Setting keys of the device-local settings table.
const (
	SettingLanguage = "language"      // "zh-CN" or "en"
	SettingIdleLock = "idle_lock_min" // minutes before the app locks; "0" never
	SettingPIN      = "pin"           // salt:hash (PBKDF2-SHA256)
	SettingIdentity = "identity"      // JSON of Identity
	SettingLastSync = "last_sync"     // RFC 3339 time of the last successful sync
)

// DefaultIdleLock is the idle time before the app locks when none is set.
const DefaultIdleLock = 5 * time.Minute

// Setting returns the value of key and whether it is set.
func (s *Store) Setting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, true, nil
}

// SetSetting stores value under key.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES (?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("save setting %s: %w", key, err)
	}
	return nil
}

// IdleLock returns how long the app may sit idle before it locks; zero
// means never.
func (s *Store) IdleLock(ctx context.Context) (time.Duration, error) {
	v, ok, err := s.Setting(ctx, SettingIdleLock)
	if err != nil || !ok {
		return DefaultIdleLock, err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return DefaultIdleLock, nil
	}
	return time.Duration(n) * time.Minute, nil
}

// SetIdleLock stores the idle lock time, rounded to whole minutes.
func (s *Store) SetIdleLock(ctx context.Context, d time.Duration) error {
	return s.SetSetting(ctx, SettingIdleLock, strconv.Itoa(int(d/time.Minute)))
}

// pinIterations is the PBKDF2 work factor for the app-lock PIN.
const pinIterations = 100_000

// HasPIN reports whether an app-lock PIN has been set.
func (s *Store) HasPIN(ctx context.Context) (bool, error) {
	_, ok, err := s.Setting(ctx, SettingPIN)
	return ok, err
}

// SetPIN stores a salted hash of pin (never the PIN itself).
func (s *Store) SetPIN(ctx context.Context, pin string) error {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return fmt.Errorf("pin salt: %w", err)
	}
	h, err := pbkdf2.Key(sha256.New, pin, salt, pinIterations, 32)
	if err != nil {
		return fmt.Errorf("hash pin: %w", err)
	}
	return s.SetSetting(ctx, SettingPIN, hex.EncodeToString(salt)+":"+hex.EncodeToString(h))
}

// CheckPIN reports whether pin matches the stored PIN. With no PIN set it
// reports false.
func (s *Store) CheckPIN(ctx context.Context, pin string) (bool, error) {
	v, ok, err := s.Setting(ctx, SettingPIN)
	if err != nil || !ok {
		return false, err
	}
	saltHex, hashHex, found := strings.Cut(v, ":")
	salt, err1 := hex.DecodeString(saltHex)
	want, err2 := hex.DecodeString(hashHex)
	if !found || err1 != nil || err2 != nil {
		return false, fmt.Errorf("stored pin is malformed")
	}
	got, err := pbkdf2.Key(sha256.New, pin, salt, pinIterations, len(want))
	if err != nil {
		return false, fmt.Errorf("hash pin: %w", err)
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// ValidPIN reports whether pin is an acceptable app-lock PIN: 4 to 8 digits.
func ValidPIN(pin string) bool {
	if len(pin) < 4 || len(pin) > 8 {
		return false
	}
	for _, c := range pin {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
