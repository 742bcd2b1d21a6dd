package targets_test

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"doorstep/app"
	"doorstep/app/kit"
	"doorstep/app/kit/kittest"
	"doorstep/app/supervisor"
	"doorstep/schema"
)

// TestDeskNumbersUseTheNumberKeyboard: on every screen of the supervisor's
// desk — the top-level ones, a household's benefit history, an
// institution and its assessment visit, and the medical-assistance form
// correcting a grant — no entry for money, a count, a score, a phone or
// ID number is a plain entry (the full keyboard), in either language.
func TestDeskNumbersUseTheNumberKeyboard(t *testing.T) {
	test.NewTempApp(t)
	x := app.New(fyne.CurrentApp(), app.Options{DataDir: t.TempDir(), Now: func() time.Time { return now },
		DemoRef: now, NoBackground: true})
	if x.Err() != nil {
		t.Fatal(x.Err())
	}
	defer x.Close()
	if err := x.StartDemo(schema.RoleSupervisor, "2580"); err != nil {
		t.Fatal(err)
	}
	pick := func(q string) string {
		var id string
		if err := x.Store().DB().QueryRow(q).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	institution := pick(`SELECT id FROM care_institutions WHERE deleted = 0 ORDER BY id LIMIT 1`)
	household := pick(`SELECT household_id FROM entitlements WHERE deleted = 0 ORDER BY household_id LIMIT 1`)
	pages := []screenVisit{
		{"benefits-household", func(t *testing.T, x *App) { must(t, x.OpenDeskPage(supervisor.PageBenefits, household)) }},
		{"institution", func(t *testing.T, x *App) { must(t, x.OpenDeskPage(supervisor.PageInstitution, institution)) }},
		{"assessment", func(t *testing.T, x *App) { must(t, x.OpenDeskPage(supervisor.PageAssessment, institution)) }},
		{"medical-correct", func(t *testing.T, x *App) {
			x.Show("medical")
			text := lang.L("desk.medical.correct")
			for _, b := range kittest.All[*widget.Button](x) {
				if b.Text == text {
					test.Tap(b)
					return
				}
			}
			t.Fatal("no grant to correct on the medical register")
		}},
	}
	for _, code := range kit.Languages() {
		if err := x.UseLanguage(code); err != nil {
			t.Fatal(err)
		}
		for _, sv := range append(screensOf(t, x, schema.RoleSupervisor), pages...) {
			sv.open(t, x)
			c := x.Window().Canvas()
			for _, root := range append([]fyne.CanvasObject{c.Content()}, c.Overlays().List()...) {
				for _, e := range kittest.PlainNumberEntries(root) {
					t.Errorf("%s %s: entry %q (placeholder %q) opens the full keyboard", code, sv.name, e.Text, e.PlaceHolder)
				}
			}
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
