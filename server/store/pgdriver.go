package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// openPGHandle opens a database/sql handle on PostgreSQL through pgx whose
// connections accept the shared SQL's "?" placeholders (rebind).
func openPGHandle(dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db := sql.OpenDB(rebindConnector{stdlib.GetConnector(*cfg)})
	db.SetMaxOpenConns(pgPoolSize)
	db.SetMaxIdleConns(pgPoolSize)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// pgPoolSize bounds a process's connections to PostgreSQL, and keeps that
// many open between requests. database/sql's default keeps only two idle:
// with tens of requests at once, every other statement then opened a new
// connection (a new server process on PostgreSQL's side, the statement
// cache lost with it) and closed it after. Sixteen a process leave room
// for several processes under PostgreSQL's default max_connections (100);
// one transaction writes at a time anyway (pgWriteLock), the rest are
// reads.
const pgPoolSize = 16

// rebindConnector makes connections that rewrite placeholders.
type rebindConnector struct{ driver.Connector }

func (c rebindConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	sc, ok := conn.(*stdlib.Conn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("postgres: unexpected connection type %T", conn)
	}
	return rebindConn{sc}, nil
}

// rebindConn is a pgx connection that rewrites "?" placeholders to "$n"
// before a statement reaches the server. Every other method is pgx's.
type rebindConn struct{ *stdlib.Conn }

// pgStatements counts the statements sent to PostgreSQL (PGStatements).
var pgStatements atomic.Int64

// PGStatements returns how many statements this process's PostgreSQL
// stores have sent (queries and executions; each a round trip), for
// benchmarks and metrics.
func PGStatements() int64 { return pgStatements.Load() }

func (c rebindConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	pgStatements.Add(1)
	return c.Conn.QueryContext(ctx, rebind(q), args)
}

func (c rebindConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	pgStatements.Add(1)
	return c.Conn.ExecContext(ctx, rebind(q), args)
}

func (c rebindConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, rebind(q))
}

func (c rebindConn) Prepare(q string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(context.Background(), rebind(q))
}

// rebind rewrites SQLite placeholders to PostgreSQL's: each "?" becomes
// "$1", "$2", … in order, and a numbered "?N" becomes "$N". Question
// marks inside single-quoted literals, quoted identifiers and
// dollar-quoted bodies are left alone; the shared SQL never uses
// PostgreSQL's jsonb "?" operators.
func rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		switch ch := q[i]; ch {
		case '\'', '"':
			j := strings.IndexByte(q[i+1:], ch)
			if j < 0 {
				b.WriteString(q[i:])
				return b.String()
			}
			b.WriteString(q[i : i+j+2])
			i += j + 1
		case '$':
			if strings.HasPrefix(q[i:], "$$") {
				j := strings.Index(q[i+2:], "$$")
				if j < 0 {
					b.WriteString(q[i:])
					return b.String()
				}
				b.WriteString(q[i : i+j+4])
				i += j + 3
				continue
			}
			b.WriteByte(ch)
		case '?':
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			if j > i+1 {
				b.WriteString("$" + q[i+1:j])
				i = j - 1
				continue
			}
			n++
			b.WriteString("$" + strconv.Itoa(n))
		default:
			b.WriteByte(ch)
		}
	}
	return b.String()
}
