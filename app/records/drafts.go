package records

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Draft is a form saved as it was being typed. Data is the form's own JSON
// of every field, exactly as typed (valid or not).
type Draft struct {
	// Form is the form kind (e.g. "means_visit"); RecordID the record the
	// draft will become (a new UUID for a new record).
	Form     string
	RecordID string
	// SubjectID is the household or elder the form is about; Title a label
	// for lists (e.g. the head of household's name).
	SubjectID string
	Title     string
	Data      json.RawMessage
	UpdatedAt time.Time
}

// SaveDraft stores (or replaces) d, stamped with the store's clock. It is
// called as the user types, so it is one small statement. An empty Data is
// stored as "{}".
func (s *Store) SaveDraft(ctx context.Context, d Draft) error {
	if d.Form == "" || d.RecordID == "" {
		return fmt.Errorf("save draft: form and record id are required")
	}
	if len(d.Data) == 0 {
		d.Data = json.RawMessage("{}")
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO drafts(form, record_id, subject_id, title, data, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT(form, record_id) DO UPDATE SET subject_id = excluded.subject_id,
			title = excluded.title, data = excluded.data, updated_at = excluded.updated_at`,
		d.Form, d.RecordID, d.SubjectID, d.Title, string(d.Data), s.now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		return fmt.Errorf("save draft %s/%s: %w", d.Form, d.RecordID, err)
	}
	return nil
}

// Draft returns the draft of form for recordID, or ErrNotFound.
func (s *Store) Draft(ctx context.Context, form, recordID string) (Draft, error) {
	row := s.db.QueryRowContext(ctx, `SELECT form, record_id, subject_id, title, data, updated_at
		FROM drafts WHERE form = ? AND record_id = ?`, form, recordID)
	d, err := scanDraft(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Draft{}, ErrNotFound
	}
	if err != nil {
		return Draft{}, fmt.Errorf("read draft %s/%s: %w", form, recordID, err)
	}
	return d, nil
}

// Drafts returns every unfinished draft, most recently edited first.
func (s *Store) Drafts(ctx context.Context) ([]Draft, error) {
	var out []Draft
	err := s.queryRows(ctx, "drafts", `SELECT form, record_id, subject_id, title, data, updated_at
		FROM drafts ORDER BY updated_at DESC`, nil, func(r *sql.Rows) error {
		d, err := scanDraft(r)
		out = append(out, d)
		return err
	})
	return out, err
}

// DeleteDraft removes a draft, e.g. once its record is saved. Deleting a
// draft that does not exist is not an error.
func (s *Store) DeleteDraft(ctx context.Context, form, recordID string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM drafts WHERE form = ? AND record_id = ?`, form, recordID); err != nil {
		return fmt.Errorf("delete draft %s/%s: %w", form, recordID, err)
	}
	return nil
}

type scanner interface{ Scan(dest ...any) error }

func scanDraft(r scanner) (Draft, error) {
	var d Draft
	var data, at string
	if err := r.Scan(&d.Form, &d.RecordID, &d.SubjectID, &d.Title, &data, &at); err != nil {
		return Draft{}, err
	}
	d.Data = json.RawMessage(data)
	d.UpdatedAt, _ = time.Parse(time.RFC3339Nano, at)
	return d, nil
}
