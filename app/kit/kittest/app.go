package kittest

import (
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"doorstep/app/kit"
	"doorstep/app/records"
	"doorstep/schema"
	"doorstep/sync/replica"
)

// Dest is a top-level screen of the test app, as a destination of the
// shell's navigation bar.
type Dest struct {
	// Name is what Show takes ("today", "review", …); the button's label
	// is the translation of "nav.<Name>".
	Name string
	// Roles may see it; empty means every role.
	Roles []schema.Role
	// Make builds the screen.
	Make func(*kit.Env) kit.Screen
}

// Options configure an App. The zero value is usable.
type Options struct {
	// Dir is the data directory; empty means a new temporary one.
	Dir string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Dests are the top-level screens, in navigation order.
	Dests []Dest
	// DeskSummary builds the supervisor's part of Today (Nav.DeskSummary);
	// nil makes Today show none.
	DeskSummary func(x *kit.Env, onOverdue func()) kit.DeskSummary
	// OpenHousehold and OpenElder push the household and elder screens
	// (Nav.OpenHousehold, Nav.OpenElder); nil fails the test when called.
	OpenHousehold func(x *kit.Env, id, title string)
	OpenElder     func(x *kit.Env, id, title string) // see OpenHousehold
}

// page is a screen on the page stack with its title.
type page struct {
	title string
	s     kit.Screen
}

// App is the test's app: the window, the device database (a sync replica,
// as on a device) and the Env the screens get. Its Nav is the App itself.
// Close runs at the end of the test.
type App struct {
	// Env is what the screens see; Env.Nav is the App.
	Env *kit.Env
	// Win is the window the screens are shown in.
	Win fyne.Window
	// Rep is the device database.
	Rep *replica.Replica

	t       testing.TB
	opts    Options
	tops    map[string]kit.Screen
	current string
	stack   []page
	title   *widget.Label
	back    *widget.Button
	nav     *fyne.Container
	body    *fyne.Container

	tasks     sync.WaitGroup
	stop      chan struct{}
	closeOnce sync.Once
}

// New opens the device database in opts.Dir in the language stored there
// (Chinese when none) and shows an empty window of 1280×800 with the app's
// theme, on the test driver.
func New(t testing.TB, opts Options) *App {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if fyne.CurrentApp() == nil {
		test.NewTempApp(t)
	}
	if err := loadTranslations(); err != nil {
		t.Fatal(err)
	}
	fyne.CurrentApp().Settings().SetTheme(kit.Theme{})
	ctx := context.Background()
	rep, err := replica.Open(ctx, filepath.Join(opts.Dir, "device.db"), replica.Options{Now: opts.Now})
	if err != nil {
		t.Fatal(err)
	}
	store := records.New(rep.DB(), opts.Now)
	code, ok, err := store.Setting(ctx, records.SettingLanguage)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		code = kit.LangZhCN
	}
	if err := kit.SetLanguage(code); err != nil {
		t.Fatal(err)
	}
	a := &App{Rep: rep, t: t, opts: opts, tops: map[string]kit.Screen{}, stop: make(chan struct{})}
	a.Win = fyne.CurrentApp().NewWindow("doorstep")
	a.Win.Resize(fyne.NewSize(1280, 800))
	a.Env = &kit.Env{Nav: a, Win: a.Win, Store: store, Now: opts.Now, HTTPClient: &http.Client{Timeout: 30 * time.Second},
		DataDir: opts.Dir}
	if me, ok, err := store.Identity(ctx); err != nil {
		t.Fatal(err)
	} else if ok {
		a.SignIn(me)
	}
	t.Cleanup(a.Close)
	return a
}

var translations struct {
	once sync.Once
	err  error
}

// loadTranslations registers the translation files once per process.
func loadTranslations() error {
	translations.once.Do(func() { translations.err = kit.LoadTranslations() })
	return translations.err
}

// StartDemo loads the local demo district as role (seed 1, as of ref), sets
// the PIN 2580 and signs in, as first run's "start the demo" does.
func (a *App) StartDemo(role schema.Role, ref time.Time) {
	a.t.Helper()
	ctx := context.Background()
	me, err := a.Env.Store.LoadDemo(ctx, role, 1, ref, uuid.NewString())
	if err != nil {
		a.t.Fatal(err)
	}
	if err := a.Env.Store.SetPIN(ctx, "2580"); err != nil {
		a.t.Fatal(err)
	}
	if err := a.Env.Store.SaveIdentity(ctx, me); err != nil {
		a.t.Fatal(err)
	}
	a.Env.DataChanged()
	a.SignIn(me)
}

// SignIn makes me the signed-in identity, builds the navigation for its
// role and shows the first destination.
func (a *App) SignIn(me records.Identity) {
	a.t.Helper()
	if err := a.Rep.SetUser(context.Background(), me.UserID); err != nil {
		a.t.Fatal(err)
	}
	a.Env.Me = me
	a.tops = map[string]kit.Screen{}
	a.stack = nil
	a.current = ""
	nl := &kit.NavLayout{}
	a.nav = container.New(nl)
	for _, d := range a.dests() {
		b := widget.NewButton(lang.L("nav."+d.Name), func() { a.Show(d.Name) })
		b.Alignment = widget.ButtonAlignLeading
		a.nav.Add(b)
	}
	a.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	a.title.SizeName = theme.SizeNameSubHeadingText
	a.title.Truncation = fyne.TextTruncateEllipsis
	a.back = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), a.Back)
	a.body = container.NewStack()
	a.Win.SetContent(container.New(kit.ShellLayout{},
		container.NewPadded(container.NewBorder(nil, nil, a.back, nil, a.title)),
		container.NewPadded(a.nav), a.body))
	if ds := a.dests(); len(ds) > 0 {
		a.Show(ds[0].Name)
	}
}

// dests are the destinations of the signed-in role.
func (a *App) dests() []Dest {
	var out []Dest
	for _, d := range a.opts.Dests {
		if len(d.Roles) == 0 || slices.Contains(d.Roles, a.Env.Me.Role) {
			out = append(out, d)
		}
	}
	return out
}

// Window returns the app's window.
func (a *App) Window() fyne.Window { return a.Win }

// Wait waits for the background work started through Go.
func (a *App) Wait() { a.tasks.Wait() }

// Close leaves the visible screen, waits for background work and closes
// the database. It is safe to call more than once.
func (a *App) Close() {
	a.closeOnce.Do(func() {
		a.leaveVisible()
		close(a.stop)
		a.tasks.Wait()
		if err := a.Rep.Close(); err != nil {
			a.t.Error(err)
		}
	})
}

// UseLanguage makes code the language, stores the choice and rebuilds the
// window in it, as the settings screen does.
func (a *App) UseLanguage(code string) error {
	if err := kit.SetLanguage(code); err != nil {
		return err
	}
	if err := a.Env.Store.SetSetting(context.Background(), records.SettingLanguage, code); err != nil {
		return err
	}
	a.leaveVisible()
	a.SignIn(a.Env.Me)
	return nil
}
