// Package kittest runs the screens of app/field and app/supervisor in tests
// without the shell: a device database, a signed-in identity, the window
// with the shell's layout, and a page stack that implements kit.Nav.
//
// It also holds the helpers tests use to find widgets on a window.
package kittest
