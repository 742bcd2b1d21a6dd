package evidence

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSubmittedRecordsVerify(t *testing.T) {
	d := newDevice(t, t.TempDir(), "w1", 1, &idGen{})
	h, visit, s := d.visit()
	spot := d.spotCheck(h)
	elder, screening := d.screening()
	vv := d.volunteerVisit(elder)
	if len(s.Entry.Attachments) != 3 {
		t.Fatalf("visit entry lists %d attachments, want 3: %+v", len(s.Entry.Attachments), s.Entry.Attachments)
	}
	vs := audit(t, d.rep.DB(), d.verifier())
	for _, id := range []string{visit, spot, screening, vv} {
		v, ok := vs[id]
		if !ok {
			t.Fatalf("no verdict for %s", id)
		}
		if v.Status != Verified || len(v.Reasons) != 0 {
			t.Errorf("%s %s: %s %v, want verified", v.Record.Table, id, v.Status, v.Reasons)
		}
	}
	if len(vs) != 4 {
		t.Errorf("%d verdicts, want 4", len(vs))
	}
	if v := vs[visit]; v.Household != h.id || v.Community != "c1" || v.Index != 0 || v.Site != d.rep.Site() {
		t.Errorf("visit verdict placed wrong: %+v", v)
	}
	if v := vs[vv]; v.Elder != elder || v.Index != 3 {
		t.Errorf("volunteer visit verdict: %+v", v)
	}
	// Volunteers reach entries through pairing_id: only their visit logs'
	// entries may carry one, never a means test's or a screening's.
	for _, e := range entries(t, d.rep.DB()) {
		if (e.Entry.Pairing != "") != (e.Entry.RecordTable == "volunteer_visits") {
			t.Errorf("%s entry has pairing %q", e.Entry.RecordTable, e.Entry.Pairing)
		}
	}
	var out bytes.Buffer
	if err := Print(&out, sortedVerdicts(vs)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "4 records: 4 verified, 0 pending, 0 flagged") {
		t.Errorf("printed:\n%s", out.String())
	}
}

func sortedVerdicts(m map[string]Verdict) []Verdict {
	var out []Verdict
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b Verdict) int { return strings.Compare(a.Record.ID, b.Record.ID) })
	return out
}

// The entry names the clock the submit's rows carry: the one the sync
// engine will merge them by.
func TestEntryCarriesTransactionClock(t *testing.T) {
	d := newDevice(t, t.TempDir(), "w1", 1, &idGen{})
	_, visit, s := d.visit()
	for _, table := range []string{"means_visits", "evidence_entries"} {
		id := visit
		if table == "evidence_entries" {
			id = s.ID
		}
		row, ok, err := d.rep.RowState(context.Background(), table, id)
		if err != nil || !ok {
			t.Fatalf("row state %s: %v %v", table, ok, err)
		}
		for _, c := range row.Changes {
			if c.Clock.HLC != s.Entry.HLC {
				t.Fatalf("%s.%s clock %s, entry HLC %s", table, c.Column, c.Clock.HLC, s.Entry.HLC)
			}
		}
	}
}

