// Package targets_test renders every screen of the app at every text size
// in both orientations and checks what a finger must hit and what an eye
// must read: tap targets of at least 48 dp, labels not clipped.
package targets_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app"
	model "doorstep/app/forms"
	"doorstep/app/kit"
	"doorstep/app/kit/kittest"
	"doorstep/app/supervisor"
	"doorstep/schema"
)

// now is the tests' clock: the morning after the demo district's half-year.
var now = time.Date(2025, 7, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// App is the app under test.
type App = app.App

// screenVisit is a screen of the app reached the way a user reaches it.
type screenVisit struct {
	name string
	open func(t *testing.T, x *App)
}

// screensOf lists every screen role sees: the top-level ones, the lock
// screen, a household and an elder, and each form the role fills in or
// reviews — whole forms, their lower parts (staff, signatures, photos)
// included, as the walk covers what is scrolled away too.
func screensOf(t *testing.T, x *App, role schema.Role) []screenVisit {
	t.Helper()
	var out []screenVisit
	for _, name := range x.Screens() {
		out = append(out, screenVisit{name, func(t *testing.T, x *App) {
			if !x.Show(name) {
				t.Fatalf("no %s screen", name)
			}
		}})
	}
	pick := func(t *testing.T, x *App, q string, args ...any) string {
		t.Helper()
		var id string
		if err := x.Store().DB().QueryRow(q, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	elder := func(t *testing.T, x *App) string {
		return pick(t, x, `SELECT elder_id FROM volunteer_visits WHERE deleted = 0
			GROUP BY elder_id ORDER BY count(*) DESC, elder_id LIMIT 1`)
	}
	household := func(t *testing.T, x *App) string {
		me := ""
		if role == schema.RoleWorker {
			me = x.Identity().UserID
		}
		return pick(t, x, `SELECT h.id FROM households h JOIN means_visits v ON v.household_id = h.id
			WHERE h.status = 'active' AND (? = '' OR h.caseworker_id = ?) GROUP BY h.id
			ORDER BY count(*) DESC, h.id LIMIT 1`, me, me)
	}
	form := func(kind string, subject func(*testing.T, *App) string) func(*testing.T, *App) {
		return func(t *testing.T, x *App) {
			x.Show("today")
			if err := x.OpenForm(kind, subject(t, x)); err != nil {
				t.Fatal(err)
			}
		}
	}
	out = append(out, screenVisit{"elder", func(t *testing.T, x *App) { x.Show("elders"); x.OpenElder(elder(t, x)) }})
	if role == schema.RoleVolunteer {
		// The log of an elder the volunteer visits with others (二对一,
		// 多对一): its co-volunteers are offered as check boxes.
		shared := func(t *testing.T, x *App) string {
			return pick(t, x, `SELECT elder_id FROM volunteer_pairings
				WHERE deleted = 0 AND coalesce(ended_on,'') = '' AND mode <> 'one_to_one'
				AND volunteer_ids LIKE '%"' || ? || '"%' ORDER BY elder_id LIMIT 1`, x.Identity().UserID)
		}
		out = append(out,
			screenVisit{"visitlog", form(model.FormVolunteerVisit, elder)},
			screenVisit{"visitlog-co", form(model.FormVolunteerVisit, shared)})
	} else {
		out = append(out,
			screenVisit{"household", func(t *testing.T, x *App) { x.Show("households"); x.OpenHousehold(household(t, x)) }},
			screenVisit{"visit", form(model.FormMeansVisit, household)},
			screenVisit{"screening", form(model.FormScreening, elder)},
			screenVisit{"activity", func(t *testing.T, x *App) {
				x.Show("elders")
				tap(t, x, "activity.new")
			}})
		out = append(out, pairingDialogs(pick)...)
	}
	if role == schema.RoleWorker {
		out = append(out, screenVisit{"spotcheck", form(model.FormSpotCheck, household)})
	}
	if role == schema.RoleSupervisor {
		out = append(out, screenVisit{"review-record", func(t *testing.T, x *App) {
			x.Show("review")
			id := pick(t, x, `SELECT id FROM means_visits WHERE state = 'submitted' AND deleted = 0
				ORDER BY submitted_at DESC, id LIMIT 1`)
			if err := x.OpenReview("means_visits", id); err != nil {
				t.Fatal(err)
			}
		}})
		out = append(out, deskPages(pick)...)
	}
	return out
}

// pairingDialogs are staff's pairing management: ending an elder's
// pairing with a reason and making one, from the elder screen and from a
// screening's recommendation (the dialogs, over their screens).
func pairingDialogs(pick func(t *testing.T, x *App, q string, args ...any) string) []screenVisit {
	paired := func(t *testing.T, x *App) string {
		return pick(t, x, `SELECT elder_id FROM volunteer_pairings WHERE deleted = 0 AND coalesce(ended_on,'') = ''
			ORDER BY mode = 'many_to_one' DESC, elder_id LIMIT 1`)
	}
	// An unpaired elder whose latest screening recommends a pairing.
	unpaired := func(t *testing.T, x *App) string {
		return pick(t, x, `SELECT e.id FROM elders e WHERE e.deleted = 0 AND NOT EXISTS (SELECT 1 FROM volunteer_pairings p
			WHERE p.elder_id = e.id AND p.deleted = 0 AND coalesce(p.ended_on,'') = '')
			AND EXISTS (SELECT 1 FROM elder_screenings s WHERE s.elder_id = e.id AND s.deleted = 0
				AND s.state = 'submitted' AND coalesce(s.pairing_advice,'') <> '')
			ORDER BY e.id LIMIT 1`)
	}
	onElder := func(id func(*testing.T, *App) string, key string) func(*testing.T, *App) {
		return func(t *testing.T, x *App) {
			x.Show("elders")
			x.OpenElder(id(t, x))
			tap(t, x, key)
		}
	}
	return []screenVisit{
		{"pairing-end", onElder(paired, "pairing.end")},
		{"pairing-create", onElder(unpaired, "pairing.create")},
		{"pairing-from-screening", func(t *testing.T, x *App) {
			x.Show("elders")
			if err := x.OpenForm(model.FormScreening, unpaired(t, x)); err != nil {
				t.Fatal(err)
			}
			// The recommendation is beside the form in landscape only.
			x.Window().Resize(fyne.NewSize(1280, 800))
			tap(t, x, "screening.pair_now")
		}},
	}
}

// tap taps the button whose text is the translation of key.
func tap(t *testing.T, x *App, key string) {
	t.Helper()
	test.Tap(kittest.Button(t, x, key))
}

// deskPages are the supervisor's pages under the top-level screens: a
// household's benefit history, an institution and its assessment visit,
// and the medical-assistance form correcting a grant (更正 on the
// register's first row).
func deskPages(pick func(t *testing.T, x *App, q string, args ...any) string) []screenVisit {
	institution := func(t *testing.T, x *App) string {
		return pick(t, x, `SELECT id FROM care_institutions WHERE deleted = 0 ORDER BY id LIMIT 1`)
	}
	page := func(name string, id func(*testing.T, *App) string) func(*testing.T, *App) {
		return func(t *testing.T, x *App) {
			if err := x.OpenDeskPage(name, id(t, x)); err != nil {
				t.Fatal(err)
			}
		}
	}
	return []screenVisit{
		{"benefits-household", page(supervisor.PageBenefits, func(t *testing.T, x *App) string {
			return pick(t, x, `SELECT household_id FROM entitlements WHERE deleted = 0 ORDER BY household_id LIMIT 1`)
		})},
		{"institution", page(supervisor.PageInstitution, institution)},
		{"assessment", page(supervisor.PageAssessment, institution)},
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
}

// minScrollRows is the fewest rows (tap targets high) a scroller on a
// screen shows of what it holds.
const minScrollRows = 3

// placed is an object with its position in the window.
type placed struct {
	o      fyne.CanvasObject
	pos    fyne.Position
	dialog bool // in an overlay
	entry  bool // a part of an entry (its own scroller)
}

// layoutTree lists every visible object in the window with its absolute
// position, widgets' parts included, then those of the dialogs over it.
func layoutTree(x *App) []placed {
	var out []placed
	dialog := false
	var walkAt func(o fyne.CanvasObject, at fyne.Position, entry bool)
	walkAt = func(o fyne.CanvasObject, at fyne.Position, entry bool) {
		if o == nil || !o.Visible() {
			return
		}
		pos := at.Add(o.Position())
		out = append(out, placed{o, pos, dialog, entry})
		switch c := o.(type) {
		case *fyne.Container:
			for _, child := range c.Objects {
				walkAt(child, pos, entry)
			}
		case fyne.Widget:
			_, isEntry := c.(interface{ SetPlaceHolder(string) }) // an entry, or one embedding it
			for _, child := range test.WidgetRenderer(c).Objects() {
				walkAt(child, pos, entry || isEntry)
			}
		}
	}
	walkAt(x.Window().Content(), fyne.Position{}, false)
	dialog = true
	for _, o := range x.Window().Canvas().Overlays().List() {
		walkAt(o, fyne.Position{}, false)
	}
	return out
}

// targetProblems lists what is too small to tap or clipped on screen:
// every tappable object must be at least kit.MinTarget in both
// dimensions, no label, button or check box may be narrower than its
// text or run past the window's edge, no amount of money may be
// shortened with an ellipsis, no empty entry's placeholder may be cut, and no vertical scroller in a
// dialog may be lower than a row while it holds more.
func targetProblems(x *App, win fyne.Size) []string {
	var out []string
	for _, p := range layoutTree(x) {
		s := p.o.Size()
		if s.Width <= 0 || s.Height <= 0 {
			continue // not laid out: on a page not shown
		}
		// Scroll bars are dragged with a mouse; on a tablet the content is
		// swiped, so they are no tap targets.
		if _, ok := p.o.(fyne.Tappable); ok && !strings.HasSuffix(fmt.Sprintf("%T", p.o), ".scrollBarArea") {
			if s.Width < kit.MinTarget-0.5 || s.Height < kit.MinTarget-0.5 {
				out = append(out, fmt.Sprintf("%T %q at %v is %.0f×%.0f", p.o, objectText(p.o), p.pos, s.Width, s.Height))
			}
		}
		// A button's or check box's text is cut when the control is
		// narrower than its text.
		switch w := p.o.(type) {
		case *widget.Button, *widget.Check:
			if objectText(w) != "" && (s.Width+0.5 < w.MinSize().Width || p.pos.X+s.Width > win.Width+1) {
				out = append(out, fmt.Sprintf("%T %q at %v, %.0f wide (needs %.0f): clipped", w, objectText(w), p.pos, s.Width, w.MinSize().Width))
			}
		}
		// An empty entry's placeholder says what to type (起始日期
		// 年-月-日): cut, it says less.
		if e := entryOf(p.o); e != nil && e.Text == "" && e.PlaceHolder != "" && !e.MultiLine {
			if need, room := placeholderWidth(e), entryTextRoom(e, s); room+0.5 < need {
				out = append(out, fmt.Sprintf("entry placeholder %q at %v has %.0f (needs %.0f): clipped", e.PlaceHolder, p.pos, room, need))
			}
		}
		// A scroller lower than a few rows hides what it holds (a form or
		// list squeezed by the parts around it); in a dialog, a row is
		// the least. A multi-line entry scrolls its own text: not counted.
		if sc, ok := p.o.(*container.Scroll); ok && !p.entry && sc.Direction != container.ScrollHorizontalOnly &&
			sc.Content != nil && sc.Content.MinSize().Height > s.Height+0.5 {
			least := float32(minScrollRows) * kit.MinTarget
			if p.dialog {
				least = kit.MinTarget
			}
			if s.Height < least-0.5 {
				out = append(out, fmt.Sprintf("scroller at %v is %.0f high (its content %.0f): squeezed", p.pos, s.Height, sc.Content.MinSize().Height))
			}
		}
		if l, ok := p.o.(*widget.Label); ok && l.Text != "" {
			clipped := l.Truncation == fyne.TextTruncateOff && l.Wrapping == fyne.TextWrapOff &&
				s.Width+0.5 < l.MinSize().Width
			// A name may be shortened with an ellipsis; an amount of money
			// never: "400…" could be 400 or 4,000 yuan.
			if l.Truncation != fyne.TextTruncateOff && l.Wrapping == fyne.TextWrapOff && money.MatchString(l.Text) &&
				s.Width+0.5 < fullWidth(l) {
				out = append(out, fmt.Sprintf("label %q at %v, %.0f wide (needs %.0f): amount cut", l.Text, p.pos, s.Width, fullWidth(l)))
			}
			if clipped || p.pos.X+s.Width > win.Width+1 || p.pos.X < -1 {
				out = append(out, fmt.Sprintf("label %q at %v, %.0f wide (needs %.0f): clipped", l.Text, p.pos, s.Width, l.MinSize().Width))
			}
		}
	}
	return out
}

// entryOf is o's entry: o itself, or the entry a kit entry embeds.
func entryOf(o fyne.CanvasObject) *widget.Entry {
	switch e := o.(type) {
	case *widget.Entry:
		return e
	case *kit.NumericEntry:
		return &e.Entry
	}
	return nil
}

// placeholderWidth is the width e's placeholder needs, its padding
// included.
func placeholderWidth(e *widget.Entry) float32 {
	return fyne.MeasureText(e.PlaceHolder, theme.TextSize(), e.TextStyle).Width + 2*theme.InnerPadding()
}

// entryTextRoom is the width e, at size, leaves its text: what its icon,
// action button and validation mark do not take (as Fyne's entry lays
// them out).
func entryTextRoom(e *widget.Entry, size fyne.Size) float32 {
	room := size.Width
	icon := theme.Size(theme.SizeNameInlineIcon) + theme.Size(theme.SizeNameLineSpacing)
	if e.ActionItem != nil {
		room -= e.ActionItem.MinSize().Width
	}
	if e.Validator != nil {
		room -= icon
		if e.ActionItem == nil {
			room -= theme.InnerPadding()
		}
	}
	if e.Icon != nil {
		room -= icon
	}
	return room
}

// money matches an amount of money as kit.Money writes it (two decimals).
var money = regexp.MustCompile(`\d\.\d\d`)

// fullWidth is the width label l needs to show its whole text on one line.
func fullWidth(l *widget.Label) float32 {
	size := theme.TextSize()
	if l.SizeName != "" {
		size = theme.Size(l.SizeName)
	}
	return fyne.MeasureText(l.Text, size, l.TextStyle).Width + 2*theme.InnerPadding()
}

// closeOverlays closes the dialog a visit opened.
func closeOverlays(x *App) {
	c := x.Window().Canvas()
	for o := c.Overlays().Top(); o != nil; o = c.Overlays().Top() {
		c.Overlays().Remove(o)
	}
}

// objectText is an object's text, to name it in a failure.
func objectText(o fyne.CanvasObject) string {
	switch w := o.(type) {
	case *widget.Button:
		return w.Text
	case *widget.Check:
		return w.Text
	case *widget.Entry:
		return w.PlaceHolder
	case *widget.Select:
		return w.Selected
	case *widget.Hyperlink:
		return w.Text
	}
	return ""
}

// TestEveryTargetIsLargeEnough renders every screen of every role, in
// both languages, landscape and portrait, at every text size, and walks
// the objects on screen: tappables at least 48 in both dimensions, no
// label clipped.
func TestEveryTargetIsLargeEnough(t *testing.T) {
	if testing.Short() {
		t.Skip("renders every screen 12 times")
	}
	for _, code := range kit.Languages() {
		t.Run(code, func(t *testing.T) { everyTargetIn(t, code) })
	}
}

// everyTargetIn checks every screen of every role in the language code.
func everyTargetIn(t *testing.T, code string) {
	sizes := []fyne.Size{fyne.NewSize(1280, 800), fyne.NewSize(800, 1280)}
	check := func(t *testing.T, x *App, what string, ts kit.TextSize) {
		t.Helper()
		for _, win := range sizes {
			x.Window().Resize(win)
			n := 0
			for _, p := range targetProblems(x, win) {
				if n++; n <= 5 {
					t.Errorf("%s, %s, %v: %s", what, ts.Name(), win, p)
				}
			}
		}
	}
	for _, role := range []schema.Role{schema.RoleWorker, schema.RoleVolunteer, schema.RoleSupervisor} {
		test.NewTempApp(t)
		x := app.New(fyne.CurrentApp(), app.Options{DataDir: t.TempDir(), Now: func() time.Time { return now },
			DemoRef: now, NoBackground: true})
		if x.Err() != nil {
			t.Fatal(x.Err())
		}
		if err := x.UseLanguage(code); err != nil {
			t.Fatal(err)
		}
		if role == schema.RoleWorker { // first run, before anyone signs in
			for _, ts := range kit.TextSizes() {
				if err := x.SetLook(kit.Theme{Text: ts}); err != nil {
					t.Fatal(err)
				}
				check(t, x, "firstrun", ts)
			}
		}
		if err := x.StartDemo(role, "2580"); err != nil {
			t.Fatal(err)
		}
		for _, ts := range kit.TextSizes() {
			if err := x.SetLook(kit.Theme{Text: ts}); err != nil {
				t.Fatal(err)
			}
			for _, sv := range screensOf(t, x, role) {
				sv.open(t, x)
				check(t, x, string(role)+" "+sv.name, ts)
				closeOverlays(x)
			}
		}
		x.Lock()
		for _, ts := range kit.TextSizes() { // the lock screen is rebuilt in each
			if err := x.SetLook(kit.Theme{Text: ts}); err != nil {
				t.Fatal(err)
			}
			check(t, x, string(role)+" lock", ts)
		}
		x.Close()
	}
	if err := kit.SetLanguage(kit.LangZhCN); err != nil { // the other tests' language
		t.Fatal(err)
	}
}
