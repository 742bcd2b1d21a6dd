// Package app is the Doorstep app's shell: the window and navigation,
// first run and enrollment, the app lock, settings, the language switch
// and background sync. It is the only package that knows every screen.
//
// The screens live in app/field (worker and volunteer) and app/supervisor
// (the desk), built on the UI kit app/kit; they reach the shell only
// through kit.Nav, which appNav implements. Below them, app/records,
// app/forms and app/desk hold the logic and know no Fyne. New builds an
// App on any fyne.App (the real driver in main, the test driver in tests
// and app/cmd/screenshots).
package app
