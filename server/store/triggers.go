package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
)

// triggers returns the SQL of the SQLite store's triggers whose names
// begin with prefix, by name: what the installers compare with the
// triggers they want, so that unchanged ones are left alone.
func (s *Store) triggers(ctx context.Context, prefix string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE ? || '%'`, prefix)
	if err != nil {
		return nil, fmt.Errorf("triggers %s*: %w", prefix, err)
	}
	defer rows.Close()
	have := map[string]string{}
	for rows.Next() {
		var name, q string
		if err := rows.Scan(&name, &q); err != nil {
			return nil, fmt.Errorf("triggers %s*: %w", prefix, err)
		}
		have[name] = q
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("triggers %s*: %w", prefix, err)
	}
	return have, nil
}

// installTriggers brings the SQLite store's triggers whose names begin with
// prefix to want (name → CREATE TRIGGER statement). When every one is as
// wanted, nothing is written, so opening the store beside a running server
// does not disturb it. Otherwise one write transaction runs the statements
// of before, drops every trigger of the prefix, creates every wanted one
// (in name order) and runs the statements of after: no write slips between
// them (the pull index creates its table before and refills it after).
// what names the triggers in errors.
func (s *Store) installTriggers(ctx context.Context, what, prefix string, want map[string]string, before, after []string) error {
	have, err := s.triggers(ctx, prefix)
	if err != nil {
		return fmt.Errorf("install %s: %w", what, err)
	}
	same := len(have) == len(want)
	for name, q := range want {
		same = same && have[name] == q
	}
	if same {
		return nil
	}
	stmts := append([]string{}, before...)
	for _, name := range slices.Sorted(maps.Keys(have)) {
		stmts = append(stmts, `DROP TRIGGER IF EXISTS `+name)
	}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		stmts = append(stmts, want[name])
	}
	stmts = append(stmts, after...)
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", firstLine(q), err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("install %s: %w", what, err)
	}
	return nil
}
