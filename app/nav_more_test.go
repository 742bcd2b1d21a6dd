package app

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/kit"
	"doorstep/schema"
)

// TestNavigationMoreReachesEveryScreen: in portrait the supervisor's
// fourteen destinations do not fit in the bottom bar at any text size; the
// bar holds one row of buttons of at least 48 dp, the last of them More;
// More opens a menu whose rows are at least 48 dp, and between the bar and
// the menu every destination is reachable: a tap on each menu row shows
// its screen and marks More as where the user is. In landscape the
// sidebar has a More only when the window is too short for every button.
func TestNavigationMoreReachesEveryScreen(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleSupervisor)
	s := x.shell
	for _, ts := range kit.TextSizes() {
		if err := x.SetLook(kit.Theme{Text: ts}); err != nil {
			t.Fatal(err)
		}
		s = x.shell // the look rebuilds the shell
		x.Window().Resize(fyne.NewSize(800, 1280))
		if !s.more.Visible() {
			t.Fatalf("%s portrait: no More button with %d destinations", ts.Name(), len(s.dests))
		}
		var inBar []string
		var rowY float32 = -1
		for _, d := range s.dests {
			b := s.navBtns[d.key]
			if !b.Visible() {
				continue
			}
			inBar = append(inBar, d.key)
			checkTarget(t, ts.Name()+" bar "+d.key, b)
			if rowY >= 0 && b.Position().Y != rowY {
				t.Errorf("%s portrait: %s is on another row of the bar", ts.Name(), d.key)
			}
			rowY = b.Position().Y
		}
		checkTarget(t, ts.Name()+" More", s.more)
		more := s.moreKeys()
		if len(more) == 0 || len(inBar)+len(more) != len(s.dests) {
			t.Fatalf("%s portrait: %d in the bar and %d under More, of %d", ts.Name(), len(inBar), len(more), len(s.dests))
		}
		for _, key := range more {
			if slices.Contains(inBar, key) {
				t.Errorf("%s: %s both in the bar and under More", ts.Name(), key)
			}
			rows := openMore(t, x)
			if len(rows) != len(more) {
				t.Fatalf("%s: the More menu has %d rows, want %d", ts.Name(), len(rows), len(more))
			}
			row := rows[slices.Index(more, key)]
			checkTarget(t, ts.Name()+" menu row "+key, row)
			if row.Text != tr(key) {
				t.Fatalf("%s: menu row %q, want %q", ts.Name(), row.Text, tr(key))
			}
			test.Tap(row)
			if s.current != key || x.Window().Canvas().Overlays().Top() != nil {
				t.Fatalf("%s: tapping %q under More shows %q (menu still open: %v)", ts.Name(), row.Text, s.current,
					x.Window().Canvas().Overlays().Top() != nil)
			}
			if s.more.Importance != widget.HighImportance {
				t.Errorf("%s: on %s, More is not marked as the place shown", ts.Name(), key)
			}
		}
		x.Show("today")
		if s.more.Importance == widget.HighImportance {
			t.Errorf("%s: on Today, More is still marked", ts.Name())
		}
	}
	if !x.Show(strings.TrimPrefix(s.moreKeys()[0], "nav.")) {
		t.Fatal("cannot show the first destination under More")
	}
	// Back to landscape on a screen that was under More: it is in the
	// sidebar now, and More is no longer marked.
	x.Window().Resize(fyne.NewSize(1280, 800))
	if s.more.Visible() && slices.Contains(s.moreKeys(), s.current) {
		t.Fatalf("landscape: %s still under More", s.current)
	}
	if s.more.Importance == widget.HighImportance {
		t.Errorf("landscape: More marked while %s is in the sidebar", s.current)
	}
	// Landscape, standard text, a tall window: every button in the sidebar.
	if err := x.SetLook(kit.Theme{}); err != nil {
		t.Fatal(err)
	}
	s = x.shell
	x.Window().Resize(fyne.NewSize(1600, 1400))
	if s.more.Visible() {
		t.Errorf("landscape 1600×1400: More shown for %v", s.moreKeys())
	}
	for _, d := range s.dests {
		if !s.navBtns[d.key].Visible() {
			t.Errorf("landscape 1600×1400: %s not in the sidebar", d.key)
		}
	}
}

// openMore taps More and returns the rows of its menu.
func openMore(t *testing.T, x *App) []*widget.Button {
	t.Helper()
	test.Tap(x.shell.more)
	top := x.Window().Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("tapping More opened nothing")
	}
	var rows []*widget.Button
	walk(top, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok {
			rows = append(rows, b)
		}
	})
	return rows
}

// checkTarget fails unless o is at least a tap target in both dimensions.
func checkTarget(t *testing.T, what string, o fyne.CanvasObject) {
	t.Helper()
	if s := o.Size(); s.Width < kit.MinTarget-0.5 || s.Height < kit.MinTarget-0.5 {
		t.Errorf("%s is %.0f×%.0f, want at least %d both ways", what, s.Width, s.Height, kit.MinTarget)
	}
}
