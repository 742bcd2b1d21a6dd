-- Each device's evidence public key (Ed25519, standard base64; docs/EVIDENCE.md),
-- registered at enrollment. '' = enrolled before devices had keys. Revoking the
-- device (revoked_at) retires its key.
ALTER TABLE devices ADD COLUMN public_key TEXT NOT NULL DEFAULT '';
