package app

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/google/uuid"

	"doorstep/app/desk"
	"doorstep/app/kit"
	"doorstep/app/kit/kittest"
	"doorstep/app/records"
	"doorstep/schema"
)

// testNow is the tests' clock: the first day after the demo district's
// half-year (January–June 2025), 09:00 in China.
var testNow = time.Date(2025, 7, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// clock is a settable clock for one test.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }

// newTestApp starts an App on the test driver over the data directory dir
// (a fresh one when empty), with background loops off.
func newTestApp(t *testing.T, dir string, c *clock) *App {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	if c == nil {
		c = &clock{t: testNow}
	}
	if fyne.CurrentApp() == nil {
		test.NewTempApp(t)
	}
	x := New(fyne.CurrentApp(), Options{DataDir: dir, Now: c.now, DemoRef: testNow, NoBackground: true})
	if x.Err() != nil {
		t.Fatal(x.Err())
	}
	t.Cleanup(x.Close)
	return x
}

// startDemo goes through first run: a PIN, then the local demo as role.
func startDemo(t *testing.T, x *App, role schema.Role) {
	t.Helper()
	test.Type(entryWithPlaceholder(t, x, "firstrun.pin"), "2580")
	test.Type(entryWithPlaceholder(t, x, "firstrun.pin_again"), "2580")
	radio := find[*widget.RadioGroup](t, x, func(*widget.RadioGroup) bool { return true })
	radio.SetSelected(kit.RoleName(role))
	test.Tap(button(t, x, "firstrun.demo"))
	x.tasks.Wait()
	if x.Identity().Role != role {
		t.Fatalf("after the demo started the identity is %+v", x.Identity())
	}
}

func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) { kittest.Walk(o, fn) }

func all[T fyne.CanvasObject](x kittest.Windowed) []T { return kittest.All[T](x) }

func find[T fyne.CanvasObject](t *testing.T, x kittest.Windowed, ok func(T) bool) T {
	t.Helper()
	return kittest.Find(t, x, ok)
}

func button(t *testing.T, x kittest.Windowed, key string) *widget.Button {
	t.Helper()
	return kittest.Button(t, x, key)
}

func entryWithPlaceholder(t *testing.T, x kittest.Windowed, key string) *widget.Entry {
	t.Helper()
	return kittest.EntryWithPlaceholder(t, x, key)
}

func texts(x kittest.Windowed) []string { return kittest.Texts(x) }

func onScreen(x kittest.Windowed, s string) bool { return kittest.OnScreen(x, s) }

// tr translates a key in the current language (for finding widgets).
func tr(key string) string { return lang.L(key) }

// tr2 translates a key with one template value.
func tr2(key, name string, value any) string { return lang.L(key, map[string]any{name: value}) }

// newRecordID returns a new record id, as the forms make them.
func newRecordID() string { return uuid.Must(uuid.NewV7()).String() }

// dirWithLanguage returns a data directory whose device database has lng
// as its language setting, as if chosen on first run.
func dirWithLanguage(t *testing.T, lng string) string {
	t.Helper()
	dir := t.TempDir()
	db, err := records.OpenDB(context.Background(), filepath.Join(dir, "device.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := records.New(db, nil).SetSetting(context.Background(), records.SettingLanguage, lng); err != nil {
		t.Fatal(err)
	}
	return dir
}

// writePNG writes the window of x as a PNG file at path.
func writePNG(t *testing.T, path string, x *App) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, x.win.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

// office is the desk's view of x, as the desk screens make it.
func office(x *App) *desk.Office {
	cfg := x.env.DistrictConfig()
	return &desk.Office{DB: x.store.DB(), Me: x.me.UserID, Street: x.me.Street, Now: x.opts.Now, Config: &cfg}
}

// newDeskApp starts the app signed in as supervisor sup of street s1 over
// the desk fixture (kittest.DeskFixture).
func newDeskApp(t *testing.T) *App {
	t.Helper()
	x := newTestApp(t, "", nil)
	kittest.DeskFixture(t, x.store.DB())
	me := records.Identity{Mode: records.ModeDemo, UserID: "sup", UserName: "周主任", Role: schema.RoleSupervisor,
		Street: "s1", DeviceID: "dev-sup"}
	if err := x.store.SaveIdentity(x.ctx(), me); err != nil {
		t.Fatal(err)
	}
	x.signedIn(me)
	return x
}

// sign draws a stroke on a signature pad, as a finger would.
func sign(p *kit.SignaturePad) {
	p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(40, 60)}, Dragged: fyne.NewDelta(10, 5)})
	p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(120, 40)}, Dragged: fyne.NewDelta(80, -20)})
	p.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(200, 70)}, Dragged: fyne.NewDelta(80, 30)})
	p.DragEnd()
}

