package evidence

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"doorstep/schema"
)

// TestIngestVerdicts runs what the server runs on a push: verify the
// records the push touched, store the verdicts (once), and verify again
// when rows change.
func TestIngestVerdicts(t *testing.T) {
	dir := t.TempDir()
	d := newDevice(t, dir, "w1", 1, &idGen{})
	hub := openReplica(t, filepath.Join(dir, "hub.db"), schema.Server, "0195c000-0000-7000-8000-000000000001",
		(&testClock{now: epoch}).Now)
	defer hub.Close()
	var visits []RecordRef
	var h household
	for i := 0; i < 5; i++ {
		var id string
		h, id, _ = d.visit()
		visits = append(visits, RecordRef{"means_visits", id})
	}
	push(t, d.rep, hub)
	ctx := context.Background()
	v := Verifier{Keys: keysOf(d), Blobs: BlobDir{Dir: d.blobs}, Clocks: ReplicaClocks{hub}}

	// The last record: only its chain neighbour is read, and that is enough.
	last := visits[4]
	vs, err := VerifyRecords(ctx, hub.DB(), v, []RecordRef{last})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].Record != last || vs[0].Status != Verified || vs[0].Index != 4 {
		t.Fatalf("last visit: %+v", vs)
	}
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
	all, err := VerifyRecords(ctx, hub.DB(), v, visits)
	if err != nil {
		t.Fatal(err)
	}
	if n := write(all); n != 5 {
		t.Errorf("first verdicts: %d rows written, want 5", n)
	}
	if n := write(all); n != 0 {
		t.Errorf("same verdicts again: %d rows written, want 0", n)
	}

	// An administrator edits the household's income on the server.
	if _, err := hub.DB().ExecContext(ctx, `UPDATE incomes SET monthly_fen = 7 WHERE id = ?`, h.incomes[1]); err != nil {
		t.Fatal(err)
	}
	vs, err = VerifyRecords(ctx, hub.DB(), v, []RecordRef{last})
	if err != nil {
		t.Fatal(err)
	}
	if n := write(vs); n != 1 {
		t.Errorf("changed verdict: %d rows written, want 1", n)
	}
	var status, reasons, community string
	err = hub.DB().QueryRowContext(ctx, `SELECT status, reasons, community_id FROM evidence_verdicts WHERE id = ?`,
		VerdictID(last)).Scan(&status, &reasons, &community)
	if err != nil {
		t.Fatal(err)
	}
	var rs []Reason
	if err := json.Unmarshal([]byte(reasons), &rs); err != nil {
		t.Fatal(err)
	}
	if status != string(Flagged) || community != "c1" || len(rs) != 1 || rs[0].Code != CodeChanged ||
		rs[0].Column != "monthly_fen" || rs[0].Row != h.incomes[1] || rs[0].Current != "7" {
		t.Errorf("stored verdict: %s %s %s", status, community, reasons)
	}

	// A fork at the last place of the chain is found from its neighbours.
	d.exec(`UPDATE evidence_device SET next_index = 4, head_hash = ?`, entryHashAt(t, d, 3))
	_, forked, _ := d.visit()
	push(t, d.rep, hub)
	vs, err = VerifyRecords(ctx, hub.DB(), v, []RecordRef{{"means_visits", forked}})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || !hasReason(vs[0], Reason{Code: CodeChainFork}) {
		t.Errorf("fork: %+v", vs)
	}
}

func entryHashAt(t *testing.T, d *device, index int) string {
	t.Helper()
	var h string
	if err := d.rep.DB().QueryRow(`SELECT entry_hash FROM evidence_entries WHERE chain_index = ?`, index).Scan(&h); err != nil {
		t.Fatal(err)
	}
	return h
}