func TestEditAfterSubmitIsFlagged(t *testing.T) {
	d := newDevice(t, t.TempDir(), "w1", 1, &idGen{})
	h, visit, _ := d.visit()
	_, other, _ := d.visit()
	v := d.verifier()

	// The office's approval columns are not the visit's: still verified.
	d.exec(`UPDATE households SET status = 'active', approved_on = '2026-04-01', benefit_fen = 45000 WHERE id = ?`, h.id)
	if got := audit(t, d.rep.DB(), v)[visit]; got.Status != Verified {
		t.Fatalf("after approval: %s %v", got.Status, got.Reasons)
	}

	// An income raised in the database, bypassing the app.
	d.exec(`UPDATE incomes SET monthly_fen = 1000 WHERE id = ?`, h.incomes[0])
	got := audit(t, d.rep.DB(), v)
	if got[visit].Status != Flagged || !hasReason(got[visit], Reason{Code: CodeChanged, Table: "incomes",
		Row: h.incomes[0], Column: "monthly_fen", Signed: "120000", Current: "1000"}) {
		t.Fatalf("edited income: %s %v", got[visit].Status, got[visit].Reasons)
	}
	if len(got[visit].Reasons) != 1 {
		t.Errorf("reasons %v, want only the changed income", got[visit].Reasons)
	}
	if got[other].Status != Verified {
		t.Errorf("the other household's visit: %s %v", got[other].Status, got[other].Reasons)
	}

	// The visit row itself, and a member added behind the app's back.
	d.exec(`UPDATE means_visits SET observations = '家中有新装修' WHERE id = ?`, visit)
	d.exec(`INSERT INTO members (id, household_id, community_id, name, counted) VALUES (?, ?, 'c1', '王小明', 1)`,
		d.ids.next(), h.id)
	got = audit(t, d.rep.DB(), v)
	if !hasReason(got[visit], Reason{Code: CodeChanged, Table: "means_visits", Column: "observations"}) {
		t.Errorf("edited observations not named: %v", got[visit].Reasons)
	}
	added := false
	for _, r := range got[visit].Reasons {
		added = added || r.Code == CodeChanged && r.Table == "members" && r.Column == "" && strings.Contains(r.Detail, "added")
	}
	if !added {
		t.Errorf("added member not named: %v", got[visit].Reasons)
	}

	// Putting the values back restores the verdict: the rows are as signed.
	d.exec(`UPDATE incomes SET monthly_fen = 120000 WHERE id = ?`, h.incomes[0])
	d.exec(`UPDATE means_visits SET observations = '家中陈设简单' WHERE id = ?`, visit)
	d.exec(`DELETE FROM members WHERE household_id = ? AND name = '王小明'`, h.id)
	got = audit(t, d.rep.DB(), v)
	// A soft-deleted added row is still a row added after signing.
	if got[visit].Status != Flagged || len(got[visit].Reasons) != 1 {
		t.Errorf("after restoring the values: %s %v", got[visit].Status, got[visit].Reasons)
	}
}

// A later visit that changes the household is evidence of its own: the
// earlier visit is not flagged for it, only noted.
func TestLaterRecordChangesAreNotTampering(t *testing.T) {
	d := newDevice(t, t.TempDir(), "w1", 1, &idGen{})
	h, first, _ := d.visit()
	second, _ := d.recheck(h, 98000)
	v := d.verifier()
	got := audit(t, d.rep.DB(), v)
	if got[first].Status != Verified || !hasReason(got[first], Reason{Code: CodeChangedLater}) {
		t.Fatalf("first visit after a re-check: %s %v", got[first].Status, got[first].Reasons)
	}
	if got[second].Status != Verified || len(got[second].Reasons) != 0 {
		t.Fatalf("re-check: %s %v", got[second].Status, got[second].Reasons)
	}
	// Tampering after both is flagged on both.
	d.exec(`UPDATE incomes SET monthly_fen = 5 WHERE id = ?`, h.incomes[0])
	got = audit(t, d.rep.DB(), v)
	for _, id := range []string{first, second} {
		if !hasReason(got[id], Reason{Code: CodeChanged, Table: "incomes", Column: "monthly_fen", Current: "5"}) {
			t.Errorf("%s: %s %v", id, got[id].Status, got[id].Reasons)
		}
	}
	// The household filter returns the household's records only.
	_, third, _ := d.visit()
	vs, err := Audit(context.Background(), d.rep.DB(), v, h.id)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, vd := range vs {
		ids = append(ids, vd.Record.ID)
	}
	slices.Sort(ids)
	if want := []string{first, second}; !slices.Equal(ids, want) || slices.Contains(ids, third) {
		t.Errorf("household %s: verdicts for %v, want %v", h.id, ids, want)
	}
}

