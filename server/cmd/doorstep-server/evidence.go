package main

import (
	"context"
	"io"
	"time"

	"doorstep/server/store"
	"doorstep/sync/evidence"
)

// evidenceVerify prints the evidence verdict of every submitted record (or
// of one household's), verified as an auditor would against the registered
// device keys and the blob folder (docs/EVIDENCE.md). It stores nothing.
// With --store it also writes the verdicts to evidence_verdicts, as the
// server does after each push, so they sync to the office.
func evidenceVerify(ctx context.Context, args []string, out io.Writer) error {
	fs, db := adminFlags("evidence verify")
	household := fs.String("household", "", "verify only this household's records (its id)")
	blobs := fs.String("blobs", env("DOORSTEP_BLOBS", ""), "directory for blobs; <db>-blobs when empty (env DOORSTEP_BLOBS)")
	save := fs.Bool("store", false, "store the verdicts in evidence_verdicts (synced to the office)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{"evidence verify takes no arguments besides its flags"}
	}
	st, err := store.Open(ctx, *db, store.Options{Now: time.Now, BlobDir: *blobs})
	if err != nil {
		return err
	}
	defer st.Close()
	vs, err := st.EvidenceAudit(ctx, *household)
	if err != nil {
		return err
	}
	if *save {
		if err := st.StoreVerdicts(ctx, vs); err != nil {
			return err
		}
	}
	return evidence.Print(out, vs)
}
