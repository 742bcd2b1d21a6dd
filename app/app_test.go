package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/kit"
	"doorstep/app/kit/kittest"
	"doorstep/app/records"
	"doorstep/schema"
	"doorstep/sync/replica"
)

func TestFirstRunShowsAndRefusesABadPIN(t *testing.T) {
	x := newTestApp(t, "", nil)
	if x.win.Title() != "入户通" {
		t.Errorf("window title %q, want 入户通 (zh-CN is the default)", x.win.Title())
	}
	test.Type(entryWithPlaceholder(t, x, "firstrun.pin"), "12")
	test.Tap(button(t, x, "firstrun.demo"))
	if !onScreen(x, tr("pin.invalid")) {
		t.Fatalf("a 2-digit PIN was accepted; screen: %q", texts(x))
	}
	if x.Identity().Role != "" {
		t.Fatal("the demo started despite the bad PIN")
	}
	// Nothing typed is lost.
	if e := entryWithPlaceholder(t, x, "firstrun.pin"); e.Text != "12" {
		t.Fatalf("PIN field now %q", e.Text)
	}
}

func TestLanguageSwitchOnFirstRunKeepsInput(t *testing.T) {
	x := newTestApp(t, "", nil)
	test.Type(entryWithPlaceholder(t, x, "firstrun.pin"), "2580")
	sel := find(t, x, func(s *widget.Select) bool { return s.Selected == lang.L("settings.language.zh-CN") })
	sel.SetSelectedIndex(1) // English
	if x.win.Title() != "Doorstep" {
		t.Fatalf("title after switching to English: %q", x.win.Title())
	}
	if !onScreen(x, "Enroll this device") {
		t.Fatalf("first run not in English: %q", texts(x))
	}
	if e := entryWithPlaceholder(t, x, "firstrun.pin"); e.Text != "2580" {
		t.Fatalf("PIN typed before the switch is now %q", e.Text)
	}
	setLanguage(kit.LangZhCN)
}

// TestVolunteerSeesNoIncome: a volunteer's navigation, screens and device
// database hold no household, income, asset or ID-number data.
func TestVolunteerSeesNoIncome(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleVolunteer)
	for _, b := range all[*widget.Button](x) {
		if b.Text == tr("nav.households") {
			t.Fatal("a volunteer has the Households screen")
		}
	}
	forbidden := []string{tr("household.income"), tr("household.assets"), tr("code.income.wages"), "身份证"}
	visit := func(name string) {
		for _, txt := range texts(x) {
			for _, f := range forbidden {
				if strings.Contains(txt, f) {
					t.Errorf("%s shows %q (%q)", name, f, txt)
				}
			}
			if idNumberLike(txt) {
				t.Errorf("%s shows an ID number: %q", name, txt)
			}
		}
	}
	for _, key := range []string{"nav.today", "nav.elders", "nav.sync", "nav.settings"} {
		test.Tap(button(t, x, key))
		visit(key)
	}
	test.Tap(button(t, x, "nav.elders"))
	el := shownList(t, x)
	if el.Length() == 0 {
		t.Fatal("the volunteer has no elders")
	}
	el.Select(0)
	visit("elder")
	for _, table := range []string{"households", "members", "incomes", "assets", "means_visits", "elder_screenings"} {
		var n int
		if err := x.store.DB().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("the volunteer's database holds %d %s rows", n, table)
		}
	}
}

