// Package store is the sync server's database: users, devices and
// enrollment, the replicated data with its server sequence, acknowledged
// pushes, scope moves and blob metadata.
//
// # Backends
//
// Two backends sit behind one Store type: SQLite (the embedded default, a
// file opened through sync/replica) and PostgreSQL (a postgres:// URL,
// through pgx's database/sql driver). Open picks one by the name it is
// given. What differs is the replicated half, the engine (engine.go): how
// changes are merged with per-column last-writer-wins and conflict
// records, captured when the server itself writes, numbered and listed
// for pulls. Everything else is one implementation over database/sql for
// both: the SQL is written once with "?" placeholders and syntax both
// databases accept (ON CONFLICT DO NOTHING, CASE instead of two-argument
// max), and the PostgreSQL connection rewrites "?" to "$n" (pgdriver.go).
// So rights checks, scope filtering, moves, acknowledgements, enrollment
// and blobs are the same code on both, and one conformance suite
// (conformance_test.go) runs every store test on each.
//
// SQLite: the server process and the admin commands open the same file at
// once; WAL and a busy timeout let them share it.
//
// PostgreSQL: several server processes may share one database. Every write
// transaction takes one transaction-scoped advisory lock first, so writes
// are serialised across processes as they are inside one, sequence
// numbers are handed out in commit order, and a pull never skips a change
// that commits late (see pgengine.go and docs/PROTOCOL.md).
package store
