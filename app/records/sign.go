package records

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/google/uuid"

	"doorstep/sync/evidence"
)

// SignSubmit returns the signer the forms call inside a submit's
// transaction (forms.Env.Sign): it appends the record's evidence entry to
// this device's chain, signed with the device's key (made on first use)
// as user userID, the device being the replica whose site sync_state holds.
// The record's first open time and its time per section come from the
// form timing (formtiming.go). The database must be the device replica's
// (app/device.go).
func (s *Store) SignSubmit(userID string) func(ctx context.Context, tx *sql.Tx, sub evidence.Submit) error {
	return func(ctx context.Context, tx *sql.Tx, sub evidence.Submit) error {
		var site string
		if err := tx.QueryRowContext(ctx, `SELECT site FROM sync_state WHERE id = 1`).Scan(&site); err != nil {
			return fmt.Errorf("sign %s %s: device site: %w", sub.Table, sub.ID, err)
		}
		key, err := evidence.DeviceKey(ctx, tx, nil, s.now())
		if err != nil {
			return fmt.Errorf("sign %s %s: %w", sub.Table, sub.ID, err)
		}
		sub, err = withFormTiming(ctx, tx, sub)
		if err != nil {
			return fmt.Errorf("sign %s %s: %w", sub.Table, sub.ID, err)
		}
		signer := evidence.Signer{Key: key, Site: site, User: userID, Now: s.now,
			NewID: func() string { return uuid.Must(uuid.NewV7()).String() }}
		if _, err := signer.Append(ctx, tx, sub); err != nil {
			return fmt.Errorf("sign %s %s: %w", sub.Table, sub.ID, err)
		}
		return nil
	}
}
