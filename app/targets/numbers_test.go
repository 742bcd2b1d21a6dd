package targets_test

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"doorstep/app"
	"doorstep/app/kit"
	"doorstep/app/kit/kittest"
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
	for _, code := range kit.Languages() {
		if err := x.UseLanguage(code); err != nil {
			t.Fatal(err)
		}
		for _, sv := range screensOf(t, x, schema.RoleSupervisor) {
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
