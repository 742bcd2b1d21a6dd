package replica

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"
	"reflect"
	"sync/atomic"
)

// cachingConn keeps the prepared statements of recent Exec and Query calls
// on one connection, so a statement repeated with new arguments — every
// form save, every row lookup — is not parsed again. That matters more
// here than for plain SQLite: preparing an INSERT or UPDATE on a synced
// table also compiles its capture trigger.
//
// A cached statement serves one call at a time: while rows of a query are
// open, the same SQL runs on a freshly prepared statement. SQLite
// re-prepares a cached statement itself after a schema change.
// database/sql uses a connection from one goroutine at a time, so the
// cache needs no lock.
type cachingConn struct {
	driver.Conn
	size  int
	byKey map[string]*list.Element
	lru   *list.List // of *cachedStmt, most recent first
	// prepared counts statements prepared (nil: not counted).
	prepared *atomic.Int64
}

type cachedStmt struct {
	query   string
	stmt    driver.Stmt
	busy    bool // rows of a query are open on it
	evicted bool // left the cache while busy: close when released
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

// acquire returns an idle cached statement for query, preparing and
// caching one if needed; nil (and no error) when the cached one is busy.
func (c *cachingConn) acquire(ctx context.Context, query string) (*cachedStmt, error) {
	if e, ok := c.byKey[query]; ok {
		cs := e.Value.(*cachedStmt)
		if cs.busy {
			return nil, nil
		}
		c.lru.MoveToFront(e)
		return cs, nil
	}
	st, err := c.full().PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if c.prepared != nil {
		c.prepared.Add(1)
	}
	cs := &cachedStmt{query: query, stmt: st}
	c.byKey[query] = c.lru.PushFront(cs)
	if c.lru.Len() > c.size {
		old := c.lru.Remove(c.lru.Back()).(*cachedStmt)
		delete(c.byKey, old.query)
		if old.busy {
			old.evicted = true
		} else {
			old.stmt.Close()
		}
	}
	return cs, nil
}

// ExecContext runs query with a cached prepared statement.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.acquire(ctx, query)
	if err != nil {
		return nil, err
	}
	se, ok := stmtOf(cs).(driver.StmtExecContext)
	if !ok {
		return c.full().ExecContext(ctx, query, args)
	}
	return se.ExecContext(ctx, args)
}

// QueryContext runs query with a cached prepared statement, which stays
// busy until the rows are closed.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.acquire(ctx, query)
	if err != nil {
		return nil, err
	}
	sq, ok := stmtOf(cs).(driver.StmtQueryContext)
	if !ok {
		return c.full().QueryContext(ctx, query, args)
	}
	rows, err := sq.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.busy = true
	return &cachedRows{Rows: rows, cs: cs}, nil
}

func stmtOf(cs *cachedStmt) driver.Stmt {
	if cs == nil {
		return nil
	}
	return cs.stmt
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

// cachedRows releases its cached statement when closed. It forwards the
// column-type interfaces of modernc's rows.
type cachedRows struct {
	driver.Rows
	cs *cachedStmt
}

// Close closes the rows and frees the statement for the next call.
func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	if r.cs != nil {
		r.cs.busy = false
		if r.cs.evicted {
			r.cs.stmt.Close()
		}
		r.cs = nil
	}
	return err
}

// ColumnTypeDatabaseTypeName forwards to the driver's rows.
func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	if x, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return x.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

// ColumnTypeLength forwards to the driver's rows.
func (r *cachedRows) ColumnTypeLength(i int) (int64, bool) {
	if x, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return x.ColumnTypeLength(i)
	}
	return 0, false
}

// ColumnTypeNullable forwards to the driver's rows.
func (r *cachedRows) ColumnTypeNullable(i int) (bool, bool) {
	if x, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return x.ColumnTypeNullable(i)
	}
	return false, false
}

// ColumnTypePrecisionScale forwards to the driver's rows.
func (r *cachedRows) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	if x, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return x.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}

// ColumnTypeScanType forwards to the driver's rows.
func (r *cachedRows) ColumnTypeScanType(i int) reflect.Type {
	if x, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return x.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}
