package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/kit"
	"doorstep/app/records"
	"doorstep/schema"
)

// TestSyncBadgeGrowsWithItsText: when a sync fails, the badge's longer
// text (failed · waiting · never) is shown whole, in the error colour, in
// both orientations at every text size: the top bar is laid out again
// for it, the badge going under the title where there is no room beside
// it.
func TestSyncBadgeGrowsWithItsText(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `{"code":"internal"}`)
	}))
	defer srv.Close()
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	for _, ts := range kit.TextSizes() {
		if err := x.SetLook(kit.Theme{Text: ts}); err != nil {
			t.Fatal(err)
		}
		for _, size := range []fyne.Size{fyne.NewSize(1280, 800), fyne.NewSize(800, 1280)} {
			x.Window().Resize(size)
			ctx := context.Background()
			me, _, err := x.Store().Identity(ctx)
			if err != nil {
				t.Fatal(err)
			}
			before := x.shell.badge.btn.Size()
			me.Mode, me.ServerURL, me.Token = records.ModeServer, srv.URL, "t"
			if err := x.Store().SaveIdentity(ctx, me); err != nil {
				t.Fatal(err)
			}
			x.SyncOnce()
			b := x.shell.badge.btn
			if b.Importance != widget.DangerImportance {
				t.Fatalf("%s %v: after a failed sync the badge says %q in importance %v", ts.Name(), size, b.Text, b.Importance)
			}
			if b.Size().Width+0.5 < b.MinSize().Width {
				t.Errorf("%s %v: badge %q is %.0f wide, needs %.0f (was %.0f)", ts.Name(), size, b.Text,
					b.Size().Width, b.MinSize().Width, before.Width)
			}
			at := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
			if at.X+b.Size().Width > size.Width+1 {
				t.Errorf("%s %v: badge runs past the window's edge (%v + %.0f)", ts.Name(), size, at, b.Size().Width)
			}
			me.Mode, me.ServerURL, me.Token = records.ModeDemo, "", ""
			if err := x.Store().SaveIdentity(ctx, me); err != nil {
				t.Fatal(err)
			}
		}
	}
}
