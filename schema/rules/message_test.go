package rules

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"doorstep/schema/district"
)

func TestFormatYuan(t *testing.T) {
	tests := []struct {
		fen  int64
		want string
	}{
		{0, "0.00"},
		{5, "0.05"},
		{99, "0.99"},
		{100, "1.00"},
		{21000, "210.00"},
		{20001, "200.01"},
		{73900000, "739000.00"},
		{-5, "-0.05"},
		{-150, "-1.50"},
		{math.MaxInt64, "92233720368547758.07"},
		{math.MinInt64, "-92233720368547758.08"},
	}
	for _, tt := range tests {
		if got := FormatYuan(tt.fen); got != tt.want {
			t.Errorf("FormatYuan(%d) = %q, want %q", tt.fen, got, tt.want)
		}
	}
}

func TestMessageText(t *testing.T) {
	m := msg(CodeIncomeNotBelowStandard, yuan(21000), yuan(20000))
	tests := []struct {
		lang, want string
	}{
		{"", "人均月收入 210.00 元，不低于保障标准 200.00 元"},
		{"zh-CN", "人均月收入 210.00 元，不低于保障标准 200.00 元"},
		{"fr", "人均月收入 210.00 元，不低于保障标准 200.00 元"},
		{"en", "Per-capita income ¥210.00 is not below the standard ¥200.00"},
		{"en-GB", "Per-capita income ¥210.00 is not below the standard ¥200.00"},
		{"EN_us", "Per-capita income ¥210.00 is not below the standard ¥200.00"},
	}
	for _, tt := range tests {
		if got := m.Text(tt.lang); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	if got := m.String(); got != tests[0].want {
		t.Errorf("String() = %q", got)
	}
}

func TestMessageTermArgs(t *testing.T) {
	err := (&Barthel{}).Set("bathing", 10)
	m, ok := MessageOf(err)
	if !ok {
		t.Fatalf("MessageOf(%v) not ok", err)
	}
	if got, want := m.Text("zh-CN"), "巴氏指数项目“洗澡”不能为 10 分（可选：0/5）"; got != want {
		t.Errorf("zh: got %q, want %q", got, want)
	}
	if got, want := m.Text("en"), "Barthel item “Bathing” cannot be 10 (allowed: 0/5)"; got != want {
		t.Errorf("en: got %q, want %q", got, want)
	}
}

func TestUnknownCodeText(t *testing.T) {
	if got := Code("no.such").Text("en"); got != "no.such" {
		t.Errorf("got %q", got)
	}
	if got := msg("no.such", lit("x")).Text(""); !strings.Contains(got, "no.such") || !strings.Contains(got, "x") {
		t.Errorf("got %q", got)
	}
}

func TestErrorWrapping(t *testing.T) {
	_, err := ParseID("123", refDate)
	if !errors.Is(err, ErrIDLength) {
		t.Fatalf("errors.Is(%v, ErrIDLength) = false", err)
	}
	if !strings.HasPrefix(err.Error(), "rules: ") {
		t.Errorf("Error() = %q", err.Error())
	}
	if _, ok := MessageOf(errors.New("plain")); ok {
		t.Error("MessageOf(plain error) ok = true")
	}
}

// TestCatalogComplete checks that every code the package can produce has
// zh-CN and en wording with the same number of arguments.
func TestCatalogComplete(t *testing.T) {
	codes := codeConstants(t)
	for _, it := range BarthelItems() {
		codes = append(codes, it.Name)
	}
	for _, it := range AbilityItems() {
		codes = append(codes, it.Name)
	}
	for _, g := range district.BarthelGrades {
		codes = append(codes, Code("barthel.grade."+g))
	}
	for g := CareGroup(1); g <= 3; g++ {
		codes = append(codes, g.Code())
	}
	if len(codes) < 80 {
		t.Fatalf("found only %d codes; is codeConstants broken?", len(codes))
	}
	for _, c := range codes {
		e, ok := catalog[c]
		if !ok {
			t.Errorf("code %q has no catalog entry", c)
			continue
		}
		if e.zh == "" || e.en == "" {
			t.Errorf("code %q: zh %q, en %q: both languages required", c, e.zh, e.en)
		}
		if !strings.ContainsFunc(e.zh, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("code %q: zh text %q has no Chinese", c, e.zh)
		}
		if strings.Count(e.zh, "%") != strings.Count(e.en, "%") || strings.Count(e.zh, "%") != strings.Count(e.zh, "%s") {
			t.Errorf("code %q: zh %q and en %q disagree on %%s arguments", c, e.zh, e.en)
		}
	}
	// And nothing in the catalog is unreachable.
	seen := map[Code]bool{}
	for _, c := range codes {
		seen[c] = true
	}
	for c := range catalog {
		if !seen[c] {
			t.Errorf("catalog entry %q is not produced by any code", c)
		}
	}
}

// codeConstants returns the value of every constant of type Code declared in
// the package's non-test files.
func codeConstants(t *testing.T) []Code {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []Code
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
				return true
			}
			for _, v := range vs.Values {
				if bl, ok := v.(*ast.BasicLit); ok && bl.Kind == token.STRING {
					out = append(out, Code(strings.Trim(bl.Value, `"`)))
				}
			}
			return true
		})
	}
	return out
}
