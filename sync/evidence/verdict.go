package evidence

import (
	"crypto/sha256"
	"fmt"
)

// Status is a record's verdict.
type Status string

// Verdict statuses, from best to worst.
const (
	// Verified: the record has a validly signed entry in an unbroken
	// chain, its rows are as signed, its attachments match their hashes.
	Verified Status = "verified"
	// Pending: nothing is wrong so far, but something could not be checked
	// yet (an attachment or the record's rows have not arrived).
	Pending Status = "pending"
	// Flagged: something is wrong; Reasons say what.
	Flagged Status = "flagged"
)

// Severity is how a reason weighs on the verdict.
type Severity int

// Severities.
const (
	// Note: worth showing, not a fault (a field changed by a later,
	// itself evidenced record).
	Note Severity = iota
	// Wait: cannot be checked yet.
	Wait
	// Flag: a fault.
	Flag
)

// Code is a stable reason code. Codes are part of the verdict table and of
// the auditor's output: never rename one.
type Code string

// Reason codes (docs/EVIDENCE.md, "Verification").
const (
	// The entry itself.
	CodeMalformed         Code = "malformed"           // a column of the entry is not in its format
	CodeEntryHashMismatch Code = "entry_hash_mismatch" // entry_hash is not the hash of the entry
	CodeKeyUnknown        Code = "key_unknown"         // the signing key is not registered for the entry's device
	CodeBadSignature      Code = "bad_signature"       // the signature does not verify
	CodeKeyRevoked        Code = "key_revoked"         // signed after the key was revoked
	CodeTimingInvalid     Code = "timing_invalid"      // opened after submitted, or sections longer than the form was open
	// The chain.
	CodeChainGap       Code = "chain_gap"       // the entry before this one is missing
	CodeChainFork      Code = "chain_fork"      // another entry has the same index
	CodeChainDuplicate Code = "chain_duplicate" // the same entry is stored more than once
	CodeChainBroken    Code = "chain_broken"    // prev_hash is not the hash of the entry before
	CodeChainOrder     Code = "chain_order"     // the entry's clock is not after the entry before it
	// The content.
	CodeContentPayload Code = "content_payload_mismatch"     // the stored content does not hash to content_hash
	CodeChanged        Code = "changed_after_signing"        // a field differs from what was signed
	CodeChangedLater   Code = "changed_by_later_record"      // a field was changed by a later evidenced record (note)
	CodeChangedOther   Code = "changed_by_concurrent_record" // a field was changed by a concurrent evidenced record that won the merge (note)
	CodeRecordMissing  Code = "record_missing"               // the record's row is not (yet) in the database
	// Attachments.
	CodeAttachmentList      Code = "attachment_list_mismatch" // the entry's attachments are not those the content references
	CodeAttachmentMissing   Code = "attachment_missing"       // an attachment has not arrived yet
	CodeAttachmentMismatch  Code = "attachment_mismatch"      // an attachment's bytes do not hash to its name
	CodeAttachmentUnchecked Code = "attachments_unchecked"    // no attachment store was given
	// Records.
	CodeNoEvidence Code = "no_evidence" // a submitted record has no evidence entry
)

var severities = map[Code]Severity{
	CodeMalformed: Flag, CodeEntryHashMismatch: Flag, CodeKeyUnknown: Flag, CodeBadSignature: Flag,
	CodeKeyRevoked: Flag, CodeTimingInvalid: Flag, CodeChainGap: Flag, CodeChainFork: Flag,
	CodeChainDuplicate: Flag, CodeChainBroken: Flag, CodeChainOrder: Flag, CodeContentPayload: Flag,
	CodeChanged: Flag, CodeChangedLater: Note, CodeChangedOther: Note, CodeRecordMissing: Wait, CodeAttachmentList: Flag,
	CodeAttachmentMissing: Wait, CodeAttachmentMismatch: Flag, CodeAttachmentUnchecked: Wait,
	CodeNoEvidence: Flag,
}

// Codes lists every reason code, for translation checks.
func Codes() []Code {
	return []Code{CodeMalformed, CodeEntryHashMismatch, CodeKeyUnknown, CodeBadSignature, CodeKeyRevoked,
		CodeTimingInvalid, CodeChainGap, CodeChainFork, CodeChainDuplicate, CodeChainBroken, CodeChainOrder,
		CodeContentPayload, CodeChanged, CodeChangedLater, CodeChangedOther, CodeRecordMissing, CodeAttachmentList,
		CodeAttachmentMissing, CodeAttachmentMismatch, CodeAttachmentUnchecked, CodeNoEvidence}
}

