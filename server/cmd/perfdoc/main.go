// Command perfdoc writes docs/PERFORMANCE.md from one `make bench` run, so
// that every figure in its tables is a figure of that run and of no other.
// The document's text is the template docs/PERFORMANCE.tmpl.md, which names
// figures by benchmark and unit ({{v "BenchmarkMerge/insert" "changes/s"}});
// the run's output is docs/make-bench.txt, written by .ci/bench.sh. A second,
// separate run of the scaling benchmarks at sizes too long for make bench
// (make bench-scaling, 100× the district) may be recorded in
// docs/bench-scaling.txt; the template names its figures with sv and shas,
// so that no figure of one run is ever printed as the other's.
//
//	make bench                                  # runs the benchmarks, then:
//	go run ./server/cmd/perfdoc                 # rewrites docs/PERFORMANCE.md
//	go run ./server/cmd/perfdoc -check          # fails when it is stale
//
// A test fails when the document differs from what the template and the
// recorded run give, so an edited figure, a figure of another run or a
// benchmark that no longer reports what the text cites is caught.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"text/template"
)

func main() {
	tmpl := flag.String("template", "docs/PERFORMANCE.tmpl.md", "the document's text, with the figures named")
	run := flag.String("bench", "docs/make-bench.txt", "the output of one make bench run")
	scaling := flag.String("scaling", "docs/bench-scaling.txt", "the output of one make bench-scaling run (optional: absent, the document says so)")
	doc := flag.String("doc", "docs/PERFORMANCE.md", "the document to write")
	check := flag.Bool("check", false, "only check that the document is what the template and the run give")
	flag.Parse()
	if err := write(*tmpl, *run, *scaling, *doc, *check, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "perfdoc:", err)
		os.Exit(1)
	}
}

// write renders the template with the runs' figures into the document, or
// with check only compares them. scalingPath may name no file.
func write(tmplPath, runPath, scalingPath, docPath string, check bool, out io.Writer) error {
	text, err := os.ReadFile(tmplPath)
	if err != nil {
		return fmt.Errorf("read template: %w", err)
	}
	f, err := os.Open(runPath)
	if err != nil {
		return fmt.Errorf("read run: %w", err)
	}
	defer f.Close()
	res, err := ParseResults(f)
	if err != nil {
		return fmt.Errorf("%s: %w", runPath, err)
	}
	scal := &Results{}
	if sf, err := os.Open(scalingPath); err == nil {
		scal, err = ParseResults(sf)
		sf.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", scalingPath, err)
		}
	} else if !os.IsNotExist(err) {
		return fmt.Errorf("read scaling run: %w", err)
	}
	want, err := Render(string(text), res, scal)
	if err != nil {
		return fmt.Errorf("%s: %w", tmplPath, err)
	}
	have, err := os.ReadFile(docPath)
	if err != nil && !(os.IsNotExist(err) && !check) {
		return fmt.Errorf("read document: %w", err)
	}
	if bytes.Equal(have, want) {
		fmt.Fprintf(out, "%s is up to date\n", docPath)
		return nil
	}
	if check {
		return fmt.Errorf("%s differs from %s rendered with %s; run go run ./server/cmd/perfdoc (never edit the figures by hand)", docPath, tmplPath, runPath)
	}
	if err := os.WriteFile(docPath, want, 0o644); err != nil {
		return fmt.Errorf("write document: %w", err)
	}
	fmt.Fprintf(out, "wrote %s from %s\n", docPath, runPath)
	return nil
}

// Render executes the document's template with the run's figures. A figure
// the run does not hold is an error, not an empty cell.
func Render(text string, res, scaling *Results) ([]byte, error) {
	t, err := template.New("doc").Option("missingkey=error").Funcs(funcs(res, scaling)).Parse(text)
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, nil); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	return b.Bytes(), nil
}
