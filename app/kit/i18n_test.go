package kit

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"doorstep/assets"
)

// pluralForms are the keys of a message object in lang's JSON (go-i18n).
var pluralForms = map[string]bool{
	"zero": true, "one": true, "two": true, "few": true, "many": true, "other": true,
	"description": true,
}

var placeholderRE = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

// message is one translation: its texts (one per plural form) by form.
type message map[string]string

// loadTranslationFile reads assets/translations/<code>.json into message ID
// → message, flattening nested objects into dotted IDs as lang does.
func loadTranslationFile(t *testing.T, code string) map[string]message {
	t.Helper()
	data, err := assets.Translations.ReadFile(path.Join(assets.TranslationsDir, code+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("%s.json: %v", code, err)
	}
	out := map[string]message{}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			id := prefix + k
			switch v := v.(type) {
			case string:
				out[id] = message{"other": v}
			case map[string]any:
				forms := 0
				for f := range v {
					if pluralForms[f] {
						forms++
					}
				}
				switch forms {
				case 0:
					walk(id+".", v)
				case len(v):
					msg := message{}
					for f, text := range v {
						s, ok := text.(string)
						if !ok {
							t.Errorf("%s.json: %q.%s is not a string", code, id, f)
						}
						if f != "description" {
							msg[f] = s
						}
					}
					if len(msg) > 1 || msg["other"] == "" {
						t.Errorf("%s.json: %q has plural forms; SetLanguage cannot switch plural rules, so use one text (see i18n.go)", code, id)
					}
					out[id] = msg
				default:
					t.Errorf("%s.json: %q mixes plural forms and nested keys", code, id)
				}
			default:
				t.Errorf("%s.json: %q is neither a string nor an object", code, id)
			}
		}
	}
	walk("", raw)
	return out
}