// checkBox finds a check box by its text.
func checkBox(t *testing.T, x *App, text string) *widget.Check {
	t.Helper()
	return find(t, x, func(c *widget.Check) bool { return c.Text == text })
}

// selectWith finds the one select on screen offering option.
func selectWith(t *testing.T, x *App, option string) *widget.Select {
	t.Helper()
	var found []*widget.Select
	for _, s := range all[*widget.Select](x) {
		if slices.Contains(s.Options, option) {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d selects offer %q; texts %q", len(found), option, texts(x))
	}
	return found[0]
}

// lastEntryWithPlaceholder finds the last entry on screen with the
// placeholder of key (the newest row's).
func lastEntryWithPlaceholder(t *testing.T, x *App, key string) *widget.Entry {
	t.Helper()
	var last *widget.Entry
	for _, e := range kittest.Entries(x) {
		if e.PlaceHolder == tr(key) {
			last = e
		}
	}
	if last == nil {
		t.Fatalf("no entry for %q on screen: %q", key, texts(x))
	}
	return last
}

// entryBeside finds the entry with the placeholder of key in the smallest
// part of the screen that also shows label: a field's comment entry on the
// review screen.
func entryBeside(t *testing.T, x *App, label, key string) *widget.Entry {
	t.Helper()
	for _, c := range all[*fyne.Container](x) {
		var labelled bool
		var entries []*widget.Entry
		walk(c, func(o fyne.CanvasObject) {
			switch w := o.(type) {
			case *widget.Label:
				labelled = labelled || w.Text == label
			case *widget.Entry:
				if w.PlaceHolder == tr(key) {
					entries = append(entries, w)
				}
			}
		})
		if labelled && len(entries) == 1 {
			return entries[0]
		}
	}
	t.Fatalf("no %q entry beside %q; texts %q", key, label, texts(x))
	return nil
}

// tapRowWith finds the tap row showing text.
func tapRowWith(t *testing.T, x *App, text string) *kit.TapRow {
	t.Helper()
	return find(t, x, func(r *kit.TapRow) bool {
		found := false
		walk(r, func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok && l.Text == text {
				found = true
			}
		})
		return found
	})
}

// shownList returns the list of the screen on display.
func shownList(t *testing.T, x *App) *kit.ActivityList {
	t.Helper()
	return find(t, x, func(*kit.ActivityList) bool { return true })
}

// fileExists reports whether path names a file.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// listShows scrolls through the list on screen and reports whether one of
// its rows shows every text in want.
func listShows(t *testing.T, x *App, want ...string) bool {
	t.Helper()
	list := shownList(t, x)
	for i := range list.Length() {
		list.ScrollTo(i)
		for _, w := range all[fyne.Widget](x) {
			var shown []string
			walk(w, func(o fyne.CanvasObject) {
				if l, ok := o.(*widget.Label); ok {
					shown = append(shown, l.Text)
				}
			})
			if len(shown) > 6 { // more than a row
				continue
			}
			if !slices.ContainsFunc(want, func(s string) bool { return !slices.Contains(shown, s) }) {
				return true
			}
		}
	}
	return false
}
