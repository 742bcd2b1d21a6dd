package version

import (
	"strings"
	"testing"
)

func TestStampedWins(t *testing.T) {
	old := stamped
	t.Cleanup(func() { stamped = old })
	stamped = "v0.2.0-3-gabc1234"
	if got := String(); got != "v0.2.0-3-gabc1234" {
		t.Fatalf("String() = %q, want the stamped version", got)
	}
	ua := UserAgent()
	if !strings.HasPrefix(ua, "Doorstep/v0.2.0-3-gabc1234 (") {
		t.Fatalf("UserAgent() = %q", ua)
	}
	if v, ok := FromUserAgent(ua); !ok || v != "v0.2.0-3-gabc1234" {
		t.Fatalf("FromUserAgent(%q) = %q, %v", ua, v, ok)
	}
}

func TestUnstampedIsNeverEmpty(t *testing.T) {
	old := stamped
	t.Cleanup(func() { stamped = old })
	stamped = ""
	if String() == "" {
		t.Fatal("String() is empty without a stamp")
	}
}

func TestFromUserAgentRejectsOthers(t *testing.T) {
	for _, ua := range []string{"", "curl/8.0", "Go-http-client/1.1", "Doorstep/", "doorstep/1.0"} {
		if v, ok := FromUserAgent(ua); ok {
			t.Errorf("FromUserAgent(%q) = %q, true; want false", ua, v)
		}
	}
}

func TestOlder(t *testing.T) {
	cases := []struct {
		v, min string
		want   bool
	}{
		{"v0.1.0", "v0.2.0", true},
		{"v0.2.0", "v0.2.0", false},
		{"v0.2.0-14-gabcdef", "v0.2.0", false},
		{"v0.10.0", "v0.9.3", false},
		{"0.9.3", "v0.10.0", true},
		{"v1", "v0.9", false},
		{"v1.2.3+dirty", "1.2.4", true},
		{"dev", "v9.9.9", false},
		{"dev-abc123", "v0.0.1", false},
		{"v0.1.0", "", false},
		{"v0.1.x", "v0.2.0", false},
	}
	for _, c := range cases {
		if got := Older(c.v, c.min); got != c.want {
			t.Errorf("Older(%q, %q) = %v, want %v", c.v, c.min, got, c.want)
		}
	}
}