func placeholders(m message) []string {
	set := map[string]bool{}
	for _, text := range m {
		for _, sub := range placeholderRE.FindAllStringSubmatch(text, -1) {
			set[sub[1]] = true
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func TestTranslationFilesAreTheLanguages(t *testing.T) {
	entries, err := fs.ReadDir(assets.Translations, assets.TranslationsDir)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, e := range entries {
		codes = append(codes, strings.TrimSuffix(e.Name(), ".json"))
	}
	want := slices.Sorted(slices.Values(Languages()))
	if !slices.Equal(codes, want) {
		t.Errorf("translation files %v, want one <code>.json for each of %v", codes, want)
	}
}

func TestTranslationKeysMatch(t *testing.T) {
	files := map[string]map[string]message{}
	for _, code := range Languages() {
		files[code] = loadTranslationFile(t, code)
		if got := files[code][metaLanguageKey]["other"]; got != code {
			t.Errorf("%s.json: %s is %q, want %q", code, metaLanguageKey, got, code)
		}
		for id, m := range files[code] {
			if m["other"] == "" {
				t.Errorf("%s.json: %q has no (or an empty) \"other\" text", code, id)
			}
		}
	}
	for _, a := range Languages() {
		for _, b := range Languages() {
			if a == b {
				continue
			}
			for id, m := range files[a] {
				other, ok := files[b][id]
				if !ok {
					t.Errorf("%q is in %s.json but not in %s.json", id, a, b)
					continue
				}
				if pa, pb := placeholders(m), placeholders(other); a < b && !slices.Equal(pa, pb) {
					t.Errorf("%q: placeholders %v in %s.json but %v in %s.json", id, pa, a, pb, b)
				}
			}
		}
	}
}

// langFuncs are the lang functions whose first argument is a message ID.
var langFuncs = map[string]bool{
	"L": true, "N": true, "X": true, "XN": true,
	"Localize": true, "LocalizePlural": true, "LocalizeKey": true, "LocalizePluralKey": true,
}

// usedMessageIDs returns the message IDs passed to lang in the non-test Go
// files under dir — string literals, or constants declared as one in the same
// directory — by ID, with the place of one use.
func usedMessageIDs(t *testing.T, dir string) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	var files []*ast.File
	consts := map[string]string{} // directory + "." + name → value
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files = append(files, f)
		for _, decl := range f.Decls {
			gen, ok := decl.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if s, ok := stringLit(vs.Values[i]); ok {
							consts[filepath.Dir(p)+"."+name.Name] = s
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	used := map[string]string{}
	for _, f := range files {
		langName := ""
		for _, imp := range f.Imports {
			if imp.Path.Value == `"fyne.io/fyne/v2/lang"` {
				langName = "lang"
				if imp.Name != nil {
					langName = imp.Name.Name
				}
			}
		}
		if langName == "" || langName == "_" {
			continue
		}
		fileDir := filepath.Dir(fset.Position(f.Pos()).Filename)
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !langFuncs[sel.Sel.Name] {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != langName {
				return true
			}
			where := fset.Position(call.Args[0].Pos()).String()
			id, ok := stringLit(call.Args[0])
			if !ok {
				if ident, isIdent := call.Args[0].(*ast.Ident); isIdent {
					id, ok = consts[fileDir+"."+ident.Name]
				}
			}
			if !ok {
				t.Logf("%s: message ID is not a literal or constant; cannot check it", where)
				return true
			}
			used[id] = where
			return true
		})
	}
	return used
}

// stringLit returns the value of a string literal expression.
func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

func TestTranslationKeysUsedInSourceExist(t *testing.T) {
	used := usedMessageIDs(t, "..") // the whole app, every package
	if len(used) == 0 {
		t.Fatal("found no lang.L/N/X/XN call in app/*.go; is the scanner broken?")
	}
	for _, code := range Languages() {
		msgs := loadTranslationFile(t, code)
		for _, id := range slices.Sorted(maps.Keys(used)) {
			if _, ok := msgs[id]; !ok {
				where := used[id]
				t.Errorf("%s: message %q is missing from assets/translations/%s.json", where, id, code)
			}
		}
	}
}

func TestI18nNormalizeLanguage(t *testing.T) {
	for in, want := range map[string]string{
		"zh": LangZhCN, "zh-CN": LangZhCN, "zh_CN": LangZhCN, "zh-Hans-CN": LangZhCN, "ZH": LangZhCN,
		"en": LangEn, "en-US": LangEn, "en_GB.UTF-8": LangEn,
		"fr": "", "": "", "C": "",
	} {
		got, ok := NormalizeLanguage(in)
		if got != want || ok != (want != "") {
			t.Errorf("NormalizeLanguage(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

// TestI18nSetLanguage checks the language switch whatever the system locale
// (on Linux lang reads it from the environment; elsewhere the variables are
// ignored and the real system locale is tested).
func TestI18nSetLanguage(t *testing.T) {
	if err := LoadTranslations(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := SetLanguage(""); err != nil {
			t.Error(err)
		}
	})
	for _, sys := range []string{"zh_CN.UTF-8", "en_US.UTF-8", "fr_FR.UTF-8", "ug_CN.UTF-8", "pt_BR.UTF-8", "C"} {
		t.Setenv("LANGUAGE", "")
		t.Setenv("LC_ALL", "")
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", sys)
		for _, tc := range []struct {
			code, title, cancel, pending, name string
		}{
			{"zh-CN", "入户通", "取消", "待同步：3 项", "名称"},
			{"en", "Doorstep", "Cancel", "Waiting to sync: 3", "Name"},
			{"zh_CN", "入户通", "取消", "待同步：3 项", "名称"},
			{"en-GB", "Doorstep", "Cancel", "Waiting to sync: 3", "Name"},
		} {
			if err := SetLanguage(tc.code); err != nil {
				t.Fatalf("LANG=%s: SetLanguage(%q): %v", sys, tc.code, err)
			}
			want, _ := NormalizeLanguage(tc.code)
			if got := CurrentLanguage(); got != want {
				t.Errorf("LANG=%s: after SetLanguage(%q) CurrentLanguage() = %q", sys, tc.code, got)
			}
			for _, c := range []struct{ got, want string }{
				{lang.L("app.title"), tc.title},
				{lang.L("Cancel"), tc.cancel}, // one of Fyne's own strings
				{lang.L("sync.pending", map[string]any{"Count": 3}), tc.pending},
				{lang.X("file.name", "Name"), tc.name}, // Fyne's file dialog
			} {
				if c.got != c.want {
					t.Errorf("LANG=%s, SetLanguage(%q): got %q, want %q", sys, tc.code, c.got, c.want)
				}
			}
		}
	}
	if err := SetLanguage("fr"); err == nil {
		t.Error("SetLanguage(\"fr\") succeeded; want an error")
	}
}

func TestI18nSystemLanguage(t *testing.T) {
	for sys, want := range map[string]string{
		"zh_CN.UTF-8": LangZhCN, "zh_TW.UTF-8": LangZhCN, "ug_CN.UTF-8": LangZhCN,
		"en_US.UTF-8": LangEn, "C": LangEn,
	} {
		t.Setenv("LANGUAGE", "")
		t.Setenv("LC_ALL", "")
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", sys)
		if got := SystemLanguage(); got != want && isEnvLocale() {
			t.Errorf("LANG=%s: SystemLanguage() = %q, want %q", sys, got, want)
		}
	}
}

// isEnvLocale reports whether lang reads the locale from the environment.
func isEnvLocale() bool {
	return !slices.Contains([]string{"windows", "darwin", "ios", "android", "js"}, runtime.GOOS)
}

func TestTranslationScannerFindsIDs(t *testing.T) {
	dir := t.TempDir()
	src := `package x

import fl "fyne.io/fyne/v2/lang"

const titleKey = "x.title"

func f(k string) {
	_ = fl.L("x.literal")
	_ = fl.X(titleKey, "Title")
	_ = fl.L(k)
	_ = fl.L("x.data", map[string]any{"N": 1})
}
`
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	got := slices.Sorted(maps.Keys(usedMessageIDs(t, dir)))
	if want := []string{"x.data", "x.literal", "x.title"}; !slices.Equal(got, want) {
		t.Errorf("usedMessageIDs found %v, want %v", got, want)
	}
}