// Severity returns how the code weighs on a verdict.
func (c Code) Severity() Severity { return severities[c] }

// MessageKey is the translation key of the code's message
// ("evidence.reason.changed_after_signing"); its arguments are the
// Reason's fields by their JSON names.
func (c Code) MessageKey() string { return "evidence.reason." + string(c) }

// MessageKey is the translation key of the status ("evidence.status.flagged").
func (s Status) MessageKey() string { return "evidence.status." + string(s) }

// Reason is one finding about a record. Only the fields that apply are set.
type Reason struct {
	Code Code `json:"code"`
	// Entry is the evidence entry (row id) the finding is about.
	Entry string `json:"entry,omitempty"`
	// Table, Row and Column name a changed field (Column "" for a row
	// added or removed after signing).
	Table  string `json:"table,omitempty"`
	Row    string `json:"row,omitempty"`
	Column string `json:"column,omitempty"`
	// Signed and Current are the field's signed and current values
	// (FormatValue; "" for absent).
	Signed  string `json:"signed,omitempty"`
	Current string `json:"current,omitempty"`
	// Hash is the attachment concerned; By the entry a note points to.
	Hash string `json:"hash,omitempty"`
	By   string `json:"by,omitempty"`
	// Detail says more, in English, for logs and auditors.
	Detail string `json:"detail,omitempty"`
}

// String renders the reason on one line, in English.
func (r Reason) String() string {
	s := string(r.Code)
	if r.Table != "" {
		s += " " + r.Table
		if r.Column != "" {
			s += "." + r.Column
		}
		s += " row " + r.Row
	}
	if r.Signed != "" || r.Current != "" {
		s += fmt.Sprintf(": signed %s, now %s", orAbsent(r.Signed), orAbsent(r.Current))
	}
	if r.Hash != "" {
		s += " " + r.Hash
	}
	if r.By != "" {
		s += " by entry " + r.By
	}
	if r.Detail != "" {
		s += " (" + r.Detail + ")"
	}
	return s
}

func orAbsent(s string) string {
	if s == "" {
		return "(absent)"
	}
	return s
}

// RecordRef names one record.
type RecordRef struct {
	Table, ID string
}

// Verdict is the outcome of verifying one record's evidence.
type Verdict struct {
	Record RecordRef
	// Kind is the record's kind name.
	Kind string
	// Community, Household and Elder place the record (from its rows, or
	// its entry when the rows are missing).
	Community, Household, Elder string
	Status                      Status
	Reasons                     []Reason
	// Entry is the row id of the entry the verdict rests on (the record's
	// latest validly signed entry), EntryHash its hash; "" for none.
	Entry, EntryHash string
	// Entries is how many entries name the record.
	Entries int
	// Site and Index are the device and chain place of Entry.
	Site  string
	Index uint64
	// Fingerprint is the fingerprint of Entry's key.
	Fingerprint string
}

// add appends a reason and worsens the status to match it.
func (v *Verdict) add(r Reason) {
	v.Reasons = append(v.Reasons, r)
	switch r.Code.Severity() {
	case Flag:
		v.Status = Flagged
	case Wait:
		if v.Status == Verified {
			v.Status = Pending
		}
	}
}

// VerdictID is the id of a record's evidence_verdicts row: a UUID (version
// 8, RFC 9562) made of the SHA-256 of "doorstep evidence verdict", the
// table and the id, NUL-separated, so every server computes the same row.
func VerdictID(r RecordRef) string {
	sum := sha256.Sum256([]byte("doorstep evidence verdict\x00" + r.Table + "\x00" + r.ID))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x80
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Args returns the arguments of the reason's message (MessageKey of its
// Code): its fields by their JSON names, as translations use them
// ("{{.table}}.{{.column}}").
func (r Reason) Args() map[string]any {
	return map[string]any{"code": string(r.Code), "entry": r.Entry, "table": r.Table, "row": r.Row,
		"column": r.Column, "signed": r.Signed, "current": r.Current, "hash": r.Hash, "by": r.By,
		"detail": r.Detail}
}
