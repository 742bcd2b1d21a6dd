// Package replica opens a device or server SQLite database whose synced
// tables (schema.Reg) are change-captured by triggers and merged by
// per-column last-writer-wins, with conflicts recorded, never silent.
//
// # Writing
//
// Open a replica and write the synced tables with ordinary SQL through
// DB(): every INSERT and UPDATE is captured in the same transaction, all
// changes of one transaction share one hybrid-logical-clock time (a form
// save wins or loses as a whole), a DELETE becomes "deleted = 1", and a
// row's id can never change. Writes are attributed to SetUser's user; use
// Write to attribute one transaction to someone else (the server's admin
// commands).
//
// # Syncing
//
// A device pushes Outbox() — its own unacknowledged changes under a batch
// id that stays the same until Ack, so a replayed push is a no-op — and
// applies pulled pages with Apply, storing the opaque pull cursor in the
// same transaction (ApplyOptions.PullCursor, read back with PullCursor).
// Rows that left the user's scope leave the device without being captured:
// a page's Gone rows, or everything (ApplyOptions.PurgeAll, Purge) when the
// user's scope changed and the server sends it all again. Rows holding
// writes the server has not acknowledged are never dropped (purge.go).
//
// The server applies pushes with Apply (atomically; a batch id seen before
// changes nothing) and serves pulls from Changes: rows changed after a
// Cursor, in local sequence order, each with the current value of its
// scope and pairing columns so the server can filter by what the user may
// see.
//
// # Storage
//
// The capture triggers append one entry per changed row to sync_log; every
// sync operation first folds the log into sync_rows, one row per data row
// whose BLOB packs the per-column clocks (rowclock.go). Each change gets a
// local sequence number; a device marks rows with its own unacknowledged
// changes (sync_rows.pend), remembers the pending push batch (sync_batch)
// and keeps own writes a pulled change overwrote before they were pushed
// (sync_lost). The tables are created by schema/migrations/0100_sync.sql.
// Apply merges a whole changeset at once: one read of the clocks of the
// rows it touches per table, the winners worked out in memory, multi-row
// writes (batch.go). Code that keeps data derived from the synced tables
// (a search index) asks ChangedRows which rows changed since its Mark.
//
// # Conflicts
//
// The server is the hub every change passes through, so it alone detects
// concurrent edits: an incoming change whose base (the clock of the value
// its writer saw) is not the column's current clock, from another site,
// with a different value. The winner is still the later (hlc, site); the
// loser's value is kept in a conflicts row (deterministic id, so detecting
// it twice yields one row) that syncs to devices like any other row. A
// later change whose base is the winner's clock resolves it. Devices never
// detect: they see only the winning states, and if a pulled change
// overwrites one of their own unpushed writes, that write is still pushed
// (sync_lost) so the server records it. Users: every change carries the
// user of its writer — the device's signed-in user at the time of the
// write (SetUser), or the user given to Write.
package replica
