// Package forms holds the field app's form models — means-test visit, spot
// check, elderly needs screening, volunteer visit log — without any UI.
//
// A model keeps every field exactly as typed (so a draft restores it and a
// validation error loses nothing), validates with the domain rules of
// schema/rules, computes the live results a screen shows, serialises itself
// as a draft, and saves itself to the device database in one transaction of
// plain SQL on the synced tables (change capture happens in triggers).
// Package app renders the models; the Fyne screens live there.
package forms