func TestChainBreaksAreFlagged(t *testing.T) {
	d := newDevice(t, t.TempDir(), "w1", 1, &idGen{})
	var visits []string
	for i := 0; i < 4; i++ {
		_, id, _ := d.visit()
		visits = append(visits, id)
	}
	v := d.verifier()
	all := entries(t, d.rep.DB())
	ctx := context.Background()
	verify := func(es []Stored) map[string]Verdict {
		t.Helper()
		var refs []RecordRef
		for _, id := range visits {
			refs = append(refs, RecordRef{"means_visits", id})
		}
		vs, err := v.Verify(ctx, d.rep.DB(), es, refs)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]Verdict{}
		for _, vd := range vs {
			out[vd.Record.ID] = vd
		}
		return out
	}
	if got := verify(all); got[visits[2]].Status != Verified {
		t.Fatalf("intact chain: %v", got[visits[2]].Reasons)
	}

	t.Run("Dropped", func(t *testing.T) {
		got := verify(slices.Delete(slices.Clone(all), 1, 2))
		if !hasReason(got[visits[2]], Reason{Code: CodeChainGap}) {
			t.Errorf("entry after the dropped one: %v", got[visits[2]].Reasons)
		}
		if !slices.Equal(codes(got[visits[1]]), []Code{CodeNoEvidence}) {
			t.Errorf("record of the dropped entry: %v", got[visits[1]].Reasons)
		}
		if got[visits[0]].Status != Verified || got[visits[3]].Status != Verified {
			t.Errorf("entries around the gap: %v / %v", got[visits[0]].Reasons, got[visits[3]].Reasons)
		}
	})
	t.Run("DroppedFirst", func(t *testing.T) {
		got := verify(all[1:])
		if !hasReason(got[visits[1]], Reason{Code: CodeChainGap}) {
			t.Errorf("first remaining entry: %v", got[visits[1]].Reasons)
		}
	})
	t.Run("Duplicated", func(t *testing.T) {
		dup := all[2]
		dup.ID = d.ids.next()
		got := verify(append(slices.Clone(all), dup))
		if !hasReason(got[visits[2]], Reason{Code: CodeChainDuplicate}) {
			t.Errorf("duplicated entry: %v", got[visits[2]].Reasons)
		}
	})
	t.Run("ReorderedInDatabase", func(t *testing.T) {
		// Swapping two entries' places changes what they signed.
		es := slices.Clone(all)
		es[1].Entry.Index, es[2].Entry.Index = es[2].Entry.Index, es[1].Entry.Index
		got := verify(es)
		for _, id := range visits[1:3] {
			if !hasReason(got[id], Reason{Code: CodeBadSignature}) {
				t.Errorf("%s: %v", id, got[id].Reasons)
			}
		}
		if !hasReason(got[visits[3]], Reason{Code: CodeChainGap}) {
			t.Errorf("entry after the swapped ones: %v", got[visits[3]].Reasons)
		}
	})
	t.Run("ReorderedBySigner", func(t *testing.T) {
		// A device that signs its entries out of order: 0, then 2 linked
		// to 0, then 1 linked to 2.
		es := slices.Clone(all[:3])
		e2 := es[2].Entry
		e2.Index, e2.Prev = 2, es[0].Entry.Hash()
		e1 := es[1].Entry
		e1.Index, e1.Prev, e1.HLC = 1, e2.Hash(), e2.HLC+1
		es[2] = resign(t, d.key, es[2], e2)
		es[1] = resign(t, d.key, es[1], e1)
		got := verify(es)
		if !hasReason(got[visits[1]], Reason{Code: CodeChainBroken}) || !hasReason(got[visits[2]], Reason{Code: CodeChainBroken}) {
			t.Errorf("out-of-order chain: %v / %v", got[visits[1]].Reasons, got[visits[2]].Reasons)
		}
	})
	t.Run("Backdated", func(t *testing.T) {
		// An entry whose clock is before its predecessor's.
		es := slices.Clone(all)
		e := es[2].Entry
		e.HLC = es[1].Entry.HLC - 1
		es[2] = resign(t, d.key, es[2], e)
		es[3] = resign(t, d.key, es[3], withPrev(es[3].Entry, e.Hash()))
		got := verify(es)
		if !hasReason(got[visits[2]], Reason{Code: CodeChainOrder}) {
			t.Errorf("back-dated entry: %v", got[visits[2]].Reasons)
		}
		if got[visits[3]].Status != Verified {
			t.Errorf("entry after it: %v", got[visits[3]].Reasons)
		}
	})
	t.Run("ForkInDatabase", func(t *testing.T) {
		// The device's chain head is rolled back: the next submit reuses
		// index 3.
		d.exec(`UPDATE evidence_device SET next_index = 3, head_hash = ?`, all[2].Entry.Hash().String())
		_, id, _ := d.visit()
		got := audit(t, d.rep.DB(), v)
		if !hasReason(got[id], Reason{Code: CodeChainFork}) || !hasReason(got[visits[3]], Reason{Code: CodeChainFork}) {
			t.Errorf("reused index: %v / %v", got[id].Reasons, got[visits[3]].Reasons)
		}
	})
}

