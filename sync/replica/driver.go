package replica

import (
	"context"
	"database/sql/driver"
	"fmt"
	"sync"
	"sync/atomic"

	"modernc.org/sqlite"

	"doorstep/sync/hlc"
)

// Each Replica opens its database through a private modernc driver, so the
// SQL functions its capture triggers call (ds_on, ds_hlc, ds_w) are
// closures over that replica alone, and so every connection gets the commit
// and rollback hooks that end a transaction's clock.
//
// Why this is safe: SQLite lets one connection write a database file at a
// time, and the triggers only run inside a write. So "the current write
// transaction" of a replica is well defined: it begins with the first
// captured row change (ds_hlc), belongs to the connection that made it (the
// pre-update hook names that connection just before), and ends at that
// connection's commit or rollback hook. Hooks of other connections — a
// read-only transaction rolled back on another connection, say — leave it
// alone.

// connector opens connections to one database file with a replica's driver.
type connector struct {
	drv *sqlite.Driver
	dsn string
	// prepared counts the statements its connections prepare (nil: not
	// counted).
	prepared *atomic.Int64
}

// stmtCacheSize is how many statements each connection keeps prepared.
// A server connection runs the merge's reads and writes of every table,
// the pull listings and the push verification's queries: with 64 the
// least recently used were evicted and prepared again all the time.
const stmtCacheSize = 512

// Connect opens one connection.
func (c connector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	cc, err := newCachingConn(conn, stmtCacheSize)
	if err != nil {
		conn.Close()
		return nil, err
	}
	cc.prepared = c.prepared
	return cc, nil
}

// Driver returns the replica's private driver.
func (c connector) Driver() driver.Driver { return c.drv }

// txState is the capture state of the replica's current write transaction.
type txState struct {
	mu       sync.Mutex
	lastConn uint64 // connection of the latest row change
	active   bool   // a captured transaction is open
	owner    uint64 // its connection
	hlc      hlc.Timestamp
	writer   int64
}

var connIDs atomic.Uint64

// newDriver builds the private driver for r.
func (r *Replica) newDriver() (*sqlite.Driver, error) {
	drv := &sqlite.Driver{}
	// ds_on(): whether writes are captured now (not while Apply merges).
	if err := drv.RegisterScalarFunction("ds_on", 0, func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
		if r.applying.Load() {
			return int64(0), nil
		}
		return int64(1), nil
	}); err != nil {
		return nil, err
	}
	// ds_hlc(stored): the current transaction's HLC, starting the
	// transaction's clock on first use. stored is the newest clock the
	// database holds (view sync_hlc), so a clock advanced by another process
	// (or before a restart) is observed first.
	if err := drv.RegisterScalarFunction("ds_hlc", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		stored, _ := args[0].(int64)
		return int64(r.txHLC(hlc.Timestamp(stored))), nil
	}); err != nil {
		return nil, err
	}
	// ds_w(): the writer (sync_writers.w) of the current transaction; called
	// after ds_hlc in the same statement.
	if err := drv.RegisterScalarFunction("ds_w", 0, func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
		r.tx.mu.Lock()
		defer r.tx.mu.Unlock()
		if !r.tx.active {
			return nil, fmt.Errorf("capture: ds_w before ds_hlc")
		}
		return r.tx.writer, nil
	}); err != nil {
		return nil, err
	}
	drv.RegisterConnectionHook(func(conn sqlite.ExecQuerierContext, _ string) error {
		hr, ok := conn.(sqlite.HookRegisterer)
		if !ok {
			return fmt.Errorf("sqlite connection %T has no hooks", conn)
		}
		id := connIDs.Add(1)
		hr.RegisterPreUpdateHook(func(sqlite.SQLitePreUpdateData) {
			r.tx.mu.Lock()
			r.tx.lastConn = id
			r.tx.mu.Unlock()
		})
		end := func() {
			r.tx.mu.Lock()
			if r.tx.active && r.tx.owner == id {
				r.tx.active = false
			}
			r.tx.mu.Unlock()
		}
		hr.RegisterCommitHook(func() int32 { end(); return 0 })
		hr.RegisterRollbackHook(end)
		return nil
	})
	return drv, nil
}

// txHLC returns the HLC of the current write transaction, issuing one on
// its first captured change.
func (r *Replica) txHLC(stored hlc.Timestamp) hlc.Timestamp {
	r.tx.mu.Lock()
	defer r.tx.mu.Unlock()
	// A transaction still marked active on another connection has ended
	// without a hook (its connection was closed): this is a new one.
	if !r.tx.active || r.tx.owner != r.tx.lastConn {
		r.clock.Observe(stored)
		r.tx.active = true
		r.tx.owner = r.tx.lastConn
		r.tx.hlc = r.clock.Now()
		r.tx.writer = r.currentWriter()
	}
	return r.tx.hlc
}
