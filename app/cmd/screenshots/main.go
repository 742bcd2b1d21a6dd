// Command screenshots renders every screen of the app, with the demo
// district loaded, to full-colour PNG files
// [<role>-]<screen>[-dark]-<lang>-<orientation>.png, in zh-CN and en,
// landscape (1280×800) and portrait (800×1280): each role's top-level
// screens, the household and elder screens, the four forms (a means-test
// visit, its lower half with staff, signatures and photos, its validation
// problems, its correction after a return, a spot check, a screening, a
// volunteer's visit log), Today with the drafts they left and with a
// volunteer's risk alert, a spot check as its inspector sees it, the 三小
// group activity form, a pairing being ended and one being made, a
// volunteer's log with co-volunteers (flows.go), a supervisor's draw with
// its batch and review of a record; then every one of them again in the
// dark theme; last what changes the other screens (states.go): a sync
// that failed, the supervisor's More menu (portrait only, where it is),
// the medical-assistance form correcting a grant and a meeting with
// cases, each also dark, as are first run and the lock screen: every
// shot in both themes, in both orientations. The supervisor's device
// first receives a real conflict made by two tablets through the sync
// engine (conflict.go); the worker's a spot check and a risk flag.
//
// It runs on Fyne's headless test driver with the app's own theme, so it
// needs no display: `make screenshots` (CGO_ENABLED=0 go run -tags ci).
// The driver's painter clips less than the real one; clip.go makes up for
// it.
package main

import (
	"errors"
	"flag"
	"fmt"
	"image/png"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	fynelang "fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"doorstep/app"
	"doorstep/app/kit"
	"doorstep/app/records"
	"doorstep/app/supervisor"
	"doorstep/schema"
)

// now is the clock of every shot: the morning after the demo district's
// half-year, so the Today lists are those of a real working day.
var now = time.Date(2025, 7, 1, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))

var orientations = []struct {
	name string
	size fyne.Size
}{
	{"landscape", fyne.NewSize(1280, 800)},
	{"portrait", fyne.NewSize(800, 1280)},
}

// errSkip is a shot's answer when the demo data has no such state.
var errSkip = errors.New("not in the demo data")

// shot puts the app into one state; the name is the file's screen part.
type shot struct {
	name string
	show func(x *app.App) error
}

func main() {
	out := flag.String("out", "docs/screenshots", "output directory")
	only := flag.String("roles", "worker,volunteer,supervisor", "roles to render (comma-separated)")
	flag.Parse()
	// The app's language is a device setting; the system locale only needs
	// to parse (Fyne complains about "C").
	if l, _, _ := strings.Cut(os.Getenv("LANG"), "."); l == "" || l == "C" || l == "POSIX" {
		os.Setenv("LANG", "en_US.UTF-8")
	}
	// The demo district is in China: show its times as a tablet there would.
	time.Local = now.Location()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	n := 0
	for _, lang := range kit.Languages() {
		c, err := renderFirstRun(*out, lang)
		if err != nil {
			log.Fatal(err)
		}
		n += c
		for _, role := range []schema.Role{schema.RoleWorker, schema.RoleVolunteer, schema.RoleSupervisor} {
			if !slices.Contains(strings.Split(*only, ","), string(role)) {
				continue
			}
			c, err := renderRole(*out, lang, role)
			if err != nil {
				log.Fatalf("%s %s: %v", lang, role, err)
			}
			n += c
		}
	}
	fmt.Printf("screenshots: %d files in %s\n", n, *out)
}

// newApp starts the app on a fresh test driver and data directory in lang.
// Its clock reads *clock, which starts at now.
func newApp(lang string, clock *time.Time) (*app.App, func(), error) {
	dir, err := os.MkdirTemp("", "doorstep-shots-")
	if err != nil {
		return nil, nil, err
	}
	*clock = now
	a := test.NewApp()
	x := app.New(a, app.Options{DataDir: dir, Now: func() time.Time { return *clock }, DemoRef: now, NoBackground: true})
	if x.Err() != nil {
		return nil, nil, x.Err()
	}
	if err := x.UseLanguage(lang); err != nil {
		return nil, nil, err
	}
	return x, func() { x.Close(); os.RemoveAll(dir) }, nil
}

func renderFirstRun(out, lang string) (int, error) {
	var clock time.Time
	x, done, err := newApp(lang, &clock)
	if err != nil {
		return 0, err
	}
	defer done()
	n, err := capture(x, out, "firstrun", lang)
	if err != nil {
		return n, err
	}
	c, err := captureDark(x, out, "firstrun", lang, nil)
	return n + c, err
}

