package evidence

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"doorstep/schema"
)

// TestWriteVerdictsInChunks stores more verdicts than one statement holds,
// rewrites only those that changed, and keeps the last of two verdicts of
// one record.
func TestWriteVerdictsInChunks(t *testing.T) {
	ctx := context.Background()
	hub := openReplica(t, filepath.Join(t.TempDir(), "hub.db"), schema.Server, "0195c000-0000-7000-8000-000000000001",
		(&testClock{now: epoch}).Now)
	defer hub.Close()
	write := func(vs []Verdict) int {
		t.Helper()
		var n int
		err := hub.Write(ctx, "", func(tx *sql.Tx) error {
			var err error
			n, err = WriteVerdicts(ctx, tx, vs, epoch.Add(time.Hour))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	const records = 2*verdictChunk + 13
	vs := make([]Verdict, records)
	for i := range vs {
		vs[i] = Verdict{Record: RecordRef{"means_visits", fmt.Sprintf("visit-%03d", i)}, Community: "c1",
			Household: fmt.Sprintf("h%d", i%7), Status: Pending}
	}
	if n := write(vs); n != records {
		t.Fatalf("first write: %d rows written, want %d", n, records)
	}
	if n := write(vs); n != 0 {
		t.Fatalf("same verdicts again: %d rows written, want 0", n)
	}
	// Three change; record 5 comes twice, flagged then verified: the
	// later is stored.
	flag := []Reason{{Code: CodeChanged, Table: "incomes", Row: "i1", Column: "monthly_fen"}}
	again := append([]Verdict(nil), vs...)
	again[5].Status, again[5].Reasons = Flagged, flag
	again[70].Status, again[70].Reasons = Flagged, flag
	again[records-1].Status, again[records-1].Entry, again[records-1].EntryHash = Verified, "e1", "abc"
	again = append(again, Verdict{Record: vs[5].Record, Community: "c1", Household: vs[5].Household, Status: Verified})
	if n := write(again); n != 3 {
		t.Fatalf("three changed: %d rows written, want 3", n)
	}
	status := func(i int) (string, string) {
		t.Helper()
		var s, r string
		if err := hub.DB().QueryRowContext(ctx, `SELECT status, reasons FROM evidence_verdicts WHERE id = ?`,
			VerdictID(vs[i].Record)).Scan(&s, &r); err != nil {
			t.Fatal(err)
		}
		return s, r
	}
	for i, want := range map[int]Status{0: Pending, 5: Verified, 70: Flagged, records - 1: Verified} {
		if s, r := status(i); s != string(want) {
			t.Errorf("record %d: status %s (reasons %s), want %s", i, s, r, want)
		}
	}
	var n int
	if err := hub.DB().QueryRowContext(ctx, `SELECT count(*) FROM evidence_verdicts`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != records {
		t.Errorf("%d verdict rows, want %d", n, records)
	}
}
