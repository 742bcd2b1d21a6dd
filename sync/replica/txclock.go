package replica

import (
	"context"
	"database/sql"
	"fmt"

	"doorstep/sync/hlc"
)

// TxHLC returns the hybrid-logical-clock time that the captured writes of
// tx carry — tx must be a write transaction on a replica's DB(). When tx
// has written no synced row yet, the clock is started here and its later
// writes carry it. A record that must name the clock of the transaction
// writing it (an evidence entry signs it) reads it with TxHLC.
func TxHLC(ctx context.Context, tx *sql.Tx) (hlc.Timestamp, error) {
	// Any row update makes tx's connection the one the capture functions
	// attribute the transaction to (the pre-update hook, driver.go): the
	// same no-op update that takes the write lock in beginWrite.
	if _, err := tx.ExecContext(ctx, `UPDATE sync_state SET hlc = hlc WHERE id = 1`); err != nil {
		return 0, fmt.Errorf("transaction clock: %w", err)
	}
	var t int64
	if err := tx.QueryRowContext(ctx, `SELECT ds_hlc(`+clockArg+`)`).Scan(&t); err != nil {
		return 0, fmt.Errorf("transaction clock (not a replica transaction?): %w", err)
	}
	return hlc.Timestamp(t), nil
}
