package replica

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"
)

// cachingConn keeps the prepared statements of recent Exec calls on one
// connection, so a write repeated with new arguments — every form save —
// is not parsed again. That matters more here than for plain SQLite:
// preparing an INSERT or UPDATE on a synced table also compiles its
// capture trigger.
//
// Only ExecContext is cached: an Exec finishes before it returns, so a
// cached statement is never in use twice. Queries prepare as usual.
// SQLite re-prepares a cached statement itself after a schema change.
type cachingConn struct {
	driver.Conn
	size  int
	byKey map[string]*list.Element
	lru   *list.List // of *cachedStmt, most recent first
}

type cachedStmt struct {
	query string
	stmt  driver.Stmt
}

// The interfaces of modernc's connection that cachingConn forwards.
type fullConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

func newCachingConn(c driver.Conn, size int) (*cachingConn, error) {
	if _, ok := c.(fullConn); !ok {
		return nil, errors.New("sqlite connection lacks context interfaces")
	}
	return &cachingConn{Conn: c, size: size, byKey: map[string]*list.Element{}, lru: list.New()}, nil
}

func (c *cachingConn) full() fullConn { return c.Conn.(fullConn) }

// Unwrap returns the modernc connection (sqlite.Limit looks for it).
func (c *cachingConn) Unwrap() driver.Conn { return c.Conn }

// ExecContext runs query with a cached prepared statement.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	var st driver.Stmt
	if e, ok := c.byKey[query]; ok {
		c.lru.MoveToFront(e)
		st = e.Value.(*cachedStmt).stmt
	} else {
		var err error
		if st, err = c.full().PrepareContext(ctx, query); err != nil {
			return nil, err
		}
		c.byKey[query] = c.lru.PushFront(&cachedStmt{query: query, stmt: st})
		if c.lru.Len() > c.size {
			old := c.lru.Remove(c.lru.Back()).(*cachedStmt)
			delete(c.byKey, old.query)
			old.stmt.Close()
		}
	}
	se, ok := st.(driver.StmtExecContext)
	if !ok {
		return c.full().ExecContext(ctx, query, args)
	}
	return se.ExecContext(ctx, args)
}

// QueryContext forwards to the connection.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.full().QueryContext(ctx, query, args)
}

// PrepareContext forwards to the connection.
func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.full().PrepareContext(ctx, query)
}

// BeginTx forwards to the connection.
func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.full().BeginTx(ctx, opts)
}

// Ping forwards to the connection.
func (c *cachingConn) Ping(ctx context.Context) error { return c.full().Ping(ctx) }

// ResetSession forwards to the connection.
func (c *cachingConn) ResetSession(ctx context.Context) error { return c.full().ResetSession(ctx) }

// IsValid forwards to the connection.
func (c *cachingConn) IsValid() bool { return c.full().IsValid() }

// Close finalizes the cached statements and closes the connection.
func (c *cachingConn) Close() error {
	for e := c.lru.Front(); e != nil; e = e.Next() {
		e.Value.(*cachedStmt).stmt.Close()
	}
	c.lru.Init()
	clear(c.byKey)
	return c.Conn.Close()
}
