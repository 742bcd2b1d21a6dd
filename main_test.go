package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRepairPreferences(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"empty": "", "cut": `{"a":`, "good": `{"a":1}`} {
		p := filepath.Join(dir, name+".json")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		repairPreferences(p)
		_, errOrig := os.Stat(p)
		_, errBroken := os.Stat(p + ".broken")
		if name == "good" {
			if errOrig != nil || errBroken == nil {
				t.Errorf("%s: a valid file must stay (stat %v, .broken %v)", name, errOrig, errBroken)
			}
			continue
		}
		if errOrig == nil || errBroken != nil {
			t.Errorf("%s: an unreadable file must be moved aside (stat %v, .broken %v)", name, errOrig, errBroken)
		}
	}
	repairPreferences(filepath.Join(dir, "missing.json")) // no file: nothing to do, no panic
}

func TestFyneAppTOMLValues(t *testing.T) {
	if appID() != "org.doorstep.field" || tomlValue("Name") != "Doorstep" || tomlValue("Version") == "" {
		t.Fatalf("FyneApp.toml read as id %q name %q version %q", appID(), tomlValue("Name"), tomlValue("Version"))
	}
}