func renderRole(out, lang string, role schema.Role) (int, error) {
	var clock time.Time
	x, done, err := newApp(lang, &clock)
	if err != nil {
		return 0, err
	}
	defer done()
	// The device was set up a while ago; the supervisor's has since
	// received a conflicting edit from two tablets (conflict.go).
	clock = now.Add(-3 * time.Hour)
	if err := x.StartDemo(role, "2580"); err != nil {
		return 0, err
	}
	if role == schema.RoleSupervisor {
		clock = now.Add(-2 * time.Hour)
		if err := stageConflict(x, &clock); err != nil {
			return 0, err
		}
	}
	if role == schema.RoleWorker {
		if err := stageWorker(x); err != nil { // states.go
			return 0, err
		}
	}
	clock = now
	prefix := ""
	if role != schema.RoleWorker {
		prefix = string(role) + "-"
	}
	n := 0
	var lock *shot
	for _, s := range shots(x, role) {
		if s.name == "lock" {
			lock = &s // last: there is no way back from it here
			continue
		}
		if err := s.show(x); errors.Is(err, errSkip) {
			continue
		} else if err != nil {
			return n, fmt.Errorf("%s: %w", s.name, err)
		}
		c, err := capture(x, out, prefix+s.name, lang)
		if err != nil {
			return n, err
		}
		n += c
	}
	// The dark theme: every screen again.
	if err := x.SetLook(kit.Theme{Dark: true}); err != nil {
		return n, err
	}
	for _, s := range shots(x, role) {
		if s.name == "lock" {
			continue
		}
		if err := s.show(x); errors.Is(err, errSkip) {
			continue
		} else if err != nil {
			return n, fmt.Errorf("%s (dark): %w", s.name, err)
		}
		c, err := capture(x, out, prefix+s.name, lang)
		if err != nil {
			return n, err
		}
		n += c
	}
	// Back to the light theme for what changes the other screens
	// (states.go), then the lock screen.
	if err := x.SetLook(kit.Theme{}); err != nil {
		return n, err
	}
	// Each in the light theme, then in the dark one.
	if role == schema.RoleSupervisor {
		for _, dark := range []bool{false, true} {
			if err := x.SetLook(kit.Theme{Dark: dark}); err != nil {
				return n, err
			}
			c, err := captureMore(x, out, prefix+"nav-more", lang)
			if err != nil {
				return n, err
			}
			n += c
		}
		if err := x.SetLook(kit.Theme{}); err != nil {
			return n, err
		}
	}
	for _, s := range lateShots(role) {
		if err := s.show(x); err != nil {
			return n, fmt.Errorf("%s: %w", s.name, err)
		}
		c, err := capture(x, out, prefix+s.name, lang)
		if err != nil {
			return n, err
		}
		n += c
		c, err = captureDark(x, out, prefix+s.name, lang, s.show)
		if err != nil {
			return n, err
		}
		n += c
	}
	if lock != nil {
		if err := lock.show(x); err != nil {
			return n, err
		}
		c, err := capture(x, out, prefix+lock.name, lang)
		if err != nil {
			return n, err
		}
		n += c
		c, err = captureDark(x, out, prefix+lock.name, lang, nil) // the lock screen is rebuilt in the dark theme
		if err != nil {
			return n, err
		}
		n += c
	}
	return n, nil
}

// captureDark captures the screen again in the dark theme, in both
// orientations: the theme is switched (which rebuilds the window), show (when not nil)
// puts the screen back, and the theme is switched back.
func captureDark(x *app.App, out, name, lang string, show func(*app.App) error) (int, error) {
	if err := x.SetLook(kit.Theme{Dark: true}); err != nil {
		return 0, err
	}
	if show != nil {
		if err := show(x); err != nil {
			return 0, fmt.Errorf("%s (dark): %w", name, err)
		}
	}
	n, err := capture(x, out, name, lang)
	if err != nil {
		return n, err
	}
	return n, x.SetLook(kit.Theme{})
}

