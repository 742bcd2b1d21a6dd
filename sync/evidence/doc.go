// Package evidence makes submitted field records tamper-evident: each
// submit appends an Ed25519-signed entry to the submitting device's hash
// chain, holding the SHA-256 of the record's canonical content, of its
// photos and signatures, and the form's timing; verification checks the
// signature, the chain and the content against the rows as stored, and
// only ever produces verdicts — it never drops a record.
//
// The byte formats and the verification rules are specified in
// docs/EVIDENCE.md, precisely enough to verify an export without Doorstep.
//
// The pieces:
//
//   - key.go: device keys, their transport encoding and fingerprints.
//   - kind.go: which rows make up a record of each kind (a means-test
//     visit is its means_visits row plus the household, members, incomes
//     and assets rows).
//   - content.go, load.go: the canonical content encoding, and reading a
//     record's content from a database.
//   - entry.go: the evidence entry, its canonical encoding, hash and
//     signature; row.go reads and writes it as an evidence_entries row.
//   - chain.go: the device side, Append, called in the submit transaction.
//   - keyring.go: the registered keys and attachment bytes verification
//     checks against.
//   - verify.go, chaincheck.go, compare.go, verdict.go: verification and
//     verdicts; audit.go runs it over a whole database, as an auditor
//     would, or over the records a push touched (touched.go finds them).
package evidence
