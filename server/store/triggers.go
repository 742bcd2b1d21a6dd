package store

import (
	"context"
	"fmt"
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