// shots lists what to capture for role: every top-level screen, then the
// detail screens and forms.
func shots(x *app.App, role schema.Role) []shot {
	var out []shot
	for _, name := range x.Screens() {
		out = append(out, shot{name, func(x *app.App) error { return show(x, name) }})
	}
	me := x.Identity().UserID
	// The elder with the longest visit log (for a volunteer, of their own).
	elder := func(x *app.App) (string, error) {
		return pick(x, `SELECT elder_id FROM volunteer_visits WHERE deleted = 0
			GROUP BY elder_id ORDER BY count(*) DESC, elder_id LIMIT 1`)
	}
	out = append(out, shot{"elder", func(x *app.App) error {
		id, err := elder(x)
		if err == nil {
			err = show(x, "elders")
			x.OpenElder(id)
		}
		return err
	}})
	if role == schema.RoleVolunteer {
		out = append(out, shot{"visitlog", func(x *app.App) error {
			id, err := elder(x)
			if err == nil {
				err = formOn(x, "elders", "volunteer_visit", id)
			}
			return err
		}})
		return append(out, flowShots(role)...) // flows.go
	}
	// The active household with the most members and visits (for a worker,
	// of their own caseload), and an elder with a screening.
	household := func(x *app.App) (string, error) {
		return pick(x, `SELECT h.id FROM households h JOIN means_visits v ON v.household_id = h.id
			WHERE h.status = 'active' AND (? = '' OR h.caseworker_id = ?) GROUP BY h.id
			ORDER BY (SELECT count(*) FROM members m WHERE m.household_id = h.id) DESC, count(*) DESC, h.id LIMIT 1`,
			workerID(role, me), workerID(role, me))
	}
	screened := func(x *app.App) (string, error) {
		return pick(x, `SELECT elder_id FROM elder_screenings WHERE deleted = 0 AND state = 'submitted'
			GROUP BY elder_id ORDER BY count(*) DESC, max(screened_on) DESC, elder_id LIMIT 1`)
	}
	out = append(out, shot{"household", func(x *app.App) error {
		id, err := household(x)
		if err == nil {
			err = show(x, "households")
			x.OpenHousehold(id)
		}
		return err
	}})
	switch role {
	case schema.RoleWorker:
		out = append(out,
			shot{"visit", func(x *app.App) error {
				id, err := household(x)
				if err == nil {
					err = formOn(x, "households", "means_visit", id)
				}
				return err
			}},
			shot{"visit-end", func(x *app.App) error {
				// The lower part of the form: staff, signatures, photos.
				id, err := household(x)
				if err == nil {
					err = formOn(x, "households", "means_visit", id)
				}
				scrollToEnd(x)
				return err
			}},
			shot{"visit-errors", func(x *app.App) error {
				// A new household's visit submitted empty: the problems.
				if err := formOn(x, "households", "means_visit", ""); err != nil {
					return err
				}
				return tap(x, "action.submit")
			}},
			shot{"today-drafts", func(x *app.App) error {
				// Today once the visits above left drafts behind (last).
				err := show(x, "today")
				scrollToEnd(x)
				return err
			}},
			shot{"spotcheck-task", func(x *app.App) error {
				if !x.OpenToday(records.TodaySpotCheck) { // staged (states.go)
					return errors.New("no spot check assigned to the demo worker")
				}
				return nil
			}},
			shot{"today-risk", todayRisk},
			shot{"visit-returned", func(x *app.App) error {
				if !x.OpenToday(records.TodayReturned) {
					return errors.New("nothing was returned to the demo worker")
				}
				return nil
			}},
			shot{"spotcheck", func(x *app.App) error {
				id, err := household(x)
				if err == nil {
					err = formOn(x, "households", "spot_check", id)
				}
				return err
			}},
			shot{"screening", func(x *app.App) error {
				id, err := screened(x)
				if err == nil {
					err = formOn(x, "elders", "elder_screening", id)
				}
				return err
			}},
			shot{"lock", func(x *app.App) error { x.Lock(); return nil }},
		)
		out = append(out, flowShots(role)...) // flows.go
	case schema.RoleSupervisor:
		out = append(out, shot{"draw-batch", func(x *app.App) error {
			// A spot-check draw's batch, previewed.
			if err := show(x, "draw"); err != nil {
				return err
			}
			return tap(x, "desk.draw.preview")
		}})
		out = append(out, shot{"review-record", func(x *app.App) error {
			// A re-check visit awaiting a decision: not reviewed yet, else
			// returned for correction; the newest.
			id, err := pick(x, `SELECT v.id FROM means_visits v
				WHERE v.state = 'submitted' AND v.deleted = 0
				ORDER BY NOT EXISTS (SELECT 1 FROM review_events e WHERE e.record_id = v.id) DESC,
					coalesce((SELECT e.action FROM review_events e WHERE e.record_id = v.id
						ORDER BY e.at DESC LIMIT 1), '') = 'return' DESC,
					v.purpose = 'recheck' DESC, v.submitted_at DESC, v.id LIMIT 1`)
			if err == nil {
				err = x.OpenReview("means_visits", id)
			}
			return err
		}})
		out = append(out, historyShots()...)
	}
	// Evidence on the desk (evidence.go).
	if role == schema.RoleSupervisor {
		out = append(out, evidenceShots()...)
	}
	return out
}

