package field

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/kit"
	"doorstep/app/kit/kittest"
	"doorstep/schema"
)

// testNow is the tests' clock: the first day after the demo district's
// half-year (January–June 2025), 09:00 in China.
var testNow = time.Date(2025, 7, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// clock is a settable clock for one test.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// testApp runs the field screens as the shell does (kittest.App): the
// destinations Today, Households and Elders, household and elder pages.
type testApp struct {
	*kittest.App
}

// fieldDests are the field screens' places in the navigation bar, as the
// shell lists them.
var fieldDests = []kittest.Dest{
	{Name: "today", Make: NewToday},
	{Name: "households", Roles: []schema.Role{schema.RoleWorker, schema.RoleSupervisor}, Make: NewHouseholds},
	{Name: "elders", Make: NewElders},
}

// newTestApp starts a test app over the data directory dir (a fresh one
// when empty) on clock c (testNow when nil).
func newTestApp(t *testing.T, dir string, c *clock) *testApp {
	t.Helper()
	if c == nil {
		c = &clock{t: testNow}
	}
	return &testApp{kittest.New(t, kittest.Options{Dir: dir, Now: c.now, Dests: fieldDests,
		OpenHousehold: OpenHousehold, OpenElder: OpenElder})}
}

// startDemo loads the local demo district as role and signs in.
func startDemo(t *testing.T, x *testApp, role schema.Role) {
	t.Helper()
	x.StartDemo(role, testNow)
	if x.Env.Me.Role != role {
		t.Fatalf("after the demo started the identity is %+v", x.Env.Me)
	}
}

// OpenForm opens form kind about subject as App.OpenForm does.
func (x *testApp) OpenForm(kind, subject string) error { return OpenForm(x.Env, kind, subject) }

// OpenHousehold opens household id titled with its head, as
// App.OpenHousehold does.
func (x *testApp) OpenHousehold(id string) {
	title := lang.L("nav.households")
	if h, err := x.Env.Store.Household(x.Env.Ctx(), x.Env.Me, id); err == nil {
		title = h.HeadName
	}
	OpenHousehold(x.Env, id, title)
}

// OpenElder opens elder id titled with their name, as App.OpenElder does.
func (x *testApp) OpenElder(id string) {
	title := lang.L("nav.elders")
	if e, err := x.Env.Store.Elder(x.Env.Ctx(), x.Env.Me, id); err == nil {
		title = e.Name
	}
	OpenElder(x.Env, id, title)
}

// setLanguage switches the UI language or fails loudly.
func setLanguage(code string) {
	if err := kit.SetLanguage(code); err != nil {
		panic(err)
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
