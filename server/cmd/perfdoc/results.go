package main

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Results are the figures of one `make bench` run: every benchmark's
// metrics by name and unit, the lines .ci/bench.sh writes about the run
// (start, end, commit, machine, load), and the run's whole text.
type Results struct {
	// Metrics maps a benchmark's name (package-free, without the -N
	// GOMAXPROCS suffix) to its reported values by unit.
	Metrics map[string]map[string]float64
	// Meta holds the "# key: value" lines of the run's header and footer.
	Meta map[string]string
	// Raw is the run's output as it was written.
	Raw string
}

// procSuffix is the "-2" go test appends to a benchmark's name (GOMAXPROCS).
var procSuffix = regexp.MustCompile(`-\d+$`)

// ParseResults reads the output of `make bench`. A benchmark reported twice
// is an error: a figure in the document must name one measurement.
func ParseResults(r io.Reader) (*Results, error) {
	res := &Results{Metrics: map[string]map[string]float64{}, Meta: map[string]string{}}
	var raw strings.Builder
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		raw.WriteString(line)
		raw.WriteByte('\n')
		if k, v, ok := strings.Cut(strings.TrimPrefix(line, "# "), ": "); ok && strings.HasPrefix(line, "# ") {
			res.Meta[strings.TrimSpace(k)] = strings.TrimSpace(v)
			continue
		}
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 || len(f)%2 != 0 {
			continue // a benchmark's own log line, not a result
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := procSuffix.ReplaceAllString(f[0], "")
		if _, dup := res.Metrics[name]; dup {
			return nil, fmt.Errorf("line %d: %s reported twice", n, name)
		}
		m := map[string]float64{"iterations": 0}
		m["iterations"], _ = strconv.ParseFloat(f[1], 64)
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: %s: value %q: %w", n, name, f[i], err)
			}
			m[f[i+1]] = v
		}
		res.Metrics[name] = m
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read benchmark output: %w", err)
	}
	if len(res.Metrics) == 0 {
		return nil, fmt.Errorf("no benchmark results in the output")
	}
	res.Raw = raw.String()
	return res, nil
}

// Value is one figure: the value the benchmark name reported in unit.
func (r *Results) Value(name, unit string) (float64, error) {
	m, ok := r.Metrics[name]
	if !ok {
		return 0, fmt.Errorf("benchmark %s is not in the run", name)
	}
	v, ok := m[unit]
	if !ok {
		return 0, fmt.Errorf("benchmark %s reported no %q", name, unit)
	}
	return v, nil
}

// Has says whether the run holds the figure (optional benchmarks, such as
// those that need PostgreSQL, are absent when it was not there).
func (r *Results) Has(name, unit string) bool {
	_, err := r.Value(name, unit)
	return err == nil
}
