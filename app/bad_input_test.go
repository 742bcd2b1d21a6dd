package app

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"doorstep/schema"
)

// Bad input everywhere gets a message in the user's language and keeps
// what was typed.

func TestEnrollmentRefusesABadServerAddress(t *testing.T) {
	x := newTestApp(t, "", nil)
	enroll(t, x, "http://exa mple.org/", "ABCD-EFGH")
	if x.Identity().Role != "" || !onScreen(x, tr("server.bad_address")) {
		t.Fatalf("a malformed address: %q", texts(x))
	}
	server := find(t, x, func(e *widget.Entry) bool { return e.PlaceHolder == "https://sync.example.org" })
	if server.Text != "http://exa mple.org/" || entryWithPlaceholder(t, x, "firstrun.code_hint").Text != "ABCD-EFGH" {
		t.Fatalf("the form lost input: %q", texts(x))
	}
	for text, want := range map[string]string{
		"sync.example.org":          "https://sync.example.org",
		" http://10.0.0.2:8443/ ":   "http://10.0.0.2:8443",
		"https://s.example.org/api": "https://s.example.org/api",
		"ftp://s.example.org":       "",
		"https://":                  "",
		"https://a.org/?x=1":        "",
		"":                          "",
	} {
		got, ok := serverAddress(text)
		if ok != (want != "") || got != want {
			t.Errorf("serverAddress(%q) = %q, %v; want %q", text, got, ok, want)
		}
	}
}

func TestSettingsRefuseABadServerAddress(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	test.Tap(button(t, x, "nav.settings"))
	s := x.shell.visible().(*settingsScreen)
	s.address.SetText("sync example org")
	test.Tap(s.moveBtn)
	x.tasks.Wait()
	if !s.moveMsg.Visible() || s.moveMsg.Text != tr("server.bad_address") || s.address.Text != "sync example org" {
		t.Fatalf("settings with a malformed address: %q, field %q", s.moveMsg.Text, s.address.Text)
	}
}
