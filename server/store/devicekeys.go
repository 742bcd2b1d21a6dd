package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"doorstep/sync/client/api"
	"doorstep/sync/evidence"
)

// RegisterDeviceKey registers the evidence public key (standard base64,
// docs/EVIDENCE.md) of device id, enrolled a moment ago. A device's key is
// registered once: a device that has one keeps it (CodeBadRequest for a
// different key; the same key again is a no-op). An unknown device is
// CodeNotFound, a malformed key CodeBadRequest.
func (s *Store) RegisterDeviceKey(ctx context.Context, id, publicKey string) error {
	pub, err := evidence.ParsePublicKey(publicKey)
	if err != nil {
		return api.Errorf(api.CodeBadRequest, "device public key: %v", err)
	}
	enc := evidence.EncodePublicKey(pub)
	var current string
	if err := s.db.QueryRowContext(ctx, `SELECT public_key FROM devices WHERE id = ?`, id).Scan(&current); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return api.Errorf(api.CodeNotFound, "no device %s", id)
		}
		return fmt.Errorf("register key of device %s: %w", id, err)
	}
	switch current {
	case enc:
		return nil
	case "":
	default:
		return api.Errorf(api.CodeBadRequest, "device %s has a key already", id)
	}
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE devices SET public_key = ? WHERE id = ? AND public_key = ''`, enc, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("register key of device %s: %w", id, err)
	}
	return nil
}

// DevicePublicKeys returns the registered evidence public key of every
// device that has one, by device id.
func (s *Store) DevicePublicKeys(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, public_key FROM devices WHERE public_key <> ''`)
	if err != nil {
		return nil, fmt.Errorf("device keys: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, key string
		if err := rows.Scan(&id, &key); err != nil {
			return nil, fmt.Errorf("device keys: %w", err)
		}
		out[id] = key
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("device keys: %w", err)
	}
	return out, nil
}

// DeviceKeys implements evidence.Keyring over the devices table: the keys
// registered for the devices with site id site (a re-enrolled tablet keeps
// its site and has one key per enrollment), each retired at its device's
// revocation.
func (s *Store) DeviceKeys(ctx context.Context, site string) ([]evidence.RegisteredKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT public_key, revoked_at FROM devices WHERE site_id = ? AND public_key <> '' ORDER BY created_at, id`, site)
	if err != nil {
		return nil, fmt.Errorf("keys of site %s: %w", site, err)
	}
	defer rows.Close()
	var out []evidence.RegisteredKey
	for rows.Next() {
		var key, revoked string
		if err := rows.Scan(&key, &revoked); err != nil {
			return nil, fmt.Errorf("keys of site %s: %w", site, err)
		}
		pub, err := evidence.ParsePublicKey(key)
		if err != nil {
			return nil, fmt.Errorf("keys of site %s: stored key: %w", site, err)
		}
		out = append(out, evidence.RegisteredKey{Public: pub, RevokedAt: parseTime(revoked)})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("keys of site %s: %w", site, err)
	}
	return out, nil
}

var _ evidence.Keyring = (*Store)(nil)
