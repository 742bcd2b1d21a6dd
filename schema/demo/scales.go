package demo

import (
	"fmt"
	"strconv"
	"strings"
)

// Scales reads the multiples of the demo district a scaling benchmark
// runs, written as "1,10,100" (DOORSTEP_BENCH_SCALES); "" means 1 and 10.
// The first is the baseline the others' ratios divide by.
func Scales(raw string) ([]int, error) {
	if raw == "" {
		raw = "1,10"
	}
	var out []int
	for _, f := range strings.Split(raw, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("scales %q: %q is not a positive whole number", raw, f)
		}
		out = append(out, n)
	}
	return out, nil
}
