package supervisor

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/kit/kittest"
	"doorstep/schema"
)

// testNow is the tests' clock: the first day after the demo district's
// half-year (January–June 2025), 09:00 in China.
var testNow = time.Date(2025, 7, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// testApp runs the desk screens as the shell does (kittest.App).
type testApp struct {
	*kittest.App
}

// deskDests are the desk screens' places in the navigation bar, as the
// shell lists them.
var deskDests = func() []kittest.Dest {
	sup := []schema.Role{schema.RoleSupervisor}
	return []kittest.Dest{
		{Name: "review", Roles: sup, Make: NewReview},
		{Name: "meeting", Roles: sup, Make: NewMeeting},
		{Name: "draw", Roles: sup, Make: NewDraw},
		{Name: "conflicts", Roles: sup, Make: NewConflicts},
		{Name: "reports", Roles: sup, Make: NewReports},
		{Name: "payroll", Roles: sup, Make: NewPayroll},
		{Name: "benefits", Roles: sup, Make: NewBenefits},
		{Name: "medical", Roles: sup, Make: NewMedical},
		{Name: "institutions", Roles: sup, Make: NewInstitutions},
	}
}()

// newTestApp starts a test app on a fresh data directory on testNow.
func newTestApp(t *testing.T) *testApp {
	t.Helper()
	return &testApp{kittest.New(t, kittest.Options{Now: func() time.Time { return testNow }, Dests: deskDests,
		DeskSummary: NewDeskSummary})}
}

// startDemo loads the local demo district as role and signs in.
func startDemo(t *testing.T, x *testApp, role schema.Role) {
	t.Helper()
	x.StartDemo(role, testNow)
	if x.Env.Me.Role != role {
		t.Fatalf("after the demo started the identity is %+v", x.Env.Me)
	}
}

// OpenReview opens the review of record id of table as App.OpenReview does.
func (x *testApp) OpenReview(table, id string) error { return OpenReview(x.Env, table, id) }

func all[T fyne.CanvasObject](x kittest.Windowed) []T { return kittest.All[T](x) }

func button(t *testing.T, x kittest.Windowed, key string) *widget.Button {
	t.Helper()
	return kittest.Button(t, x, key)
}

func texts(x kittest.Windowed) []string { return kittest.Texts(x) }

func onScreen(x kittest.Windowed, s string) bool { return kittest.OnScreen(x, s) }

// tr translates a key in the current language (for finding widgets).
func tr(key string) string { return lang.L(key) }

// trData translates a key with template data.
func trData(key string, data map[string]any) string { return lang.L(key, data) }
