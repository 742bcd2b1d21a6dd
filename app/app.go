package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
	"weak"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/kit"
	"doorstep/app/records"
	"doorstep/sync/replica"
)

// Options configure an App. The zero value is usable.
type Options struct {
	// DataDir is the folder of the device database (and attachments).
	// Empty means the Fyne app's storage root (~/.config/fyne/<app id> on
	// Linux); New replaces it with the folder in use.
	DataDir string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// HTTPClient talks to the sync server; nil means a client with a 30 s
	// timeout.
	HTTPClient *http.Client
	// DemoSeed and DemoRef choose the local demo district (the seed of its
	// generator and the reference date its figures are as of). Zero means
	// seed 1 and today.
	DemoSeed uint64
	DemoRef  time.Time
	// Enroll prefills the first-run screen with an enrollment URI
	// (doorstep://enroll?server=...&code=..., what a QR code holds).
	Enroll string
	// NoBackground disables the idle-lock and auto-sync goroutines (tests
	// and screenshots drive them by hand).
	NoBackground bool
}

// App is the running field app: one window, the device database and the
// signed-in identity. Its methods run on the Fyne main goroutine unless
// documented otherwise.
type App struct {
	fyne  fyne.App
	win   fyne.Window
	opts  Options
	dev   *device
	store *records.Store
	me    records.Identity

	shell *shell
	// env is what the screens see of the app (Nav is appNav).
	env    *kit.Env
	locked bool
	// look is the theme in use: light or dark, and the text size (look.go).
	look kit.Theme
	// lastActive is when the user last did something (Unix ns, for the
	// idle lock); atomic because draft autosaves touch it off the main
	// goroutine.
	lastActive atomic.Int64
	// fatal is set when the device database could not be opened.
	fatal error

	sync *syncService

	// watched are the scrollers whose scrolling counts as activity
	// (activity.go).
	watched map[weak.Pointer[container.Scroll]]bool

	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup // background loops
	tasks    sync.WaitGroup // one-off background work (enroll, demo load)
}

// New builds the app on a and opens its window's content: the first-run
// screen on a new device, the lock screen when a PIN is set, otherwise the
// Today screen. If the device database cannot be opened the window explains
// why instead.
func New(a fyne.App, opts Options) *App {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if opts.DemoSeed == 0 {
		opts.DemoSeed = 1
	}
	x := &App{fyne: a, opts: opts, stop: make(chan struct{})}
	loadTranslations()
	a.Settings().SetTheme(kit.Theme{})
	if x.opts.DataDir == "" {
		x.opts.DataDir = a.Storage().RootURI().Path()
	}
	err := x.open(x.opts.DataDir)
	x.win = a.NewWindow(lang.L("app.title"))
	x.win.Resize(fyne.NewSize(1280, 800))
	x.win.SetMaster()
	x.win.SetOnClosed(x.Close)
	x.env = &kit.Env{Nav: appNav{x}, Win: x.win, Store: x.store, Me: x.me, Now: x.opts.Now,
		HTTPClient: x.opts.HTTPClient, DataDir: x.opts.DataDir}
	x.touch()
	if err != nil {
		x.showFatal(err)
		return x
	}
	x.sync = newSyncService(x)
	x.start()
	if !opts.NoBackground {
		x.background()
	}
	return x
}

var translationsOnce sync.Once

// loadTranslations registers the translation files with Fyne once per
// process.
func loadTranslations() {
	translationsOnce.Do(func() {
		if err := kit.LoadTranslations(); err != nil {
			fyne.LogError("load translations", err)
		}
	})
}

// setLanguage switches the UI language (LangZhCN or LangEn); screens built
// afterwards use it.
func setLanguage(code string) {
	if err := kit.SetLanguage(code); err != nil {
		fyne.LogError("set language", err)
	}
}

// open opens the device database in dir and reads the device's settings.
func (x *App) open(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create data dir %s: %w", dir, err)
	}
	ctx := context.Background()
	dev, err := openDevice(ctx, filepath.Join(dir, "device.db"), x.opts.Now)
	if err != nil {
		return err
	}
	x.dev = dev
	x.store = records.New(dev.DB(), x.opts.Now)
	code, ok, err := x.store.Setting(ctx, records.SettingLanguage)
	if err != nil {
		return err
	}
	if !ok {
		code = kit.LangZhCN // the product speaks Chinese first
	}
	setLanguage(code)
	if err := x.loadLook(ctx); err != nil {
		return err
	}
	me, ok, err := x.store.Identity(ctx)
	if err != nil {
		return err
	}
	if ok {
		x.me = me
		if err := dev.setUser(ctx, me.UserID); err != nil {
			return err
		}
	}
	return nil
}

