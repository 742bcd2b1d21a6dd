// Package kit is the UI kit the shell and every face build on: theme, form kit, layouts,
// widgets, code lists, translations, and Env and Nav, the app as a screen sees it.
package kit
