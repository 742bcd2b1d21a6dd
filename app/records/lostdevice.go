package records

import (
	"context"

	"doorstep/sync/client/api"
)

// Revoked reports whether err is the server's answer to a revoked device
// (api.CodeRevoked): the device must wipe its local data (Wipe).
func Revoked(err error) bool { return err != nil && api.ErrorCode(err) == api.CodeRevoked }

// WrongPIN is what the lock screen does after a wrong PIN.
type WrongPIN struct {
	PINWipe
	// Pending lists the changes waiting to be pushed, which a wipe would
	// lose; filled in only when the wipe is near (PINWipe.Warn).
	Pending []PendingChange
}

// AfterWrongPIN reads, after a wrong PIN (Unlock counted it), where the
// device stands against the wrong-PIN wipe: Due — close the database and
// Wipe now; Warn — warn with the changes waiting to be pushed.
func (s *Store) AfterWrongPIN(ctx context.Context) (WrongPIN, error) {
	p, err := s.PINWipeState(ctx)
	if err != nil {
		return WrongPIN{PINWipe: p}, err
	}
	w := WrongPIN{PINWipe: p}
	if p.Warn() {
		if w.Pending, err = s.PendingChanges(ctx); err != nil {
			return w, err
		}
	}
	return w, nil
}
