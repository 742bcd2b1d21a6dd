package replica

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// writer is a site and the user signed in there: who made a write.
type writer struct{ site, user string }

// writerCache maps sync_writers numbers to writers and back. Numbers are
// only handed out once their row is committed, so a cached number always
// names a stored writer.
type writerCache struct {
	mu   sync.RWMutex
	byW  map[int64]writer
	byWr map[writer]int64
}

func (c *writerCache) init() {
	c.byW = map[int64]writer{}
	c.byWr = map[writer]int64{}
}

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// load reads every writer.
func (c *writerCache) load(ctx context.Context, q querier) error {
	rows, err := q.QueryContext(ctx, `SELECT w, site, user FROM sync_writers`)
	if err != nil {
		return fmt.Errorf("load writers: %w", err)
	}
	defer rows.Close()
	c.mu.Lock()
	defer c.mu.Unlock()
	for rows.Next() {
		var w int64
		var wr writer
		if err := rows.Scan(&w, &wr.site, &wr.user); err != nil {
			return fmt.Errorf("load writers: %w", err)
		}
		c.byW[w] = wr
		c.byWr[wr] = w
	}
	return rows.Err()
}

// get returns writer w (the zero writer if unknown).
func (c *writerCache) get(w int64) writer {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.byW[w]
}

// lookup returns the number of a known writer.
func (c *writerCache) lookup(site, user string) (int64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	w, ok := c.byWr[writer{site, user}]
	return w, ok
}

// id returns the number of (site, user), storing the writer first if new.
// q must not be inside a transaction that may roll back.
func (c *writerCache) id(ctx context.Context, q querier, site, user string) (int64, error) {
	if w, ok := c.lookup(site, user); ok {
		return w, nil
	}
	if _, err := q.ExecContext(ctx, `INSERT OR IGNORE INTO sync_writers (site, user) VALUES (?, ?)`, site, user); err != nil {
		return 0, fmt.Errorf("add writer: %w", err)
	}
	var w int64
	if err := q.QueryRowContext(ctx, `SELECT w FROM sync_writers WHERE site = ? AND user = ?`, site, user).Scan(&w); err != nil {
		return 0, fmt.Errorf("add writer: %w", err)
	}
	c.mu.Lock()
	c.byW[w] = writer{site, user}
	c.byWr[writer{site, user}] = w
	c.mu.Unlock()
	return w, nil
}

// ensure makes sure writer w is cached, reading sync_writers again when it
// is not (another process may have added it).
func (c *writerCache) ensure(ctx context.Context, q querier, w int64) error {
	c.mu.RLock()
	_, ok := c.byW[w]
	c.mu.RUnlock()
	if ok {
		return nil
	}
	if err := c.load(ctx, q); err != nil {
		return err
	}
	c.mu.RLock()
	_, ok = c.byW[w]
	c.mu.RUnlock()
	if !ok {
		return fmt.Errorf("unknown writer %d", w)
	}
	return nil
}
