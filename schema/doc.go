// Package schema is the shape of Doorstep's data: the registry of synced
// tables (columns, scopes, who may read and write them) and the embedded,
// numbered SQL migrations for device and server databases.
//
// Every other package takes table and column names from Reg, never from
// input. Domain rules live in schema/rules, district thresholds in
// schema/district.
package schema
