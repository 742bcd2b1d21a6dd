package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocMatchesItsRun fails when docs/PERFORMANCE.md is not exactly what
// its template and the recorded `make bench` run give: a figure edited by
// hand, a figure of another run, or a template naming a figure the run
// does not hold.
func TestDocMatchesItsRun(t *testing.T) {
	docs := filepath.Join("..", "..", "..", "docs")
	var out bytes.Buffer
	err := write(filepath.Join(docs, "PERFORMANCE.tmpl.md"), filepath.Join(docs, "make-bench.txt"),
		filepath.Join(docs, "bench-scaling.txt"), filepath.Join(docs, "PERFORMANCE.md"), true, &out)
	if err != nil {
		t.Fatal(err)
	}
}

const sample = `# start: 2026-12-05T12:00:00Z
# load-start: 1.00 2.00 3.00
goos: linux
pkg: doorstep/sync/replica
BenchmarkMerge/insert-2      	       1	    564672 changes/cpu-s	    292200 changes/s
BenchmarkMerge/edit/device-2 	       1	    212000 changes/cpu-s	    101000 changes/s	 0 conflicts
some log line from a benchmark
BenchmarkScaling/sqlite/10x-2 1 7957461 changes 6.639 fold-cpu-s
PASS
# end: 2026-12-05T12:30:00Z
`

func TestParseResults(t *testing.T) {
	res, err := ParseResults(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, unit string
		want       float64
	}{
		{"BenchmarkMerge/insert", "changes/s", 292200},
		{"BenchmarkMerge/edit/device", "conflicts", 0},
		{"BenchmarkMerge/edit/device", "changes/cpu-s", 212000},
		{"BenchmarkScaling/sqlite/10x", "changes", 7957461},
	} {
		got, err := res.Value(c.name, c.unit)
		if err != nil || got != c.want {
			t.Errorf("%s %s = %v, %v; want %v", c.name, c.unit, got, err, c.want)
		}
	}
	if res.Has("BenchmarkMerge/insert", "ns/op") || res.Has("BenchmarkNone", "x") {
		t.Error("Has reports a figure the run does not hold")
	}
	if res.Meta["start"] != "2026-12-05T12:00:00Z" || res.Meta["load-start"] != "1.00 2.00 3.00" {
		t.Errorf("meta = %v", res.Meta)
	}
	if _, err := ParseResults(strings.NewReader(sample + "BenchmarkMerge/insert-2 1 1 changes/s\n")); err == nil {
		t.Error("a benchmark reported twice was accepted")
	}
}

func TestRender(t *testing.T) {
	res, err := ParseResults(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Render(`{{k (v "BenchmarkMerge/insert" "changes/s")}} {{ratio (v "BenchmarkMerge/edit/device" "changes/s") (v "BenchmarkMerge/insert" "changes/s")}} {{meta "end"}}{{if has "BenchmarkPGPush" "p95-ratio"}} pg{{end}}`, res, &Results{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "292k 0.346 2026-12-05T12:30:00Z"; string(got) != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
	for _, bad := range []string{`{{v "BenchmarkMerge/insert" "ns/op"}}`, `{{v "BenchmarkNone" "x"}}`, `{{meta "nowhere"}}`} {
		if _, err := Render(bad, res, &Results{}); err == nil {
			t.Errorf("Render(%s) = nil error; a figure the run does not hold must fail", bad)
		}
	}
}

// TestRenderScalingRun: figures of the separate scaling run come from it
// alone (sv, shas, smeta), never from the make bench run, and the other
// way round.
func TestRenderScalingRun(t *testing.T) {
	res, err := ParseResults(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	scal, err := ParseResults(strings.NewReader("# start: 2026-12-06T03:31:40Z\nBenchmarkScaling/sqlite/100x-2 1 79574610 changes 812.5 ingest-s 243.6 ingest-x1\n"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Render(`{{sig (sv "BenchmarkScaling/sqlite/100x" "ingest-x1")}} {{smeta "start"}}{{if shas "BenchmarkScaling/sqlite/10x" "changes"}} from make bench{{end}}{{if has "BenchmarkScaling/sqlite/100x" "changes"}} mixed{{end}}`, res, scal)
	if err != nil {
		t.Fatal(err)
	}
	if want := "244 2026-12-06T03:31:40Z"; string(got) != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
	if _, err := Render(`{{sv "BenchmarkScaling/sqlite/100x" "ingest-s"}}`, res, &Results{}); err == nil {
		t.Error("a scaling figure rendered without a scaling run")
	}
}

func TestFormats(t *testing.T) {
	for _, c := range []struct {
		x    float64
		sig  string
		thou string
	}{
		{184361.4, "184,361", "184,361"},
		{47.13, "47.1", "47"},
		{9.306, "9.31", "9"},
		{0.04231, "0.0423", "0"},
		{1.0, "1.00", "1"},
		{999.6, "1,000", "1,000"},
		{-1234, "-1,234", "-1,234"},
		{0, "0", "0"},
		{99.96, "100", "100"},
		{0.0999, "0.0999", "0"},
	} {
		if got := Sig(c.x); got != c.sig {
			t.Errorf("Sig(%v) = %q, want %q", c.x, got, c.sig)
		}
		if got := Thousands(c.x); got != c.thou {
			t.Errorf("Thousands(%v) = %q, want %q", c.x, got, c.thou)
		}
	}
}

// TestWriteRefusesAStaleDocument checks -check on a document whose figure
// was edited by hand.
func TestWriteRefusesAStaleDocument(t *testing.T) {
	dir := t.TempDir()
	tmpl, run, doc := filepath.Join(dir, "t.md"), filepath.Join(dir, "run.txt"), filepath.Join(dir, "doc.md")
	if err := os.WriteFile(tmpl, []byte(`insert {{k (v "BenchmarkMerge/insert" "changes/s")}}/s`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(run, []byte(sample), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := write(tmpl, run, filepath.Join(dir, "none.txt"), doc, false, &out); err != nil {
		t.Fatal(err)
	}
	if err := write(tmpl, run, filepath.Join(dir, "none.txt"), doc, true, &out); err != nil {
		t.Fatalf("fresh document: %v", err)
	}
	if err := os.WriteFile(doc, []byte("insert 300k/s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := write(tmpl, run, filepath.Join(dir, "none.txt"), doc, true, &out); err == nil {
		t.Fatal("a hand-edited figure passed the check")
	}
}
