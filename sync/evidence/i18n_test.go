package evidence

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMessagesTranslated checks every reason code and status has its
// message in both languages the app ships (assets/translations), and that
// messages name only the reason's own fields.
func TestMessagesTranslated(t *testing.T) {
	args := Reason{}.Args()
	for _, lang := range []string{"zh-CN", "en"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "assets", "translations", lang+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, c := range Codes() {
			keys = append(keys, c.MessageKey())
			if _, ok := severities[c]; !ok {
				t.Errorf("%s has no severity", c)
			}
		}
		for _, s := range []Status{Verified, Pending, Flagged} {
			keys = append(keys, s.MessageKey())
		}
		for _, k := range keys {
			var m string
			if err := json.Unmarshal(raw[k], &m); err != nil {
				t.Errorf("%s.json lacks %q as a plain message (%v)", lang, k, err)
				continue
			}
			for _, name := range templateFields(m) {
				if _, ok := args[name]; !ok {
					t.Errorf("%s %s names {{.%s}}, not a reason field", lang, k, name)
				}
			}
		}
	}
}

// templateFields returns the names in "{{.name}}" placeholders of m.
func templateFields(m string) []string {
	var out []string
	for {
		_, after, ok := strings.Cut(m, "{{.")
		if !ok {
			return out
		}
		name, rest, ok := strings.Cut(after, "}}")
		if !ok {
			return out
		}
		out = append(out, name)
		m = rest
	}
}
