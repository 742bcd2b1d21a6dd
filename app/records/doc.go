// Package records is the field app's data layer: households, members,
// search, the Today list, elders, drafts and settings on the device database,
// and the lost-tablet answer: wiping the device's local data (wipe.go).
//
// It never imports Fyne, so it is tested with -race like the other non-UI
// packages; the screens in package app call it and only render what it returns.
package records
