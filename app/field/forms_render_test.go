package field

import (
	"context"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	model "doorstep/app/forms"
	"doorstep/app/kit"
	"doorstep/app/records"
	"doorstep/schema"
	"doorstep/schema/rules"
)

// formShots lists the form screens to render: a name and how to open it
// on the demo district.
var formShots = []struct {
	name string
	role schema.Role
	open func(t *testing.T, x *testApp)
	// scroll is how far down the form is scrolled (0–1).
	scroll float32
}{
	{"visit-new", schema.RoleWorker, func(t *testing.T, x *testApp) { openOrFail(t, x, model.FormMeansVisit, "") }, 0},
	{"visit", schema.RoleWorker, func(t *testing.T, x *testApp) {
		openOrFail(t, x, model.FormMeansVisit, pickID(t, x, `SELECT h.id FROM households h WHERE h.status = 'active'
			ORDER BY (SELECT count(*) FROM members m WHERE m.household_id = h.id) DESC, h.id LIMIT 1`))
	}, 0},
	{"visit-end", schema.RoleWorker, func(t *testing.T, x *testApp) {
		openOrFail(t, x, model.FormMeansVisit, pickID(t, x, `SELECT h.id FROM households h WHERE h.status = 'active'
			ORDER BY (SELECT count(*) FROM assets a WHERE a.household_id = h.id) DESC, h.id LIMIT 1`))
		s := x.Visible().(*visitScreen)
		s.memberRows[s.v.Members[0].ID].setOpen(true)
	}, 0.55},
	{"visit-sign", schema.RoleWorker, func(t *testing.T, x *testApp) {
		openOrFail(t, x, model.FormMeansVisit, "")
		sign(all[*kit.SignaturePad](x)[0])
	}, 1},
	{"visit-member", schema.RoleWorker, func(t *testing.T, x *testApp) {
		openOrFail(t, x, model.FormMeansVisit, "")
		s := x.Visible().(*visitScreen)
		test.Type(entryWithPlaceholder(t, x, "visit.address_placeholder"), "建设路8号")
		r := addMember(t, x, s, "李四", "410802197505050312")
		r.relationship.SetSelected(kit.Code("relationship", "self"))
		s.kit.Attempted = true
		s.kit.RefreshIssues()
	}, 0.1},
	{"spotcheck", schema.RoleWorker, func(t *testing.T, x *testApp) {
		openOrFail(t, x, model.FormSpotCheck, pickID(t, x, `SELECT h.id FROM households h JOIN means_visits v ON v.household_id = h.id
			WHERE h.status = 'active' ORDER BY h.id LIMIT 1`))
	}, 0},
	{"screening", schema.RoleWorker, func(t *testing.T, x *testApp) {
		openOrFail(t, x, model.FormScreening, pickID(t, x, `SELECT id FROM elders ORDER BY id LIMIT 1`))
	}, 0},
	{"screening-end", schema.RoleWorker, func(t *testing.T, x *testApp) {
		openOrFail(t, x, model.FormScreening, pickID(t, x, `SELECT id FROM elders ORDER BY id LIMIT 1`))
		s := x.Visible().(*screeningScreen)
		for _, it := range rules.BarthelItems() {
			s.barthel[it.Key].SetSelected(barthelOption(it.Key, it.Allowed[len(it.Allowed)/2]))
		}
	}, 1},
	{"volunteervisit", schema.RoleVolunteer, func(t *testing.T, x *testApp) {
		es, err := x.Env.Store.Elders(x.Env.Ctx(), x.Env.Me)
		if err != nil || len(es) == 0 {
			t.Fatalf("volunteer's elders: %v %v", es, err)
		}
		openOrFail(t, x, model.FormVolunteerVisit, es[0].ID)
	}, 0},
}

func openOrFail(t *testing.T, x *testApp, kind, subject string) {
	t.Helper()
	if err := x.OpenForm(kind, subject); err != nil {
		t.Fatal(err)
	}
}

func pickID(t *testing.T, x *testApp, q string) string {
	t.Helper()
	var id string
	if err := x.Env.Store.DB().QueryRow(q).Scan(&id); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

// TestFormScreensFitTheWindow opens every form on the demo district in
// both languages and both tablet orientations and checks that nothing on
// it reaches past the window's right edge (a layout too wide for portrait
// clips fields). With DOORSTEP_FORM_SHOTS set to a folder it also writes
// each screen there as PNG, to look at.
func TestFormScreensFitTheWindow(t *testing.T) {
	out := os.Getenv("DOORSTEP_FORM_SHOTS")
	defer setLanguage(kit.LangZhCN)
	for _, lng := range kit.Languages() {
		for _, role := range []schema.Role{schema.RoleWorker, schema.RoleVolunteer} {
			x := newTestApp(t, dirWithLanguage(t, lng), nil)
			startDemo(t, x, role)
			for _, shot := range formShots {
				if shot.role != role {
					continue
				}
				t.Run(lng+"/"+shot.name, func(t *testing.T) {
					shot.open(t, x)
					defer x.Back()
					for _, size := range []fyne.Size{fyne.NewSize(1280, 800), fyne.NewSize(800, 1280)} {
						x.Win.Resize(size)
						scrollForm(x, shot.scroll)
						img := x.Win.Canvas().Capture()
						checkFits(t, x, size)
						if out == "" {
							continue
						}
						name := filepath.Join(out, shot.name+"-"+lng+"-"+orientationName(size)+".png")
						f, err := os.Create(name)
						if err != nil {
							t.Fatal(err)
						}
						if err := png.Encode(f, img); err != nil {
							t.Fatal(err)
						}
						f.Close()
					}
				})
			}
			x.Close()
		}
	}
}

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

// scrollForm scrolls the visible form to frac (0 top, 1 bottom).
func scrollForm(x *testApp, frac float32) {
	if frac == 0 {
		return
	}
	for _, o := range all[*container.Scroll](x) {
		if o.Direction != container.ScrollVerticalOnly || o.Size().Width < 400 {
			continue
		}
		o.Offset.Y = frac * (o.Content.MinSize().Height - o.Size().Height)
		o.Refresh()
		return
	}
}

func orientationName(s fyne.Size) string {
	if s.Width >= s.Height {
		return "landscape"
	}
	return "portrait"
}

// checkFits fails when a visible object extends past the window's width.
func checkFits(t *testing.T, x *testApp, size fyne.Size) {
	t.Helper()
	d := fyne.CurrentApp().Driver()
	walk(x.Win.Content(), func(o fyne.CanvasObject) {
		pos := d.AbsolutePositionForObject(o)
		if right := pos.X + o.Size().Width; right > size.Width+1 {
			t.Errorf("%T at x=%.0f is %.0f wide: past the %.0f-wide window", o, pos.X, o.Size().Width, size.Width)
		}
	})
}
