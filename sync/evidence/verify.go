package evidence

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Verifier checks evidence. It never changes data: it produces verdicts.
// The zero value checks nothing against keys (every entry is key_unknown)
// and no attachments (attachments_unchecked).
type Verifier struct {
	// Keys are the devices' registered keys.
	Keys Keyring
	// Blobs gives attachment bytes; nil leaves attachments unchecked.
	Blobs BlobSource
	// Clocks gives the clock of each field's current value (the sync
	// engine's metadata; ReplicaClocks). With it, a field changed by another
	// evidenced submit — later, or concurrent and winning the merge — is
	// recognised as such; without it, only changes a later entry signed are.
	Clocks Clocks
}

// timingSlack is how much longer than the form was open its sections may
// add up to (clock steps, rounding).
const timingSlack = time.Minute

// entryCheck is one stored entry under verification.
type entryCheck struct {
	s         Stored
	kind      Kind
	known     bool
	hash      Hash
	authentic bool  // well-formed, signed by a key registered for its site
	rows      []Row // the signed content, when it is intact
	own       []Reason
	chain     []Reason
}

func (c *entryCheck) reason(list *[]Reason, r Reason) {
	r.Entry = c.s.ID
	*list = append(*list, r)
}

// Verify verifies entries — typically every entry of the records in
// question, the entries of the devices that wrote them (for the chain) and
// of the same households and elders (for fields a later record changed) —
// against the records as q holds them now, and returns one verdict per
// record named by an entry or listed in submitted (records that must have
// evidence), ordered by table and id. Only a failure to read is an error.
func (v Verifier) Verify(ctx context.Context, q Querier, entries []Stored, submitted []RecordRef) ([]Verdict, error) {
	checks := make([]*entryCheck, len(entries))
	for i, s := range entries {
		c, err := v.checkEntry(ctx, s)
		if err != nil {
			return nil, err
		}
		checks[i] = c
	}
	checkChains(checks)
	byRecord := map[RecordRef][]*entryCheck{}
	for _, c := range checks {
		ref := RecordRef{c.s.Entry.RecordTable, c.s.Entry.RecordID}
		byRecord[ref] = append(byRecord[ref], c)
	}
	att := newAttestations(checks)
	var out []Verdict
	for ref, cs := range byRecord {
		vd, err := v.verdict(ctx, q, ref, cs, att)
		if err != nil {
			return nil, err
		}
		out = append(out, vd)
	}
	for _, ref := range submitted {
		if _, done := byRecord[ref]; done {
			continue
		}
		byRecord[ref] = nil
		vd := Verdict{Record: ref, Status: Verified}
		if k, ok := KindOf(ref.Table); ok {
			vd.Kind = k.Name
			rec, err := LoadRecord(ctx, q, k, ref.ID)
			if err != nil && !errors.Is(err, ErrNoRecord) {
				return nil, err
			}
			vd.Community, vd.Household, vd.Elder = rec.Community, rec.Household, rec.Elder
		}
		vd.add(Reason{Code: CodeNoEvidence})
		out = append(out, vd)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Record.Table != out[j].Record.Table {
			return out[i].Record.Table < out[j].Record.Table
		}
		return out[i].Record.ID < out[j].Record.ID
	})
	return out, nil
}

// checkEntry runs the checks that need only the entry: form, hash, key,
// signature, revocation, stored content, attachment list, timing.
func (v Verifier) checkEntry(ctx context.Context, s Stored) (*entryCheck, error) {
	c := &entryCheck{s: s}
	e := s.Entry
	c.kind, c.known = KindOf(e.RecordTable)
	if len(s.Malformed) > 0 {
		c.reason(&c.own, Reason{Code: CodeMalformed, Detail: "columns " + strings.Join(s.Malformed, ", ")})
		return c, nil
	}
	if !c.known {
		c.reason(&c.own, Reason{Code: CodeMalformed, Detail: "no record kind for table " + e.RecordTable})
		return c, nil
	}
	c.hash = e.Hash()
	if s.EntryHash != c.hash.String() {
		c.reason(&c.own, Reason{Code: CodeEntryHashMismatch, Detail: "stored " + s.EntryHash + ", computed " + c.hash.String()})
	}
	var keys []RegisteredKey
	if v.Keys != nil {
		var err error
		if keys, err = v.Keys.DeviceKeys(ctx, e.Site); err != nil {
			return nil, fmt.Errorf("keys of device %s: %w", e.Site, err)
		}
	}
	i := slices.IndexFunc(keys, func(k RegisteredKey) bool { return bytes.Equal(k.Public, e.PublicKey) })
	switch {
	case i < 0:
		c.reason(&c.own, Reason{Code: CodeKeyUnknown, Detail: "key " + Fingerprint(e.PublicKey) + " is not registered for device " + e.Site})
	case !e.SignatureValid(s.Signature):
		c.reason(&c.own, Reason{Code: CodeBadSignature})
	default:
		c.authentic = true
		if r := keys[i].RevokedAt; !r.IsZero() && e.Wall.After(r) {
			c.reason(&c.own, Reason{Code: CodeKeyRevoked, Detail: "signed " + e.Wall.Format(time.RFC3339) + ", revoked " + r.UTC().Format(time.RFC3339)})
		}
	}
	if ContentHash(s.Content) != e.ContentHash {
		c.reason(&c.own, Reason{Code: CodeContentPayload})
	} else if rows, err := DecodeContent(s.Content); err != nil {
		c.reason(&c.own, Reason{Code: CodeContentPayload, Detail: err.Error()})
	} else {
		c.rows = rows
		want := attachmentsOf(c.kind, e.RecordID, rows)
		got := append([]Attachment(nil), e.Attachments...)
		sortAttachments(got)
		if !slices.Equal(want, got) {
			c.reason(&c.own, Reason{Code: CodeAttachmentList,
				Detail: fmt.Sprintf("entry lists %d, content references %d", len(got), len(want))})
		}
	}
	if !e.OpenedAt.IsZero() {
		var total time.Duration
		for _, sec := range e.Sections {
			total += time.Duration(sec.Seconds) * time.Second
		}
		open := e.SubmittedAt.Sub(e.OpenedAt)
		switch {
		case open < 0:
			c.reason(&c.own, Reason{Code: CodeTimingInvalid, Detail: "opened after it was submitted"})
		case total > open+timingSlack:
			c.reason(&c.own, Reason{Code: CodeTimingInvalid,
				Detail: fmt.Sprintf("sections add up to %s, the form was open %s", total, open.Round(time.Second))})
		}
	}
	return c, nil
}

