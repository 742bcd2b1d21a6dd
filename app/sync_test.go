package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/kit"
	"doorstep/app/records"
	"doorstep/schema"
	"doorstep/server"
	"doorstep/server/store"
	"doorstep/sync/client/api"
)

// Row ids on the wire are canonical UUIDs.
const (
	idS1 = "00000000-0000-7000-8000-000000000501"
	idC1 = "00000000-0000-7000-8000-000000000c01"
	idC2 = "00000000-0000-7000-8000-000000000c02"
	idH1 = "00000000-0000-7000-8000-000000000401"
	idH2 = "00000000-0000-7000-8000-000000000402"
	idM1 = "00000000-0000-7000-8000-000000000301"
)

// syncServer is the real sync server on a temp database behind httptest,
// holding two communities' households (c1 and c2).
type syncServer struct {
	store *store.Store
	url   string
}

func newSyncServer(t *testing.T) *syncServer {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "server.db"), store.Options{Now: testNow.UTC})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.StartEpoch(ctx); err != nil {
		t.Fatal(err)
	}
	srv := server.New(st, server.Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return testNow })
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); st.Close() })
	for _, q := range []string{
		`INSERT INTO streets(id, name) VALUES ('` + idS1 + `', '解放街道')`,
		`INSERT INTO communities(id, street_id, name) VALUES ('` + idC1 + `', '` + idS1 + `', '民主社区'),
			('` + idC2 + `', '` + idS1 + `', '焦东社区')`,
		`INSERT INTO households(id, community_id, ref_code, address, head_name, status, class, recheck_due)
			VALUES ('` + idH1 + `', '` + idC1 + `', 'JF-1', '民主路1号', '张三', 'active', 'B', '2025-07-10'),
			       ('` + idH2 + `', '` + idC2 + `', 'JF-2', '焦东路2号', '李四', 'active', 'A', '2025-07-10')`,
		`INSERT INTO members(id, household_id, community_id, name, counted) VALUES ('` + idM1 + `', '` + idH1 + `', '` + idC1 + `', '张三', 1)`,
	} {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return &syncServer{store: st, url: ts.URL}
}

// code makes a one-time enrollment code for a new user.
func (s *syncServer) code(t *testing.T, u store.User) (string, store.User) {
	t.Helper()
	u, err := s.store.AddUser(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	code, _, err := s.store.CreateEnrollCode(context.Background(), u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return code, u
}

// enroll goes through first run with the server's address and code.
func enroll(t *testing.T, x *App, url, code string) {
	t.Helper()
	test.Type(entryWithPlaceholder(t, x, "firstrun.pin"), "2580")
	test.Type(entryWithPlaceholder(t, x, "firstrun.pin_again"), "2580")
	server := find(t, x, func(e *widget.Entry) bool { return e.PlaceHolder == "https://sync.example.org" })
	test.Type(server, url)
	test.Type(entryWithPlaceholder(t, x, "firstrun.code_hint"), code)
	test.Tap(button(t, x, "firstrun.enroll"))
	x.tasks.Wait()
}

func TestEnrollAndSync(t *testing.T) {
	srv := newSyncServer(t)
	code, u := srv.code(t, store.User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{idC1}})
	x := newTestApp(t, "", nil)
	enroll(t, x, srv.url, code)
	me := x.Identity()
	if me.Mode != records.ModeServer || me.UserID != u.ID || me.Role != schema.RoleWorker || me.Token == "" ||
		!slices.Equal(me.Communities, []string{idC1}) {
		t.Fatalf("identity after enrollment: %+v", me)
	}
	if x.shell == nil || !onScreen(x, "王芳") {
		t.Fatalf("not signed in after enrollment: %q", texts(x))
	}
	x.sync.runOnce(context.Background())
	if st := x.sync.current(); st.State != syncOK {
		t.Fatalf("sync state %q (%s)", st.State, st.Message)
	}
	// The worker's device got c1's household and nothing of c2.
	test.Tap(button(t, x, "nav.households"))
	if n := shownList(t, x).Length(); n != 1 || !onScreen(x, "张三") {
		t.Fatalf("households after sync: %d listed; texts %q", n, texts(x))
	}
}

func TestEnrollWithABadCodeSaysWhyAndKeepsInput(t *testing.T) {
	srv := newSyncServer(t)
	x := newTestApp(t, "", nil)
	enroll(t, x, srv.url, "WRONG-CODE")
	if x.Identity().Role != "" {
		t.Fatal("enrolled with a wrong code")
	}
	if !onScreen(x, tr("sync.error.unauthorized")) {
		t.Fatalf("no translated message for a bad code: %q", texts(x))
	}
	if e := entryWithPlaceholder(t, x, "firstrun.code_hint"); e.Text != "WRONG-CODE" {
		t.Fatalf("code field now %q", e.Text)
	}
}

// TestRevokedDeviceIsTold: a revoked device says why as it wipes itself
// (TestRevokedDeviceWipesItself checks the wipe against the real server
// process).
func TestRevokedDeviceIsTold(t *testing.T) {
	srv := newSyncServer(t)
	code, _ := srv.code(t, store.User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{idC1}})
	x := newTestApp(t, "", nil)
	enroll(t, x, srv.url, code)
	if err := srv.store.RevokeDevice(context.Background(), x.Identity().DeviceID); err != nil {
		t.Fatal(err)
	}
	test.Tap(button(t, x, "nav.sync"))
	x.sync.runOnce(context.Background())
	if !onScreen(x, tr("wipe.revoked")) || x.Identity().Role != "" {
		t.Fatalf("after revocation: identity %+v, %q", x.Identity(), texts(x))
	}
}

