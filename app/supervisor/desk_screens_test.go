package supervisor

import (
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"doorstep/app/desk"
	"doorstep/app/desk/review"
	"doorstep/app/kit"
	"doorstep/app/records"
	"doorstep/schema"
	"doorstep/schema/demo"
)

// newDeskDemoApp starts the app as a supervisor of the demo district's
// street with the most visits waiting for review, over the whole district.
func newDeskDemoApp(t *testing.T) *testApp {
	t.Helper()
	x := newTestApp(t)
	ctx := context.Background()
	d := demo.Generate(demo.DefaultSeed, testNow)
	if err := demo.Write(ctx, x.Env.Store.DB(), d); err != nil {
		t.Fatal(err)
	}
	var me records.Identity
	err := x.Env.Store.DB().QueryRow(`SELECT s.id, s.name, s.street_id FROM staff s
		WHERE s.role = 'supervisor' AND s.street_id <> ''
		ORDER BY (SELECT count(*) FROM means_visits v JOIN communities c ON c.id = v.community_id
			WHERE c.street_id = s.street_id AND v.state = 'submitted'
			AND NOT EXISTS (SELECT 1 FROM review_events e WHERE e.record_id = v.id)) DESC, s.name
		LIMIT 1`).Scan(&me.UserID, &me.UserName, &me.Street)
	if err != nil {
		t.Fatal(err)
	}
	me.Mode, me.Role, me.DeviceID = records.ModeDemo, schema.RoleSupervisor, "dev-desk"
	if err := x.Env.Store.SaveIdentity(ctx, me); err != nil {
		t.Fatal(err)
	}
	x.SignIn(me)
	// A concurrent edit for the conflicts screen, as the server records one.
	var hid, comm, addr, w1, w2 string
	if err := x.Env.Store.DB().QueryRow(`SELECT h.id, h.community_id, h.address FROM households h JOIN communities c ON c.id = h.community_id
		WHERE c.street_id = ? AND h.status = 'active' ORDER BY h.id LIMIT 1`, me.Street).Scan(&hid, &comm, &addr); err != nil {
		t.Fatal(err)
	}
	if err := x.Env.Store.DB().QueryRow(`SELECT min(id), max(id) FROM staff WHERE community_id = ? AND role = 'worker'`, comm).Scan(&w1, &w2); err != nil {
		t.Fatal(err)
	}
	err = desk.Insert(ctx, x.Env.Store.DB(), "conflicts", "demo-conflict", map[string]any{"tbl": "households",
		"row_id": hid, "col": "address", "community_id": comm, "winner_value": fmt.Sprintf("%q", addr),
		"loser_value": fmt.Sprintf("%q", addr+"（东单元）"), "winner_hlc": int64(1751245200000) << 16,
		"loser_hlc": int64(1751241600000) << 16, "winner_site": "dev-b", "loser_site": "dev-a",
		"winner_user": w2, "loser_user": w1, "detected_at": "2025-06-30T02:00:00Z", "resolved": 0})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestDeskScreensRender opens every supervisor screen on the demo
// district in both languages and checks that no message key shows
// untranslated. With DESK_SHOTS=<dir> it also writes each screen as PNG.
func TestDeskScreensRender(t *testing.T) {
	if testing.Short() {
		t.Skip("renders the demo district")
	}
	out := os.Getenv("DESK_SHOTS")
	x := newDeskDemoApp(t)
	o := office(x.Env)
	// Approve the street's waiting means-test visits, so the meeting has
	// cases; the one with the most changes stays for the review shot.
	q, err := review.List(x.Env.Ctx(), o, review.Filter{Kinds: []review.Kind{review.MeansVisit}, States: []review.State{review.Pending}})
	if err != nil {
		t.Fatal(err)
	}
	best, most := "", -1
	for _, it := range q.Items {
		rec, err := review.Open(x.Env.Ctx(), o, it.Kind, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(rec.Visit.Diff); n > most {
			best, most = it.ID, n
		}
	}
	for _, it := range q.Items {
		if it.ID != best {
			if _, err := review.Approve(x.Env.Ctx(), o, it.Kind, it.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	if best == "" {
		t.Fatal("no visit waiting in the demo street")
	}
	tab := func(key string, i int) func() {
		return func() { openDesk(t, x, key).Content().(*container.AppTabs).SelectIndex(i) }
	}
	shots := []struct {
		name string
		show func()
	}{
		{"review", func() { openDesk(t, x, "nav.review") }},
		{"review-record", func() { tapReviewItem(t, openDesk(t, x, "nav.review").(*reviewScreen), best) }},
		{"meeting", func() { openDesk(t, x, "nav.meeting") }},
		{"meeting-notices", tab("nav.meeting", 1)},
		{"meeting-history", tab("nav.meeting", 2)},
		{"draw", func() {
			s := openDesk(t, x, "nav.draw").(*drawScreen)
			s.weighted.SetChecked(true)
			s.doPreview()
			if len(s.draws) == 0 {
				t.Fatalf("draw preview failed: %s", s.msg.Text)
			}
		}},
		{"draw-batches", func() {
			s := openDesk(t, x, "nav.draw").(*drawScreen)
			s.doPreview()
			s.doSave()
			s.root.(*container.AppTabs).SelectIndex(1)
		}},
		{"conflicts", func() { openDesk(t, x, "nav.conflicts") }},
		{"reports", func() { openDesk(t, x, "nav.reports") }},
	}
	for _, code := range kit.Languages() {
		if err := x.UseLanguage(code); err != nil {
			t.Fatal(err)
		}
		for _, sh := range shots {
			sh.show()
			for _, txt := range texts(x) {
				if strings.Contains(txt, "desk.") || strings.Contains(txt, "code.") {
					t.Errorf("%s %s: untranslated text %q", code, sh.name, txt)
				}
			}
			for _, d := range x.Win.Canvas().Overlays().List() {
				x.Win.Canvas().Overlays().Remove(d) // the "saved" dialog
			}
			if out != "" {
				for _, or := range []struct {
					name string
					size fyne.Size
				}{{"landscape", fyne.NewSize(1280, 800)}, {"portrait", fyne.NewSize(800, 1280)}} {
					x.Win.Resize(or.size)
					x.Win.Content().Refresh()
					writePNG(t, filepath.Join(out, fmt.Sprintf("desk-%s-%s-%s.png", sh.name, code, or.name)), x)
				}
				x.Win.Resize(fyne.NewSize(1280, 800))
			}
			for x.Depth() > 0 {
				x.Back()
			}
		}
	}
}

func writePNG(t *testing.T, path string, x *testApp) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, x.Win.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}
