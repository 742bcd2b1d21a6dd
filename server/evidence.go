package server

import (
	"context"
	"fmt"

	"doorstep/sync/evidence"
)

// registerKey registers the evidence public key a device sent with its
// enrollment (none from an app older than evidence). If it cannot be
// stored, the enrollment is undone (the device is revoked) so that a
// device never signs with a key the server does not know.
func (s *Server) registerKey(ctx context.Context, deviceID, publicKey string) error {
	if publicKey == "" {
		s.log.Warn("device enrolled without an evidence key; its records cannot be verified", "device", deviceID)
		return nil
	}
	err := s.store.RegisterDeviceKey(ctx, deviceID, publicKey)
	if err == nil {
		return nil
	}
	if rerr := s.store.RevokeDevice(ctx, deviceID); rerr != nil {
		s.log.Error("undo enrollment", "device", deviceID, "err", rerr)
	}
	return fmt.Errorf("enroll: %w", err)
}

// verifyAttachment re-verifies the records whose evidence names a blob
// whose upload just completed.
func (s *Server) verifyAttachment(ctx context.Context, hash string) {
	vs, err := s.store.VerifyAttachment(ctx, hash)
	s.logVerdicts("blob", hash, vs, err)
}

func (s *Server) logVerdicts(what, id string, vs []evidence.Verdict, err error) {
	if err != nil {
		s.log.Error("verify evidence", what, id, "err", err)
		return
	}
	for _, v := range vs {
		if v.Status == evidence.Flagged {
			s.metrics.Flagged.Add(1)
			s.log.Warn("evidence flagged", what, id, "table", v.Record.Table, "record", v.Record.ID, "reasons", len(v.Reasons))
		}
	}
}