// historyShots are the supervisor's benefit-history and institution pages
// (issue 11): the benefit history of a household once suspended, the institution
// with the most beds, and its assessment visit. The payout roll, benefits,
// institutions and medical-assistance screens are top-level screens and
// are captured with the others.
func historyShots() []shot {
	institution := func(x *app.App) (string, error) {
		return pick(x, `SELECT i.id FROM care_institutions i WHERE i.deleted = 0 ORDER BY
			(SELECT coalesce(max(c.beds),0) FROM institution_counts c WHERE c.institution_id = i.id) DESC, i.id LIMIT 1`)
	}
	return []shot{
		{"benefits-household", func(x *app.App) error {
			id, err := pick(x, `SELECT e.household_id FROM entitlements e WHERE e.deleted = 0
				GROUP BY e.household_id ORDER BY max(e.kind = 'suspend') DESC, max(e.kind = 'reapprove') DESC,
					count(*) DESC, e.household_id LIMIT 1`)
			if err == nil {
				err = x.OpenDeskPage(supervisor.PageBenefits, id)
			}
			return err
		}},
		{"institution", func(x *app.App) error {
			id, err := institution(x)
			if err == nil {
				err = x.OpenDeskPage(supervisor.PageInstitution, id)
			}
			return err
		}},
		{"assessment", func(x *app.App) error {
			id, err := institution(x)
			if err == nil {
				err = x.OpenDeskPage(supervisor.PageAssessment, id)
			}
			return err
		}},
	}
}

// workerID is me for a worker ("" for other roles: no caseload filter).
func workerID(role schema.Role, me string) string {
	if role == schema.RoleWorker {
		return me
	}
	return ""
}

// formOn opens a new record of form kind about subject over the top-level
// screen from.
func formOn(x *app.App, from, kind, subject string) error {
	if err := show(x, from); err != nil {
		return err
	}
	return x.OpenForm(kind, subject)
}

func show(x *app.App, name string) error {
	if !x.Show(name) {
		return fmt.Errorf("no %s screen for %s", name, x.Identity().Role)
	}
	return nil
}

// pick returns the first column of the first row of q.
func pick(x *app.App, q string, args ...any) (string, error) {
	var id string
	if err := x.Store().DB().QueryRow(q, args...).Scan(&id); err != nil {
		return "", fmt.Errorf("pick: %w", err)
	}
	return id, nil
}

// capture writes the window in both orientations; the dark theme's files
// are named <screen>-dark-….
func capture(x *app.App, out, name, lang string) (int, error) {
	if x.Look().Dark {
		name += "-dark"
	}
	n := 0
	for _, o := range orientations {
		x.Window().Resize(o.size)
		// Layouts whose height follows their width (a grid of filters
		// that wraps) learn the new width in the first pass; a real
		// window lays out again when their minimum changes, the test
		// driver does not: lay out once more.
		x.Window().Content().Refresh()
		for _, ov := range x.Window().Canvas().Overlays().List() {
			ov.Refresh()
		}
		if err := writePNG(x, filepath.Join(out, fmt.Sprintf("%s-%s-%s.png", name, lang, o.name))); err != nil {
			return n, err
		}
		n++
	}
	closeOverlays(x)
	return n, nil
}

// writePNG writes the window as it is to path.
func writePNG(x *app.App, path string) error {
	img := captureClipped(x.Window().Canvas())
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	// Full colour, as the app draws it: status colours and the
	// anti-aliasing of text stay exact; best compression keeps the
	// files small (a screen is mostly flat colour).
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return f.Close()
}

// closeOverlays closes what a shot left open (a dialog, a menu) before
// the next one.
func closeOverlays(x *app.App) {
	for o := x.Window().Canvas().Overlays().Top(); o != nil; o = x.Window().Canvas().Overlays().Top() {
		x.Window().Canvas().Overlays().Remove(o)
	}
}

// tap taps the button labelled with the translation of key on screen.
func tap(x *app.App, key string) error {
	text := fynelang.L(key)
	var found *widget.Button
	walk(x.Window().Content(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && found == nil && b.Text == text {
			found = b
		}
	})
	if found == nil {
		return fmt.Errorf("no %q button on screen", text)
	}
	test.Tap(found)
	return nil
}

// scrollToEnd scrolls the screen's main vertical scroller to its end.
func scrollToEnd(x *app.App) {
	var main *container.Scroll
	walk(x.Window().Content(), func(o fyne.CanvasObject) {
		// The widest; of as wide ones (a form's header over its
		// sections), the one holding the most.
		if s, ok := o.(*container.Scroll); ok && s.Direction == container.ScrollVerticalOnly &&
			(main == nil || s.Size().Width > main.Size().Width ||
				s.Size().Width == main.Size().Width && s.Content.MinSize().Height > main.Content.MinSize().Height) {
			main = s
		}
	})
	if main != nil {
		main.ScrollToBottom()
	}
}

// walk visits o and everything drawn inside it, widgets' parts too.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, child := range c.Objects {
			walk(child, fn)
		}
	case fyne.Widget:
		for _, child := range test.WidgetRenderer(c).Objects() {
			walk(child, fn)
		}
	}
}