// idNumberLike reports whether s contains 17 digits in a row (an ID number).
func idNumberLike(s string) bool {
	run := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			run++
			if run >= 17 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

func TestIdleLockHidesRecords(t *testing.T) {
	c := &clock{t: testNow}
	x := newTestApp(t, "", c)
	startDemo(t, x, schema.RoleWorker)
	if err := x.store.SetIdleLock(context.Background(), 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	c.add(time.Minute)
	x.checkIdle()
	if x.Locked() {
		t.Fatal("locked after 1 minute with a 2-minute idle lock")
	}
	c.add(90 * time.Second)
	x.checkIdle()
	if !x.Locked() {
		t.Fatal("not locked after 2.5 idle minutes")
	}
	if onScreen(x, tr("nav.households")) || onScreen(x, x.Identity().Communities[0]) {
		t.Fatal("records visible behind the lock")
	}
	pin := kittest.EntryWhere(t, x, func(e *widget.Entry) bool { return e.Password })
	test.Type(pin, "1111")
	test.Tap(button(t, x, "lock.unlock"))
	if !x.Locked() || !onScreen(x, tr("lock.wrong_pin")) {
		t.Fatal("a wrong PIN unlocked the app or said nothing")
	}
	test.Type(pin, "2580")
	test.Tap(button(t, x, "lock.unlock"))
	if x.Locked() || !onScreen(x, tr("nav.households")) {
		t.Fatal("the right PIN did not unlock")
	}
}

// TestDraftSurvivesRestart: a draft saved as the user types is there after
// the app object is closed and a new one opened on the same data.
func TestDraftSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	x := newTestApp(t, dir, nil)
	startDemo(t, x, schema.RoleWorker)
	data, _ := json.Marshal(map[string]string{"neighbour_notes": "邻居说户主常年卧病"})
	if err := x.store.SaveDraft(context.Background(), records.Draft{Form: "means_visit", RecordID: "r-1", SubjectID: "h-1", Title: "张三", Data: data}); err != nil {
		t.Fatal(err)
	}
	x.Close()

	y := newTestApp(t, dir, nil)
	if !y.Locked() {
		t.Fatal("a restarted app with a PIN does not start locked")
	}
	y.unlock()
	d, err := y.store.Draft(context.Background(), "means_visit", "r-1")
	if err != nil || string(d.Data) != string(data) {
		t.Fatalf("draft after restart = %s, %v; want %s", d.Data, err, data)
	}
	if y.shell.current != "nav.today" || !listShows(t, y, "张三", tr("today.kind."+records.TodayDraft)) {
		t.Fatal("Today does not list the unfinished draft")
	}
}

func TestSettingsSwitchLanguage(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	test.Tap(button(t, x, "nav.settings"))
	s := x.shell.visible().(*settingsScreen)
	s.language.SetSelectedIndex(1)
	defer setLanguage(kit.LangZhCN)
	if x.win.Title() != "Doorstep" || !onScreen(x, "Households") {
		t.Fatalf("not English after switching: %q", texts(x))
	}
	if v, _, _ := x.store.Setting(context.Background(), records.SettingLanguage); v != kit.LangEn {
		t.Fatalf("language setting %q", v)
	}
}

func TestCodeListsTranslated(t *testing.T) {
	for _, code := range kit.Languages() {
		setLanguage(code)
		for list, values := range kit.CodeLists {
			for _, v := range values {
				key := "code." + list + "." + v
				if lang.L(key) == key {
					t.Errorf("%s: no translation for %s", code, key)
				}
			}
		}
		for _, r := range schema.Roles {
			if kit.RoleName(r) == "role."+string(r) {
				t.Errorf("%s: no translation for role %s", code, r)
			}
		}
	}
	setLanguage(kit.LangZhCN)
}

// TestNewerDataRefused: a tablet whose database a newer release of the app
// made (an app downgraded) does not open it, says in the user's language
// to install that release, and leaves the data as it was.
func TestNewerDataRefused(t *testing.T) {
	dir := t.TempDir()
	x := newTestApp(t, dir, nil)
	startDemo(t, x, schema.RoleWorker)
	var households int
	if err := x.dev.DB().QueryRow(`SELECT count(*) FROM households`).Scan(&households); err != nil || households == 0 {
		t.Fatalf("demo households: %d %v", households, err)
	}
	if _, err := x.dev.DB().Exec(`INSERT INTO schema_migrations(version, name) VALUES (99999, '99999_later.sql')`); err != nil {
		t.Fatal(err)
	}
	x.Close()

	y := New(fyne.CurrentApp(), Options{DataDir: dir, Now: func() time.Time { return testNow }, NoBackground: true})
	defer y.Close()
	if !errors.Is(y.Err(), replica.ErrNewerSchema) {
		t.Fatalf("opening a newer database: %v", y.Err())
	}
	if !onScreen(y, tr("error.newer_data")) || strings.Contains(strings.Join(texts(y), " "), "99999") {
		t.Errorf("screen: %q", texts(y))
	}

	db, err := sql.Open("sqlite", filepath.Join(dir, "device.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var after int
	if err := db.QueryRow(`SELECT count(*) FROM households`).Scan(&after); err != nil || after != households {
		t.Errorf("households after the refused open: %d %v, want %d", after, err, households)
	}
}

// TestOpenFailureTranslated: when the device database cannot be opened
// for any other reason (here the data folder is a file), the screen says
// what to do in the user's language; the error itself is only under the
// folded technical details.
func TestOpenFailureTranslated(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if fyne.CurrentApp() == nil {
		test.NewTempApp(t)
	}
	x := New(fyne.CurrentApp(), Options{DataDir: file, Now: func() time.Time { return testNow }, NoBackground: true})
	defer x.Close()
	if x.Err() == nil {
		t.Fatal("a data folder that is a file opened")
	}
	if !onScreen(x, tr("error.open_db")) || !onScreen(x, tr("error.details")) {
		t.Errorf("screen: %q", texts(x))
	}
	if strings.Contains(strings.Join(texts(x), " "), x.Err().Error()) {
		t.Errorf("the raw error is on the screen unfolded: %q", texts(x))
	}
	acc := find[*widget.Accordion](t, x, func(*widget.Accordion) bool { return true })
	acc.Open(0)
	if !strings.Contains(strings.Join(texts(x), " "), x.Err().Error()) {
		t.Errorf("the technical details do not hold the error: %q", texts(x))
	}
}
