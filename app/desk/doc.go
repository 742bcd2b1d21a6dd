// Package desk is the supervisor desk's logic without any user interface:
// review, collective approval, spot-check draws, conflicts and reports.
//
// Each sub-package is one noun (review, meeting, draw, conflict, report,
// sheet); the Fyne screens in package app call them. Every write is plain
// SQL on registry tables through an *sql.DB, so the sync engine's triggers
// capture it like any other edit; table and column names come from
// schema.Reg, never from input.
package desk
