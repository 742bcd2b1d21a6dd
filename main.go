// Command doorstep is the Doorstep field app: community workers, volunteers
// and supervisors use it on tablets and desktops (see package app).
package main

import (
	_ "embed"
	"encoding/json"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"doorstep/app"
	"doorstep/assets"
)

//go:embed FyneApp.toml
var fyneAppTOML string

func main() {
	// Hear Ctrl-C and SIGTERM from the first moment. Fyne's desktop driver
	// listens only once its event loop runs, after the window is shown; a
	// process started with SIGINT ignored (a background job: `make demo &`,
	// a script) dropped a Ctrl-C that came before and kept running. A quit
	// queued with fyne.Do runs as soon as the loop starts.
	quit := make(chan os.Signal, 1)
	signal.Notify(quit, os.Interrupt, syscall.SIGTERM)
	setMetadata()
	if dir, err := os.UserConfigDir(); err == nil {
		repairPreferences(filepath.Join(dir, "fyne", appID(), "preferences.json"))
	}
	a := fyneapp.NewWithID(appID())
	go func() {
		<-quit
		fyne.Do(a.Quit)
	}()
	a.SetIcon(assets.Icon())
	app.New(a, app.Options{
		// Both are set by .ci/demo.sh; empty means the defaults (the
		// Fyne storage folder, an empty first-run screen).
		DataDir: os.Getenv("DOORSTEP_DATA_DIR"),
		Enroll:  os.Getenv("DOORSTEP_ENROLL"),
	}).Run()
}

// setMetadata gives a plain `go build` the version and name that `fyne
// build` and `fyne package` take from FyneApp.toml.
func setMetadata() {
	m := fyne.AppMetadata{ID: tomlValue("ID"), Name: tomlValue("Name"), Version: tomlValue("Version")}
	m.Build, _ = strconv.Atoi(tomlValue("Build"))
	fyneapp.SetMetadata(m)
}

func appID() string { return tomlValue("ID") }

// tomlValue returns the string or number value of key in FyneApp.toml's
// [Details] table.
func tomlValue(key string) string {
	inDetails := false
	for _, line := range strings.Split(fyneAppTOML, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			inDetails = line == "[Details]"
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if inDetails && ok && strings.TrimSpace(k) == key {
			return strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return ""
}

// repairPreferences moves aside a Fyne preferences file that is not JSON
// (empty or cut short when the app was killed while Fyne rewrote it), which
// Fyne would otherwise report as "Preferences load error: EOF" on every
// start. The app keeps nothing there; the file is renamed, not deleted.
func repairPreferences(path string) {
	b, err := os.ReadFile(path)
	if err != nil || json.Valid(b) {
		return
	}
	if err := os.Rename(path, path+".broken"); err != nil {
		log.Printf("preferences %s cannot be read and cannot be moved aside: %v", path, err)
	}
}