func TestSyncErrorMessages(t *testing.T) {
	for _, lang := range kit.Languages() {
		setLanguage(lang)
		for _, c := range api.Codes() {
			msg := syncErrorText(&api.Error{Code: c}, testNow)
			if msg == "" || msg == "sync.error."+string(c) {
				t.Errorf("%s: no message for %s", lang, c)
			}
		}
	}
	setLanguage(kit.LangZhCN)
	server := testNow.Add(-time.Hour)
	msg := syncErrorText(&api.Error{Code: api.CodeClockAhead, ServerTime: &server}, testNow)
	if !strings.Contains(msg, server.Local().Format("2006-01-02 15:04")) {
		t.Errorf("clock_ahead message %q lacks the server's time", msg)
	}
}

// TestTwoDevicesExchangeAVisit: a visit recorded on one worker's device
// appears in the household's history on another's after both sync through
// the real server.
func TestTwoDevicesExchangeAVisit(t *testing.T) {
	srv := newSyncServer(t)
	codeA, wa := srv.code(t, store.User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{idC1}})
	codeB, _ := srv.code(t, store.User{Name: "李娜", Role: schema.RoleWorker, Communities: []string{idC1}})
	a := newTestApp(t, "", nil)
	enroll(t, a, srv.url, codeA)
	b := newTestApp(t, "", nil)
	enroll(t, b, srv.url, codeB)
	ctx := context.Background()

	// A photo, stored as the forms store attachments: a file named by its hash.
	photo := []byte("\x89PNG fake photo of the kitchen")
	sum := sha256.Sum256(photo)
	hash := hex.EncodeToString(sum[:])
	if err := os.MkdirAll(filepath.Join(a.opts.DataDir, "blobs"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(a.opts.DataDir, "blobs", hash), photo, 0o600); err != nil {
		t.Fatal(err)
	}
	visit := newRecordID()
	if _, err := a.store.DB().ExecContext(ctx, `INSERT INTO means_visits(id, household_id, community_id, purpose, method,
		started_at, staff_ids, photos, per_capita_fen, benefit_fen, eligible, state, submitted_at, author_id)
		VALUES (?, ?, ?, 'recheck', 'home', '2025-07-01T01:30:00Z', '[]', ?, 41000, 61000, 1, 'submitted', '2025-07-01T02:00:00Z', ?)`,
		visit, idH1, idC1, `["`+hash+`"]`, wa.ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := a.dev.pending(ctx); n == 0 {
		t.Fatal("the new visit is not waiting to be pushed")
	}
	a.sync.runOnce(ctx)
	if st := a.sync.current(); st.State != syncOK {
		t.Fatalf("device A sync: %+v", st)
	}
	if n, _ := a.dev.pending(ctx); n != 0 {
		t.Fatalf("%d changes still waiting after a successful sync", n)
	}
	if up, _ := a.store.UploadedBlobs(ctx); !up[hash] {
		t.Fatal("the photo was not uploaded")
	}
	f, err := srv.store.OpenBlob(ctx, hash)
	if err != nil {
		t.Fatalf("the server lacks the photo: %v", err)
	}
	f.Close()
	b.sync.runOnce(ctx)
	if st := b.sync.current(); st.State != syncOK {
		t.Fatalf("device B sync: %+v", st)
	}
	b.OpenHousehold(idH1)
	h, err := b.store.Household(ctx, b.me, idH1)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.shell.stack) != 1 || len(h.Visits) != 1 || h.Visits[0].ID != visit {
		t.Fatalf("device B's history of the household: %+v", h.Visits)
	}
	if !onScreen(b, tr("code.purpose.recheck")) {
		t.Fatalf("device B does not show the visit: %q", texts(b))
	}
	// The photo is not on device B until the visit is shown: then it is
	// downloaded from the server and never uploaded back.
	if fileExists(b.env.Blobs().Path(hash)) {
		t.Fatal("device B holds the photo before anything showed it")
	}
	// Tap the visit in the household's history.
	test.Tap(find(t, b, func(*kit.TapRow) bool { return true }))
	b.tasks.Wait()
	if !fileExists(b.env.Blobs().Path(hash)) {
		t.Fatalf("showing the visit did not download its photo: %q", texts(b))
	}
	if got, _ := os.ReadFile(b.env.Blobs().Path(hash)); string(got) != string(photo) {
		t.Fatalf("downloaded photo %q", got)
	}
	if up, _ := b.store.UploadedBlobs(ctx); !up[hash] {
		t.Error("device B would upload the downloaded photo back")
	}
	if onScreen(b, tr("attachment.loading")) || onScreen(b, tr("attachment.unavailable")) {
		t.Errorf("the photo still shows a note: %q", texts(b))
	}
}