// start shows the right first screen.
func (x *App) start() {
	switch {
	case x.me.Role == "":
		newFirstRun(x).show()
	default:
		x.buildShell()
		if has, _ := x.store.HasPIN(context.Background()); has {
			x.lock()
		} else {
			x.win.SetContent(x.shell.root)
		}
	}
}

// signedIn is called by the first-run screen once the device has an
// identity: it builds the navigation and shows Today.
func (x *App) signedIn(me records.Identity) {
	x.setMe(me)
	if err := x.dev.setUser(x.ctx(), me.UserID); err != nil {
		fyne.LogError("set replica user", err)
	}
	x.sync.signedIn(me)
	x.buildShell()
	x.win.SetContent(x.shell.root)
	x.touch()
	if !x.opts.NoBackground {
		x.sync.request()
	}
}

// buildShell (re)creates the navigation shell and every top-level screen,
// e.g. after the language changed.
func (x *App) buildShell() {
	x.shell = newShell(x)
	x.shell.show(x.shell.dests[0].key)
}

// Window returns the app's window.
func (x *App) Window() fyne.Window { return x.win }

// Store returns the data layer (nil if the database could not be opened).
func (x *App) Store() *records.Store { return x.store }

// Identity returns who the device belongs to (zero before first run).
func (x *App) Identity() records.Identity { return x.me }

// showFatal keeps err as the app's fatal error and shows, in Chinese, in
// place of every screen, that the device database could not be opened: a database
// a newer release made says to install that release (it is left as it
// was); anything else says what to do, the error itself folded away as
// technical details for an administrator.
func (x *App) showFatal(err error) {
	x.fatal = err
	fyne.LogError("open the device database", err)
	// The language the user chose is in the database that did not open:
	// the product's first language, as on first run.
	setLanguage(kit.LangZhCN)
	x.win.SetTitle(lang.L("app.title"))
	if errors.Is(err, replica.ErrNewerSchema) {
		msg := widget.NewLabel(lang.L("error.newer_data"))
		msg.Wrapping = fyne.TextWrapWord
		x.win.SetContent(container.NewPadded(msg))
		return
	}
	msg := widget.NewLabel(lang.L("error.open_db"))
	msg.Wrapping = fyne.TextWrapWord
	detail := widget.NewLabel(err.Error())
	detail.Wrapping = fyne.TextWrapWord
	detail.TextStyle = fyne.TextStyle{Monospace: true}
	details := widget.NewAccordion(widget.NewAccordionItem(lang.L("error.details"), detail))
	x.win.SetContent(container.NewPadded(container.NewVBox(msg, details)))
}

// Err returns why the device database could not be opened, or nil.
func (x *App) Err() error { return x.fatal }

// Run shows the window and runs the Fyne event loop until the window
// closes, then closes the app.
func (x *App) Run() {
	x.win.ShowAndRun()
	x.Close()
}

// Close stops background work and closes the device database, merging its
// write-ahead log. It is safe to call more than once and from any goroutine.
func (x *App) Close() {
	x.stopOnce.Do(func() {
		if x.shell != nil {
			x.shell.leaveVisible()
		}
		close(x.stop)
		x.wg.Wait()
		x.tasks.Wait()
		if x.dev != nil {
			if err := x.dev.Close(); err != nil {
				fyne.LogError("close device database", err)
			}
		}
	})
}

// goTask runs fn on its own goroutine; fn must touch the UI only through
// fyne.Do. Close waits for it to finish.
func (x *App) goTask(fn func()) {
	x.tasks.Add(1)
	go func() {
		defer x.tasks.Done()
		fn()
	}()
}

// dataChanged records that the device data changed, so cached views
// (e.g. the household search index) rebuild when next shown.
func (x *App) dataChanged() { x.env.DataChanged() }

// stopContext returns a context cancelled when the app closes, for
// background work.
func (x *App) stopContext() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-x.stop:
		case <-ctx.Done():
		}
		cancel()
	}()
	return ctx
}

// ctx returns a context for a store call made on behalf of the UI.
func (x *App) ctx() context.Context { return context.Background() }

// showError reports err in a dialog; nil does nothing.
func (x *App) showError(what string, err error) { x.env.ShowError(what, err) }
