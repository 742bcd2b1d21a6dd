package server_test

import (
	"net/http"
	"testing"
)

// TestEnrollRateConfigurable (issue 10, 10): the enrollment limit per
// address is a setting. By default the 11th quick attempt from one
// address waits; a server started with a larger burst takes a whole
// office's tablets behind one NAT address.
func TestEnrollRateConfigurable(t *testing.T) {
	attempts := func(s *rawServer, n int) (limited int, retryAfter string) {
		for i := 0; i < n; i++ {
			ans := s.enrollAnswer(t, "WRONG-CODE-0000", "")
			switch {
			case ans.status == http.StatusTooManyRequests && ans.code == "rate_limited":
				limited++
				retryAfter = ans.header.Get("Retry-After")
			case ans.status != http.StatusUnauthorized:
				t.Fatalf("attempt %d: %s", i, ans)
			}
		}
		return limited, retryAfter
	}
	t.Run("Default", func(t *testing.T) {
		// Ten at once, then one every 5 s: of 12 quick attempts the last
		// two wait (one, should the attempts take over 5 s on a busy
		// machine), told to retry within 5 s.
		limited, wait := attempts(startRaw(t), 12)
		if limited < 1 || limited > 2 || wait == "" || wait > "5" {
			t.Errorf("default limit: %d of 12 quick attempts limited (Retry-After %q), want 2 (at most 5)", limited, wait)
		}
	})
	t.Run("Flags", func(t *testing.T) {
		if limited, _ := attempts(startRaw(t, "--enroll-rate", "1", "--enroll-burst", "40"), 40); limited != 0 {
			t.Errorf("--enroll-burst 40: %d of 40 attempts limited", limited)
		}
	})
	t.Run("Env", func(t *testing.T) {
		t.Setenv("DOORSTEP_ENROLL_RATE", "-1")
		if limited, _ := attempts(startRaw(t), 30); limited != 0 {
			t.Errorf("DOORSTEP_ENROLL_RATE=-1: %d of 30 attempts limited", limited)
		}
	})
}