// TestAttachmentNotAvailableOffline: a demo device missing a visit's photo
// says so instead of showing nothing.
func TestAttachmentNotAvailableOffline(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleSupervisor)
	img := x.env.BlobImage(strings.Repeat("ab", 32), fyne.NewSize(160, 120))
	x.win.SetContent(img)
	if !onScreen(x, tr("attachment.unavailable")) {
		t.Fatalf("a missing attachment on a demo device shows %q", texts(x))
	}
}

func TestSettingsMoveServer(t *testing.T) {
	srv := newSyncServer(t)
	code, _ := srv.code(t, store.User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{idC1}})
	x := newTestApp(t, "", nil)
	enroll(t, x, srv.url, code)
	test.Tap(button(t, x, "nav.settings"))
	s := x.shell.visible().(*settingsScreen)
	s.address.SetText("http://127.0.0.1:1") // nothing listens there
	test.Tap(s.moveBtn)
	x.tasks.Wait()
	if x.Identity().ServerURL != srv.url || !onScreen(x, tr("sync.error.unreachable")) {
		t.Fatalf("an unreachable address was taken: %q, Screen %q", x.Identity().ServerURL, texts(x))
	}
	moved := strings.Replace(srv.url, "127.0.0.1", "localhost", 1)
	s.address.SetText(moved)
	test.Tap(s.moveBtn)
	x.tasks.Wait()
	if me, _, _ := x.store.Identity(context.Background()); me.ServerURL != moved || x.Identity().ServerURL != moved {
		t.Fatalf("server address now %q, want %q", me.ServerURL, moved)
	}
}
