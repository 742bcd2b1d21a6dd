package demo

import (
	"slices"
	"testing"
)

func TestScales(t *testing.T) {
	for raw, want := range map[string][]int{"": {1, 10}, "1, 10,100": {1, 10, 100}, "5": {5}} {
		if got, err := Scales(raw); err != nil || !slices.Equal(got, want) {
			t.Errorf("Scales(%q) = %v, %v; want %v", raw, got, err, want)
		}
	}
	for _, raw := range []string{"1,x", "0", "1,,2", "-3"} {
		if got, err := Scales(raw); err == nil {
			t.Errorf("Scales(%q) = %v, want an error", raw, got)
		}
	}
}
