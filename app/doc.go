// Package app is the Doorstep field app's user interface: the window, the
// navigation shell, one screen per file, the app lock and background sync.
//
// Screens only render what package records (the data layer, no Fyne) returns
// and write through the store. New builds an App on any fyne.App (the real
// driver in main, the test driver in tests and app/cmd/screenshots).
package app
