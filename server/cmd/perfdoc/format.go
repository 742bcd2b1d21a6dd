package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"text/template"
)

// funcs are the template's functions: figures from the run (v, has,
// meta) and from the separate scaling run (sv, shas, smeta), and the ways
// the document prints them.
func funcs(r, scaling *Results) template.FuncMap {
	return template.FuncMap{
		"v":    r.Value,
		"has":  r.Has,
		"sv":   scaling.Value,
		"shas": scaling.Has,
		"smeta": func(key string) (string, error) {
			v, ok := scaling.Meta[key]
			if !ok {
				return "", fmt.Errorf("the scaling run's output has no %q line", "# "+key+":")
			}
			return v, nil
		},
		"meta": func(key string) (string, error) {
			v, ok := r.Meta[key]
			if !ok {
				return "", fmt.Errorf("the run's output has no %q line", "# "+key+":")
			}
			return v, nil
		},
		// hasmeta reports whether the run's output has a "# key:" line
		// (a note written into the recorded run, say).
		"hasmeta": func(key string) bool {
			_, ok := r.Meta[key]
			return ok
		},
		"list": func(xs ...string) []string { return xs },
		// backend names a store backend as the text does.
		"backend": func(s string) string {
			return map[string]string{"sqlite": "SQLite", "postgres": "PostgreSQL"}[s]
		},
		// cpuNote gives a scaling phase's CPU ratio to 1× as ", CPU N×",
		// or nothing where the run has none.
		"cpuNote": func(bench, phase string) string {
			x, err := r.Value(bench, phase+"-cpu-x1")
			if err != nil {
				return ""
			}
			return ", CPU " + Sig(x) + "×"
		},
		// scale prints a benchmark's scale ("10x") as the text does: 10×.
		"scale": func(s string) string { return strings.ReplaceAll(s, "x", "×") },
		"raw":   func() string { return strings.TrimRight(r.Raw, "\n") },
		"n":     Thousands,
		"sig":   Sig,
		"k": func(x float64) string {
			return Thousands(x/1000) + "k"
		},
		"div": func(a, b float64) (float64, error) {
			if b == 0 {
				return 0, fmt.Errorf("division by zero")
			}
			return a / b, nil
		},
		"mul":   func(a, b float64) float64 { return a * b },
		"sub":   func(a, b float64) float64 { return a - b },
		"ratio": func(a, b float64) string { return Sig(a / b) },
		"pct":   func(x float64) string { return Sig(x*100) + " %" },
	}
}

// Thousands prints x rounded to a whole number, with commas between
// thousands: 184361.4 → "184,361".
func Thousands(x float64) string {
	s := strconv.FormatInt(int64(math.Round(math.Abs(x))), 10)
	var b strings.Builder
	if x < 0 && math.Round(math.Abs(x)) != 0 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Sig prints x with three significant digits (47.13 → "47.1", 0.04231 →
// "0.0423"); from 1,000 up it prints the whole number with commas.
func Sig(x float64) string {
	if x == 0 {
		return "0"
	}
	if math.Abs(x) >= 1000 {
		return Thousands(x)
	}
	// Round to three significant digits first: 999.6 becomes 1,000 and
	// 99.96 becomes 100, each then printed with the digits it has.
	p := math.Pow(10, float64(2-int(math.Floor(math.Log10(math.Abs(x))))))
	r := math.Round(x*p) / p
	a := math.Abs(r)
	if a >= 1000 {
		return Thousands(r)
	}
	decimals := 2 - int(math.Floor(math.Log10(a)))
	if decimals < 0 {
		decimals = 0
	}
	return strconv.FormatFloat(r, 'f', decimals, 64)
}
