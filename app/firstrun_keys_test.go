package app

import (
	"testing"

	"doorstep/app/kit"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"doorstep/schema"
	"doorstep/sync/client"
)

// TestFirstRunEnrollsFromTheKeyboard is the path `make demo` and its smoke
// test take: the app opens with a server and code filled in and the PIN
// field focused; typing the PIN, Enter, the PIN again and Enter enrolls
// against a real server process, with no pointer.
func TestFirstRunEnrollsFromTheKeyboard(t *testing.T) {
	srv := newRealServer(t)
	street := "street-keys"
	user := srv.addUser(t, "赵磊", "supervisor", "--street="+street)
	code := srv.enrollCode(t, user)
	srv.serve(t)

	if fyne.CurrentApp() == nil {
		test.NewTempApp(t)
	}
	x := New(fyne.CurrentApp(), Options{DataDir: t.TempDir(), DemoRef: testNow,
		NoBackground: true, Enroll: client.EnrollURI(srv.url, code)})
	if x.Err() != nil {
		t.Fatal(x.Err())
	}
	t.Cleanup(x.Close)

	c := x.win.Canvas()
	pin, ok := c.Focused().(*kit.NumericEntry)
	if !ok || pin.PlaceHolder != entryWithPlaceholder(t, x, "firstrun.pin").PlaceHolder {
		t.Fatalf("focused on start: %#v, want the PIN field", c.Focused())
	}
	enter := &fyne.KeyEvent{Name: fyne.KeyReturn}
	test.Type(c.Focused(), "2580")
	c.Focused().TypedKey(enter)
	again, ok := c.Focused().(*kit.NumericEntry)
	if !ok || again == pin {
		t.Fatalf("Enter in the PIN field focused %#v, want the repeat field", c.Focused())
	}
	test.Type(c.Focused(), "2580")
	c.Focused().TypedKey(enter)
	x.tasks.Wait()
	if got := x.Identity(); got.UserID != user || got.Role != schema.RoleSupervisor {
		t.Fatalf("after Enter the identity is %+v, want user %s enrolled", got, user)
	}
}
