package store

import (
	"slices"
	"strings"
	"testing"
)

// TestInList: an IN list's values are padded to a power of two with the
// last value, so its text is one of few, and it lists the same values.
func TestInList(t *testing.T) {
	for n := 1; n <= 70; n++ {
		vals := make([]any, n)
		for i := range vals {
			vals[i] = i
		}
		ph, args := inList(vals)
		m := len(args)
		if m < n || m&(m-1) != 0 || m >= 2*n && n > 1 {
			t.Fatalf("%d values padded to %d", n, m)
		}
		if strings.Count(ph, "?") != m {
			t.Fatalf("%d values: %q for %d args", n, ph, m)
		}
		if !slices.Equal(args[:n], vals) {
			t.Fatalf("%d values: %v", n, args)
		}
		for _, v := range args[n:] {
			if v != n-1 {
				t.Fatalf("%d values: padded with %v", n, v)
			}
		}
	}
}
