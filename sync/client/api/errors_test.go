package api

import (
	"fmt"
	"net/http"
	"testing"
)

func TestStatuses(t *testing.T) {
	seen := map[Code]bool{}
	for _, c := range Codes() {
		if seen[c] {
			t.Errorf("%s listed twice", c)
		}
		seen[c] = true
		if _, ok := statuses[c]; !ok {
			t.Errorf("%s has no status", c)
		}
	}
	if len(seen) != len(statuses) {
		t.Errorf("Codes lists %d codes, the status table %d", len(seen), len(statuses))
	}
	if Code("nonsense").Status() != http.StatusInternalServerError {
		t.Error("unknown code is not a 500")
	}
	if CodeClockAhead.Status() != http.StatusUnprocessableEntity || CodeRevoked.Status() != http.StatusUnauthorized {
		t.Error("status table")
	}
}

func TestErrorCode(t *testing.T) {
	e := Errorf(CodeForbiddenScope, "row %s", "x")
	if ErrorCode(fmt.Errorf("push: %w", e)) != CodeForbiddenScope {
		t.Error("wrapped *Error loses its code")
	}
	if ErrorCode(fmt.Errorf("boom")) != CodeInternal || ErrorCode(nil) != "" {
		t.Error("other errors")
	}
	if e.Error() != "forbidden_scope: row x" {
		t.Errorf("Error() = %q", e.Error())
	}
}