func withPrev(e Entry, prev Hash) Entry {
	e.Prev = prev
	return e
}

// resign replaces s's entry with e, signed by k.
func resign(t *testing.T, k Key, s Stored, e Entry) Stored {
	t.Helper()
	sig, err := e.Sign(k)
	if err != nil {
		t.Fatal(err)
	}
	s.Entry, s.Signature, s.EntryHash = e, sig, e.Hash().String()
	return s
}

func TestAnotherDevicesKeyIsRefused(t *testing.T) {
	ids := &idGen{}
	dir := t.TempDir()
	a := newDevice(t, dir, "a", 1, ids)
	b := newDevice(t, dir, "b", 2, ids)
	h, visit, s := a.visit()
	v := a.verifier(a, b)
	ctx := context.Background()
	check := func(forged Stored) Verdict {
		t.Helper()
		vs, err := v.Verify(ctx, a.rep.DB(), []Stored{forged}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return vs[0]
	}
	// Signed by b's key, naming b's key, claiming to be a's entry.
	e := s.Entry
	e.PublicKey = b.key.Public()
	got := check(resign(t, b.key, s, e))
	if got.Status != Flagged || !hasReason(got, Reason{Code: CodeKeyUnknown}) || got.Entry != "" {
		t.Errorf("b's key for a's site: %s %v (rests on %q)", got.Status, got.Reasons, got.Entry)
	}
	// Signed by b's key, naming a's key.
	forged := s
	forged.Signature = b.key.sign(s.Entry.Encode())
	got = check(forged)
	if got.Status != Flagged || !hasReason(got, Reason{Code: CodeBadSignature}) {
		t.Errorf("b's signature under a's key: %s %v", got.Status, got.Reasons)
	}
	// A forged later entry cannot vouch for a tampered value.
	a.exec(`UPDATE incomes SET monthly_fen = 1 WHERE id = ?`, h.incomes[0])
	rec, err := LoadRecord(ctx, a.rep.DB(), MeansVisit, visit)
	if err != nil {
		t.Fatal(err)
	}
	content, err := rec.Content()
	if err != nil {
		t.Fatal(err)
	}
	fe := s.Entry
	fe.RecordID, fe.ContentHash, fe.HLC, fe.PublicKey, fe.Site = visit, ContentHash(content), s.Entry.HLC+10, b.key.Public(), a.rep.Site()
	f := resign(t, b.key, Stored{ID: a.ids.next(), Content: content}, fe)
	vs, err := v.Verify(ctx, a.rep.DB(), []Stored{s, f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !hasReason(vs[0], Reason{Code: CodeChanged, Column: "monthly_fen"}) || !hasReason(vs[0], Reason{Code: CodeKeyUnknown}) {
		t.Errorf("tampered visit with a forged entry: %v", vs[0].Reasons)
	}
	// A revoked key's later entries are flagged; earlier ones stand.
	a.exec(`UPDATE incomes SET monthly_fen = 120000 WHERE id = ?`, h.incomes[0])
	for _, at := range []struct {
		revoked time.Time
		flagged bool
	}{{s.Entry.Wall.Add(-time.Second), true}, {s.Entry.Wall.Add(time.Second), false}} {
		rv := Verifier{Keys: Keys{a.rep.Site(): {{Public: a.key.Public(), RevokedAt: at.revoked}}}, Blobs: BlobDir{Dir: a.blobs}}
		vs, err := rv.Verify(ctx, a.rep.DB(), []Stored{s}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if hasReason(vs[0], Reason{Code: CodeKeyRevoked}) != at.flagged {
			t.Errorf("revoked %s, signed %s: %v", at.revoked, s.Entry.Wall, vs[0].Reasons)
		}
	}
}

func TestAttachmentsAgainstTheirHashes(t *testing.T) {
	d := newDevice(t, t.TempDir(), "w1", 1, &idGen{})
	_, visit, s := d.visit()
	var photo Attachment
	for _, a := range s.Entry.Attachments {
		if a.Role == RolePhoto {
			photo = a
		}
	}
	path := filepath.Join(d.blobs, photo.Hash.String())
	if err := os.WriteFile(path, []byte("another picture"), 0o600); err != nil {
		t.Fatal(err)
	}
	got := audit(t, d.rep.DB(), d.verifier())[visit]
	if got.Status != Flagged || !hasReason(got, Reason{Code: CodeAttachmentMismatch, Hash: photo.Hash.String()}) {
		t.Errorf("photo with other bytes: %s %v", got.Status, got.Reasons)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	got = audit(t, d.rep.DB(), d.verifier())[visit]
	if got.Status != Pending || !hasReason(got, Reason{Code: CodeAttachmentMissing, Hash: photo.Hash.String()}) {
		t.Errorf("photo not arrived: %s %v", got.Status, got.Reasons)
	}
	got = audit(t, d.rep.DB(), Verifier{Keys: keysOf(d)})[visit]
	if got.Status != Pending || !slices.Equal(codes(got), []Code{CodeAttachmentUnchecked}) {
		t.Errorf("no blob store: %s %v", got.Status, got.Reasons)
	}
	// The entry's attachment list must be the one its content references.
	e := s.Entry
	e.Attachments = e.Attachments[1:]
	vs, err := d.verifier().Verify(context.Background(), d.rep.DB(), []Stored{resign(t, d.key, s, e)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !hasReason(vs[0], Reason{Code: CodeAttachmentList}) {
		t.Errorf("short attachment list: %v", vs[0].Reasons)
	}
}

func TestStoredEntryDamage(t *testing.T) {
	for _, c := range []struct {
		name, set string
		want      Code
	}{
		{"Content", `content = 'REVTQwEAAAAA'`, CodeContentPayload},
		{"EntryHash", `entry_hash = '` + strings.Repeat("0", 64) + `'`, CodeEntryHashMismatch},
		{"Signature", `signature = 'not base64!'`, CodeMalformed},
		{"Sections", `sections = '[{"name":"household","seconds":1}]'`, CodeBadSignature},
		{"SignedColumn", `submitted_at = '2026-03-01T08:00:00.000Z'`, CodeBadSignature},
		{"Scope", `community_id = 'c2'`, CodeBadSignature},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := newDevice(t, t.TempDir(), "w1", 1, &idGen{})
			_, visit, s := d.visit()
			d.exec(`UPDATE evidence_entries SET `+c.set+` WHERE id = ?`, s.ID)
			got := audit(t, d.rep.DB(), d.verifier())[visit]
			if got.Status != Flagged || !hasReason(got, Reason{Code: c.want}) {
				t.Errorf("%s: %s %v", c.set, got.Status, got.Reasons)
			}
		})
	}
}

func TestTimingChecks(t *testing.T) {
	e := Entry{SubmittedAt: epoch, OpenedAt: epoch.Add(-10 * time.Minute), Sections: []Section{{"a", 300}, {"b", 300}}}
	check := func(e Entry) bool {
		c, err := Verifier{}.checkEntry(context.Background(), Stored{Entry: e})
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(c.own, func(r Reason) bool { return r.Code == CodeTimingInvalid })
	}
	e.RecordTable = "means_visits"
	if check(e) {
		t.Error("10 minutes of sections in a form open 10 minutes flagged")
	}
	e.Sections = append(e.Sections, Section{"c", 200})
	if !check(e) {
		t.Error("sections longer than the form was open not flagged")
	}
	e.Sections, e.OpenedAt = nil, epoch.Add(time.Minute)
	if !check(e) {
		t.Error("opened after submitted not flagged")
	}
}
