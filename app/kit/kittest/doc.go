// Package kittest runs field and desk screens in tests without the shell: a device database,
// the shell's layout and a page stack implementing kit.Nav, and helpers to find widgets.
package kittest
