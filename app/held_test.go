package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"doorstep/app/kit"
	"doorstep/schema"
	"doorstep/server/store"
	"doorstep/sync/client/api"
	"doorstep/sync/replica"
)

// TestSyncScreenShowsHeldRowsAndTryAgainReleasesThem: rows the server
// refused are listed on the Sync screen by the household head's or
// elder's name with the reason in the user's words, are not counted as
// waiting, and "Try again" puts them back into the outbox, so the next
// round pushes them. With DOORSTEP_SYNC_SHOTS set to a folder it also
// writes the screen there as PNG, to look at.
func TestSyncScreenShowsHeldRowsAndTryAgainReleasesThem(t *testing.T) {
	out := os.Getenv("DOORSTEP_SYNC_SHOTS")
	defer setLanguage(kit.LangZhCN)
	for _, lng := range kit.Languages() {
		t.Run(lng, func(t *testing.T) {
			ctx := context.Background()
			srv := newSyncServer(t)
			code, _ := srv.code(t, store.User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{idC1}})
			x := newTestApp(t, dirWithLanguage(t, lng), nil)
			enroll(t, x, srv.url, code)
			db := x.store.DB()
			household := newRecordID()
			if _, err := db.Exec(`INSERT INTO households(id, community_id, head_name, address) VALUES (?, ?, '赵六', '民主路3号')`, household, idC1); err != nil {
				t.Fatal(err)
			}
			elder := newRecordID()
			if _, err := db.Exec(`INSERT INTO elders(id, community_id, name) VALUES (?, ?, '孙奶奶')`, elder, idC1); err != nil {
				t.Fatal(err)
			}
			set, err := x.dev.rep.Outbox(ctx, pushBatch)
			if err != nil || set.Batch == "" {
				t.Fatalf("outbox: %+v, %v", set, err)
			}
			for _, h := range []struct {
				row  replica.RowRef
				code api.Code
			}{
				{replica.RowRef{Table: "households", ID: household}, api.CodeForbiddenScope},
				{replica.RowRef{Table: "elders", ID: elder}, api.CodeForbiddenRole},
			} {
				// Each hold drops the batch; the next one is formed anew.
				set, err := x.dev.rep.Outbox(ctx, pushBatch)
				if err != nil {
					t.Fatal(err)
				}
				if n, err := x.dev.rep.Hold(ctx, set.Batch, []replica.RowRef{h.row}, string(h.code), "refused"); err != nil || n != 1 {
					t.Fatalf("hold %v: %d, %v", h.row, n, err)
				}
			}

			test.Tap(button(t, x, "nav.sync"))
			s := x.shell.visible().(*syncScreen)
			at := tr2("sync.held.at", "Time", testNow.Local().Format("2006-01-02 15:04"))
			for _, want := range []string{
				tr("sync.held.title"), tr("sync.held.note"), at,
				tr("desk.table.households") + " · 赵六",
				syncErrorText(&api.Error{Code: api.CodeForbiddenScope}, testNow),
				tr("desk.table.elders") + " · 孙奶奶",
				syncErrorText(&api.Error{Code: api.CodeForbiddenRole}, testNow),
				lang.L("sync.pending_held", map[string]any{"Count": 0, "Held": 2}),
			} {
				if !onScreen(x, want) {
					t.Errorf("%q not on the Sync screen: %q", want, texts(x))
				}
			}
			if out != "" {
				x.win.Resize(fyne.NewSize(1280, 800))
				writePNG(t, filepath.Join(out, "sync-held-"+lng+".png"), x)
			}

			test.Tap(button(t, x, "sync.held.retry"))
			if held, err := x.dev.rep.Held(ctx); err != nil || len(held) != 0 {
				t.Fatalf("after Try again, held rows %+v, %v", held, err)
			}
			if onScreen(x, tr("sync.held.title")) || !onScreen(x, tr2("sync.pending", "Count", 2)) {
				t.Fatalf("after Try again: %q", texts(x))
			}
			// The server takes the released rows this time (they are in the
			// worker's community): nothing waits any more.
			x.sync.runOnce(ctx)
			if s.held.card.Visible() || !onScreen(x, tr2("sync.pending", "Count", 0)) || !onScreen(x, tr("sync.status.synced")) {
				t.Fatalf("after the next sync: %q", texts(x))
			}
			var name string
			if err := srv.store.DB().QueryRow(`SELECT head_name FROM households WHERE id = ?`, household).Scan(&name); err != nil || name != "赵六" {
				t.Fatalf("server has the household's head as %q, %v", name, err)
			}
		})
	}
}
