package forms

import (
	"context"
	"database/sql"
	"time"

	"doorstep/sync/evidence"
)

// Signer signs a submitted record with the device's evidence key, inside
// the submit's transaction (evidence.Signer.Append; docs/EVIDENCE.md). The
// app's is records.Store.SignSubmit; nil signs nothing (tests of the form
// models alone, on a database that is not a device replica).
type Signer func(ctx context.Context, tx *sql.Tx, sub evidence.Submit) error

// signSubmit signs the submit of record id of table in tx, with the time
// its form was opened (a stored RFC 3339 instant; "" when unknown). It is
// the last write of the submit: the entry covers every row written before
// it, and if the transaction rolls back the entry goes with it.
func (e Env) signSubmit(ctx context.Context, tx *sql.Tx, table, id, openedAt string) error {
	if e.Sign == nil {
		return nil
	}
	var opened time.Time
	if openedAt != "" {
		if t, err := time.Parse(time.RFC3339, openedAt); err == nil && !t.After(e.now()) {
			opened = t
		}
	}
	return e.Sign(ctx, tx, evidence.Submit{Table: table, ID: id, OpenedAt: opened})
}
