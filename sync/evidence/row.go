package evidence

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"doorstep/sync/hlc"
)

// Stored is one evidence_entries row as read from a database: the entry,
// its signature, the hash and content stored beside it, and what of the
// row could not be read (Malformed; such an entry cannot be verified).
type Stored struct {
	// ID is the row's id.
	ID        string
	Entry     Entry
	Signature []byte
	// EntryHash is the entry_hash column as stored (hex).
	EntryHash string
	// Content is the record's canonical content the device stored with
	// the entry (decoded from base64).
	Content []byte
	// Malformed lists the columns whose values are not in their format.
	Malformed []string
}

// timeLayout is how instants are stored in evidence_entries: RFC 3339 UTC
// to the millisecond.
const timeLayout = "2006-01-02T15:04:05.000Z"

// entryColumns are the evidence_entries columns read and written, in order.
var entryColumns = []string{"record_table", "record_id", "community_id", "household_id", "elder_id",
	"pairing_id", "content_hash", "content", "blobs", "opened_at", "submitted_at", "sections", "hlc",
	"wall_at", "site", "user_id", "chain_index", "prev_hash", "public_key", "signature", "entry_hash"}

type attachmentJSON struct {
	Role string `json:"role"`
	Hash string `json:"hash"`
}

// Execer runs a statement: a *sql.Tx or a *sql.DB.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// insertEntry writes one evidence_entries row.
func insertEntry(ctx context.Context, x Execer, id string, e Entry, sig, content []byte) error {
	as := make([]attachmentJSON, len(e.Attachments))
	for i, a := range e.Attachments {
		as[i] = attachmentJSON{a.Role, a.Hash.String()}
	}
	blobs, err := json.Marshal(as)
	if err != nil {
		return fmt.Errorf("write evidence entry %s: %w", id, err)
	}
	secs := e.Sections
	if secs == nil {
		secs = []Section{}
	}
	sections, err := json.Marshal(secs)
	if err != nil {
		return fmt.Errorf("write evidence entry %s: %w", id, err)
	}
	vals := []any{e.RecordTable, e.RecordID, nullText(e.Community), nullText(e.Household), nullText(e.Elder),
		nullText(e.Pairing), e.ContentHash.String(), base64.StdEncoding.EncodeToString(content), string(blobs),
		timeText(e.OpenedAt), timeText(e.SubmittedAt), string(sections), int64(e.HLC), timeText(e.Wall),
		e.Site, nullText(e.User), int64(e.Index), e.Prev.String(), EncodePublicKey(e.PublicKey),
		base64.StdEncoding.EncodeToString(sig), e.Hash().String()}
	q := `INSERT INTO evidence_entries (id, ` + strings.Join(entryColumns, ", ") + `, deleted) VALUES (?` +
		strings.Repeat(", ?", len(entryColumns)) + `, 0)`
	if _, err := x.ExecContext(ctx, q, append([]any{id}, vals...)...); err != nil {
		return fmt.Errorf("write evidence entry %s: %w", id, err)
	}
	return nil
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func timeText(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(timeLayout)
}

// ReadEntries reads the evidence_entries rows matching where (an SQL
// condition over the table's columns written by the caller, never taken
// from input; values go in args; "" for all), in site and chain order. Values
// that are not in their format are listed in Stored.Malformed, never an
// error: a damaged entry is evidence of something too.
func ReadEntries(ctx context.Context, q Querier, where string, args ...any) ([]Stored, error) {
	query := `SELECT id, ` + strings.Join(entryColumns, ", ") + ` FROM evidence_entries`
	if where != "" {
		query += ` WHERE ` + where
	}
	query += ` ORDER BY site, chain_index, id`
	rs, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read evidence entries: %w", err)
	}
	defer rs.Close()
	var out []Stored
	for rs.Next() {
		var id string
		var v [21]sql.NullString
		var hlcV, index sql.NullInt64
		ptrs := []any{&id}
		for i := range entryColumns {
			switch entryColumns[i] {
			case "hlc":
				ptrs = append(ptrs, &hlcV)
			case "chain_index":
				ptrs = append(ptrs, &index)
			default:
				ptrs = append(ptrs, &v[i])
			}
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("read evidence entries: %w", err)
		}
		out = append(out, parseStored(id, v, hlcV, index))
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("read evidence entries: %w", err)
	}
	return out, nil
}

// parseStored builds a Stored from the text columns v (indexed like
// entryColumns) and the two integer columns.
func parseStored(id string, v [21]sql.NullString, hlcV, index sql.NullInt64) Stored {
	s := Stored{ID: id}
	bad := func(col string) { s.Malformed = append(s.Malformed, col) }
	col := func(name string) sql.NullString {
		for i, c := range entryColumns {
			if c == name {
				return v[i]
			}
		}
		return sql.NullString{}
	}
	text := func(name string) string { return col(name).String }
	hash := func(name string) Hash {
		h, err := ParseHash(text(name))
		if err != nil {
			bad(name)
		}
		return h
	}
	instant := func(name string, required bool) time.Time {
		c := col(name)
		if !c.Valid {
			if required {
				bad(name)
			}
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339Nano, c.String)
		if err != nil {
			bad(name)
			return time.Time{}
		}
		return t.UTC()
	}
	e := &s.Entry
	e.RecordTable, e.RecordID = text("record_table"), text("record_id")
	e.Community, e.Household, e.Elder, e.Pairing = text("community_id"), text("household_id"), text("elder_id"), text("pairing_id")
	e.ContentHash = hash("content_hash")
	var as []attachmentJSON
	if err := json.Unmarshal([]byte(text("blobs")), &as); err != nil {
		bad("blobs")
	}
	for _, a := range as {
		h, err := ParseHash(a.Hash)
		if err != nil || a.Role == "" {
			bad("blobs")
			continue
		}
		e.Attachments = append(e.Attachments, Attachment{Role: a.Role, Hash: h})
	}
	e.OpenedAt, e.SubmittedAt = instant("opened_at", false), instant("submitted_at", true)
	if err := json.Unmarshal([]byte(text("sections")), &e.Sections); err != nil {
		bad("sections")
	}
	if !hlcV.Valid || hlcV.Int64 <= 0 {
		bad("hlc")
	}
	e.HLC = hlc.Timestamp(hlcV.Int64)
	e.Wall = instant("wall_at", true)
	e.Site, e.User = text("site"), text("user_id")
	if !index.Valid || index.Int64 < 0 {
		bad("chain_index")
	}
	e.Index = uint64(index.Int64)
	e.Prev = hash("prev_hash")
	pub, err := ParsePublicKey(text("public_key"))
	if err != nil {
		bad("public_key")
	}
	e.PublicKey = pub
	if s.Signature, err = base64.StdEncoding.DecodeString(text("signature")); err != nil {
		bad("signature")
	}
	if s.Content, err = base64.StdEncoding.DecodeString(text("content")); err != nil {
		bad("content")
	}
	s.EntryHash = text("entry_hash")
	return s
}
