package kit

import (
	"context"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"

	model "doorstep/app/forms"
	"doorstep/app/records"
	"doorstep/schema/district"
)

// Screen is one page of the app. Each screen is a struct in its own file
// holding its widgets and the Env it was built for.
type Screen interface {
	// Content returns the screen's object. It is built once and reused.
	Content() fyne.CanvasObject
	// Reload re-reads the screen's data; it is called each time the screen
	// is shown and after a sync brought new data.
	Reload()
}

// Leaver is implemented by screens that must act when they stop being
// shown (a form flushes its draft): Leave is called when the user navigates
// away, when the app locks, and when it closes.
type Leaver interface {
	Leave()
}

// DeskSummary is the supervisor's part of the Today screen: what waits at
// the desk. Object is its widget, hidden when nothing waits.
type DeskSummary interface {
	// Object returns the summary's widget.
	Object() fyne.CanvasObject
	// Reload recounts what waits; overdue is the number of overdue
	// re-checks in the Today list and oldest the date of the earliest.
	Reload(overdue int, oldest string)
}

// Nav is how a screen moves the user around and reaches the app around
// it. The shell implements it; screens of one face never call the screens
// of another face directly, only through Nav. Its methods run on the Fyne
// main goroutine unless documented otherwise.
type Nav interface {
	// Show switches to a top-level screen by name ("today", "households",
	// "review", …), leaving any detail pages; it reports false when the
	// signed-in role has no such screen.
	Show(name string) bool
	// Push shows a detail page titled title over the current one.
	Push(title string, s Screen)
	// Back returns to the page under the current detail page.
	Back()
	// Visible returns the screen on display (nil before sign-in).
	Visible() Screen
	// OpenHousehold and OpenElder push the household or elder screen,
	// titled title.
	OpenHousehold(id, title string)
	OpenElder(id, title string)
	// DeskSummary builds the supervisor's summary for the Today screen;
	// onOverdue shows the overdue re-checks.
	DeskSummary(onOverdue func()) DeskSummary
	// Touch records user activity, postponing the idle lock. Safe from
	// any goroutine.
	Touch()
	// WatchScroll makes scrolling sc count as activity.
	WatchScroll(sc *container.Scroll)
	// Go runs fn on its own goroutine; fn must touch the UI only through
	// fyne.Do. The app waits for it before closing.
	Go(fn func())
	// StopContext returns a context cancelled when the app closes.
	StopContext() context.Context
}

// Env is what a screen needs from the app: navigation (Nav) and the
// device's services. The shell makes one per App; Me changes on sign-in.
type Env struct {
	Nav
	// Win is the app's window (for dialogs).
	Win fyne.Window
	// Store is the device's data layer.
	Store *records.Store
	// Me is the signed-in identity (zero before first run).
	Me records.Identity
	// Now is the clock.
	Now func() time.Time
	// HTTPClient talks to the sync server (attachment downloads).
	HTTPClient *http.Client
	// DataDir is the folder of the device database and attachments.
	DataDir string

	// OnDataChanged, if set, runs after every DataChanged (the shell
	// recounts the changes waiting to sync).
	OnDataChanged func()

	// dataGen counts changes to the device data (DataChanged).
	dataGen int
	// fetching are the attachment downloads in progress (attachments.go).
	fetching fetches
	// cfg is the district configuration, parsed on first use (cfgOnce).
	cfg     district.Config
	cfgOnce sync.Once
}

// Ctx returns a context for a store call made on behalf of the UI.
func (x *Env) Ctx() context.Context { return context.Background() }

// ShowError reports err in a dialog titled with the translation of what;
// nil does nothing.
func (x *Env) ShowError(what string, err error) {
	if err == nil {
		return
	}
	fyne.LogError(what, err)
	ShowErrorDialog(x.Win, lang.L(what), err)
}

// DataChanged records that the device data changed (a sync, the demo load,
// a saved form), so cached views rebuild when next shown.
func (x *Env) DataChanged() {
	x.dataGen++
	if x.OnDataChanged != nil {
		x.OnDataChanged()
	}
}

// DataGen counts the changes to the device data so far; screens that cache
// derived data compare it.
func (x *Env) DataGen() int { return x.dataGen }

// DistrictConfig is the district's rule configuration, parsed once per
// Env (forms and desk screens ask for it on every keystroke and query).
// The device holds no district file of its own yet, so it is the default
// (the report's district). Callers must not modify its maps and slices.
func (x *Env) DistrictConfig() district.Config {
	x.cfgOnce.Do(func() { x.cfg = district.Default() })
	return x.cfg
}

// Blobs is the device's attachment store: <data dir>/blobs/<sha256 hex>.
// Rows reference blobs by hash; sync uploads the files they name.
func (x *Env) Blobs() model.Blobs {
	return model.Blobs{Dir: filepath.Join(x.DataDir, "blobs")}
}

// FormsEnv is what the form models (app/forms) need.
func (x *Env) FormsEnv() model.Env {
	return model.Env{DB: x.Store.DB(), Now: x.Now, Config: x.DistrictConfig(), UserID: x.Me.UserID,
		Sign: x.Store.SignSubmit(x.Me.UserID)}
}
