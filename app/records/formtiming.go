package records

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"doorstep/sync/evidence"
)

// Form timing is the time a user spent in each section of a record's form
// (app/kit SectionTimer), kept in the device-only table form_timing so it
// survives closing the form and reopening its draft. On submit the signer
// (SignSubmit) puts the record's first open time and its seconds per section
// into the record's evidence entry.

// SectionTime is time spent in one section of a form: Section is the
// section's title key and Ord its place in the form.
type SectionTime struct {
	Section string
	Ord     int
	Spent   time.Duration
}

// FormOpened records that the form of record id of table was opened at the
// store's clock, in section first (at place ord): the first open of a record
// is its open time, later opens keep it.
func (s *Store) FormOpened(ctx context.Context, table, id, first string, ord int) error {
	now := s.now().UTC().Format(time.RFC3339Nano)
	_, err := s.db.ExecContext(ctx, `INSERT INTO form_timing (record_table, record_id, section, ord, seconds, opened_at)
		VALUES (?1, ?2, ?3, ?4, 0, coalesce((SELECT min(opened_at) FROM form_timing
			WHERE record_table = ?1 AND record_id = ?2), ?5))
		ON CONFLICT (record_table, record_id, section) DO NOTHING`, table, id, first, ord, now)
	if err != nil {
		return fmt.Errorf("form timing of %s %s: %w", table, id, err)
	}
	return nil
}

// AddSectionTime adds whole seconds spent per section to record id of
// table, in one transaction. A section's first time also takes the
// record's open time (now, if the form was never recorded as opened).
func (s *Store) AddSectionTime(ctx context.Context, table, id string, spent []SectionTime) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("form timing of %s %s: %w", table, id, err)
	}
	defer tx.Rollback()
	now := s.now().UTC().Format(time.RFC3339Nano)
	for _, st := range spent {
		secs := int64(st.Spent / time.Second)
		if secs <= 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO form_timing (record_table, record_id, section, ord, seconds, opened_at)
			VALUES (?1, ?2, ?3, ?4, ?5, coalesce((SELECT min(opened_at) FROM form_timing
				WHERE record_table = ?1 AND record_id = ?2), ?6))
			ON CONFLICT (record_table, record_id, section) DO UPDATE SET seconds = seconds + excluded.seconds,
				ord = excluded.ord`, table, id, st.Section, st.Ord, secs, now); err != nil {
			return fmt.Errorf("form timing of %s %s: %w", table, id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("form timing of %s %s: %w", table, id, err)
	}
	return nil
}

// FormTiming returns when the form of record id of table was first opened
// (zero when never) and the seconds spent per section, in form order, as q
// (the submit's transaction) holds them.
func FormTiming(ctx context.Context, q evidence.Querier, table, id string) (time.Time, []evidence.Section, error) {
	rows, err := q.QueryContext(ctx, `SELECT section, seconds, opened_at FROM form_timing
		WHERE record_table = ? AND record_id = ? ORDER BY ord, section`, table, id)
	if err != nil {
		return time.Time{}, nil, fmt.Errorf("form timing of %s %s: %w", table, id, err)
	}
	defer rows.Close()
	var opened time.Time
	var out []evidence.Section
	for rows.Next() {
		var sec, at string
		var secs int64
		if err := rows.Scan(&sec, &secs, &at); err != nil {
			return time.Time{}, nil, fmt.Errorf("form timing of %s %s: %w", table, id, err)
		}
		if t, err := time.Parse(time.RFC3339Nano, at); err == nil && (opened.IsZero() || t.Before(opened)) {
			opened = t
		}
		if secs > 0 {
			out = append(out, evidence.Section{Name: sec, Seconds: uint32(min(secs, 1<<32-1))})
		}
	}
	if err := rows.Err(); err != nil {
		return time.Time{}, nil, fmt.Errorf("form timing of %s %s: %w", table, id, err)
	}
	return opened, out, nil
}

// withFormTiming completes sub from the form timing tx holds: the earlier
// of the open times, and the sections when sub names none.
func withFormTiming(ctx context.Context, tx *sql.Tx, sub evidence.Submit) (evidence.Submit, error) {
	opened, secs, err := FormTiming(ctx, tx, sub.Table, sub.ID)
	if err != nil {
		return sub, err
	}
	if !opened.IsZero() && (sub.OpenedAt.IsZero() || opened.Before(sub.OpenedAt)) {
		sub.OpenedAt = opened
	}
	if len(sub.Sections) == 0 {
		sub.Sections = secs
	}
	return sub, nil
}