// verdict decides one record from its entries.
func (v Verifier) verdict(ctx context.Context, q Querier, ref RecordRef, cs []*entryCheck, att attestations) (Verdict, error) {
	vd := Verdict{Record: ref, Status: Verified, Entries: len(cs)}
	var latest *entryCheck
	for _, c := range cs {
		for _, r := range c.own {
			vd.add(r)
		}
		for _, r := range c.chain {
			vd.add(r)
		}
		if c.authentic && (latest == nil || later(c, latest)) {
			latest = c
		}
	}
	if len(cs) > 0 {
		e := cs[0].s.Entry
		vd.Community, vd.Household, vd.Elder = e.Community, e.Household, e.Elder
		if cs[0].known {
			vd.Kind = cs[0].kind.Name
		}
	}
	if latest == nil {
		// Nothing validly signed: the entries' own reasons say why.
		if vd.Status == Verified {
			vd.add(Reason{Code: CodeNoEvidence})
		}
		return vd, nil
	}
	e := latest.s.Entry
	vd.Entry, vd.EntryHash, vd.Site, vd.Index = latest.s.ID, latest.hash.String(), e.Site, e.Index
	vd.Community, vd.Household, vd.Elder = e.Community, e.Household, e.Elder
	vd.Fingerprint = Fingerprint(e.PublicKey)
	if latest.rows != nil {
		rec, err := LoadRecord(ctx, q, latest.kind, ref.ID)
		switch {
		case errors.Is(err, ErrNoRecord):
			vd.add(Reason{Code: CodeRecordMissing, Entry: latest.s.ID})
		case err != nil:
			return vd, err
		default:
			vd.Community, vd.Household, vd.Elder = rec.Community, rec.Household, rec.Elder
			rs, err := v.compareContent(ctx, latest, rec.Rows, att)
			if err != nil {
				return vd, err
			}
			for _, r := range rs {
				vd.add(r)
			}
		}
	}
	if err := v.checkAttachments(ctx, latest, &vd); err != nil {
		return vd, err
	}
	return vd, nil
}

// later reports whether entry a is later than b: by HLC, then site (the
// order last-writer-wins merges by), then chain index, then row id.
func later(a, b *entryCheck) bool {
	ea, eb := a.s.Entry, b.s.Entry
	if ea.HLC != eb.HLC {
		return ea.HLC > eb.HLC
	}
	if ea.Site != eb.Site {
		return ea.Site > eb.Site
	}
	if ea.Index != eb.Index {
		return ea.Index > eb.Index
	}
	return a.s.ID > b.s.ID
}

// checkAttachments checks the bytes of the latest entry's attachments.
func (v Verifier) checkAttachments(ctx context.Context, c *entryCheck, vd *Verdict) error {
	as := c.s.Entry.Attachments
	if len(as) == 0 {
		return nil
	}
	if v.Blobs == nil {
		vd.add(Reason{Code: CodeAttachmentUnchecked, Entry: c.s.ID})
		return nil
	}
	for _, a := range as {
		name := a.Hash.String()
		data, ok, err := v.Blobs.Blob(ctx, name)
		if err != nil {
			return err
		}
		switch {
		case !ok:
			vd.add(Reason{Code: CodeAttachmentMissing, Entry: c.s.ID, Hash: name, Detail: a.Role})
		case sha256.Sum256(data) != a.Hash:
			vd.add(Reason{Code: CodeAttachmentMismatch, Entry: c.s.ID, Hash: name,
				Detail: fmt.Sprintf("%s: %d bytes hash to %x", a.Role, len(data), sha256.Sum256(data))})
		}
	}
	return nil
}
