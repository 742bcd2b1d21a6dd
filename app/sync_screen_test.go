package app

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"doorstep/app/kit"
	"doorstep/schema"
	"doorstep/server/store"
	"doorstep/sync/client/api"
)

// TestSyncScreenShowsProgressLastSyncAndWaiting: the Sync screen counts
// the changes waiting, shows a progress bar only while a round runs, and
// the time of the last successful sync.
func TestSyncScreenShowsProgressLastSyncAndWaiting(t *testing.T) {
	srv := newSyncServer(t)
	code, _ := srv.code(t, store.User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{idC1}})
	x := newTestApp(t, "", nil)
	enroll(t, x, srv.url, code)
	if _, err := x.store.DB().Exec(`UPDATE households SET address = '民主路1号' WHERE id = ?`, idH1); err != nil {
		t.Fatal(err)
	}
	if _, err := x.store.DB().Exec(`INSERT INTO elders(id, community_id, name) VALUES (?, ?, '孙奶奶')`, newRecordID(), idC1); err != nil {
		t.Fatal(err)
	}
	test.Tap(button(t, x, "nav.sync"))
	s := x.shell.visible().(*syncScreen)
	if !onScreen(x, tr("sync.never")) || !onScreen(x, tr2("sync.pending", "Count", 1)) || s.progress.Visible() {
		t.Fatalf("before the first sync: %q, progress shown %v", texts(x), s.progress.Visible())
	}
	if !onScreen(x, tr("sync.auto")) {
		t.Errorf("the Screen does not say it syncs automatically: %q", texts(x))
	}
	s.show(syncStatus{State: syncRunning, Progress: 0.4})
	if !s.progress.Visible() || s.progress.Value != 0.4 || !s.now.Disabled() {
		t.Fatalf("while syncing: progress shown %v at %v, button disabled %v", s.progress.Visible(), s.progress.Value, s.now.Disabled())
	}
	x.sync.runOnce(context.Background())
	last := testNow.Local().Format("2006-01-02 15:04")
	if !onScreen(x, tr2("sync.last", "Time", last)) || !onScreen(x, tr2("sync.pending", "Count", 0)) ||
		s.progress.Visible() || !onScreen(x, tr("sync.status.synced")) {
		t.Fatalf("after a sync: %q", texts(x))
	}
}

// TestEveryServerErrorHasItsOwnMessage: each API error code has a
// message of its own in each language, different between the languages.
func TestEveryServerErrorHasItsOwnMessage(t *testing.T) {
	defer setLanguage(kit.LangZhCN)
	server := testNow.Add(-time.Hour)
	byLang := map[string]map[api.Code]string{}
	for _, l := range kit.Languages() {
		setLanguage(l)
		byLang[l] = map[api.Code]string{}
		seen := map[string]api.Code{}
		for _, c := range api.Codes() {
			msg := syncErrorText(&api.Error{Code: c, ServerTime: &server, RetryAfter: 30 * time.Second}, testNow)
			if msg == "" || msg == "sync.error."+string(c) {
				t.Errorf("%s: no message for %s", l, c)
			}
			if c != api.CodeInternal && msg == tr("sync.error.internal") {
				t.Errorf("%s: %s falls back to the internal error message", l, c)
			}
			if other, dup := seen[msg]; dup {
				t.Errorf("%s: %s and %s share the message %q", l, c, other, msg)
			}
			seen[msg] = c
			byLang[l][c] = msg
		}
	}
	for _, c := range api.Codes() {
		if byLang[kit.LangZhCN][c] == byLang[kit.LangEn][c] {
			t.Errorf("%s: the same message in both languages: %q", c, byLang[kit.LangEn][c])
		}
	}
}
