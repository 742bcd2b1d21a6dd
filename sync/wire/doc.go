// Package wire encodes changesets (change.Set) for the network: a compact,
// versioned binary format, gzip-compressed, documented field by field in
// docs/PROTOCOL.md under "Changeset wire format".
//
// Decode validates everything it reads against a schema.Registry — tables,
// columns, value types, UUIDs, clocks — and refuses bad input with an *Error
// whose Kind is one of the Err* sentinels (use errors.Is). A changeset that
// decodes without error only touches registry tables and columns.
package wire
