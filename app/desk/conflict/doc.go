// Package conflict lists the concurrent edits the sync server detected
// (the conflicts table) and resolves them with an ordinary write.
//
// Resolving writes the chosen or typed value into the data row through
// the database handle, so the sync engine captures it like any edit, and
// marks every open conflict on that field resolved; both writes sync to
// every device that holds the row.
package conflict
