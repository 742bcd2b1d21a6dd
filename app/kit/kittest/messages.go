package kittest

import (
	"encoding/json"
	"path"
	"testing"

	"doorstep/assets"
)

// MessageIDs returns the message IDs of the translation file of language
// code (assets/translations/<code>.json), nested objects flattened into
// dotted IDs as lang does; a message with plural forms is one ID.
func MessageIDs(t testing.TB, code string) map[string]bool {
	t.Helper()
	data, err := assets.Translations.ReadFile(path.Join(assets.TranslationsDir, code+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("%s.json: %v", code, err)
	}
	out := map[string]bool{}
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			switch v := v.(type) {
			case string:
				out[prefix+k] = true
			case map[string]any:
				if _, plural := v["other"]; plural {
					out[prefix+k] = true
					continue
				}
				walk(prefix+k+".", v)
			}
		}
	}
	walk("", raw)
	return out
}
