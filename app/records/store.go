package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"doorstep/schema/district"
)

// ErrForbidden is returned when the signed-in role may not see what was asked
// for (e.g. a volunteer asking for a household's income).
var ErrForbidden = errors.New("not allowed for this role")

// ErrNotFound is returned when a record does not exist on this device.
var ErrNotFound = errors.New("not found")

// DateLayout is how dates are stored ("2006-01-02").
const DateLayout = "2006-01-02"

// Store answers the field app's questions from the device database. It is
// safe for concurrent use (database/sql is); it does not own the *sql.DB and
// never closes it.
type Store struct {
	db     *sql.DB
	now    func() time.Time
	cfg    district.Config
	search searchCache // the last household index (searchindex.go)
}

// New returns a Store over db with the embedded district configuration.
// now is the clock (time.Now when nil).
func New(db *sql.DB, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, now: now, cfg: district.Default()}
}

// DB returns the database handle the store reads and writes.
func (s *Store) DB() *sql.DB { return s.db }

// Date returns the store's current calendar date in local time, as stored.
func (s *Store) Date() string { return s.now().Local().Format(DateLayout) }

// sqlParams returns "?, ?, ?" for n arguments.
func sqlParams(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// anys converts strings to query arguments.
func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// queryRows runs q and calls scan for every row.
func (s *Store) queryRows(ctx context.Context, what, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("query %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("scan %s: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	return nil
}
