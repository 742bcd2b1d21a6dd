package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"doorstep/schema"
	"doorstep/sync/client/api"
)

// testClock is an adjustable clock for tests.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// mustOpen opens a store of the test's backend (see eachBackend) with a
// test clock: a SQLite file in a temp dir, or a fresh PostgreSQL schema.
func mustOpen(tb testing.TB) (*Store, *testClock) {
	tb.Helper()
	clock := &testClock{t: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}
	s, err := Open(context.Background(), testDB(tb), Options{Now: clock.Now, BlobDir: filepath.Join(tb.TempDir(), "blobs")})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s, clock
}

func wantCode(tb testing.TB, err error, code api.Code) {
	tb.Helper()
	if got := api.ErrorCode(err); got != code {
		tb.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

func mustAddUser(tb testing.TB, s *Store, u User) User {
	tb.Helper()
	u, err := s.AddUser(context.Background(), u)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

func TestUsers(t *testing.T) { eachBackend(t, testUsers) }

func testUsers(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	w := mustAddUser(t, s, User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c2", "c1"}})
	if w.ID == "" {
		t.Fatal("no id assigned")
	}
	got, err := s.User(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "王芳" || got.Role != schema.RoleWorker || len(got.Communities) != 2 || got.Communities[0] != "c1" {
		t.Errorf("got %+v", got)
	}
	bad := []struct {
		name string
		u    User
	}{
		{"NoName", User{Role: schema.RoleWorker, Communities: []string{"c"}}},
		{"BadRole", User{Name: "x", Role: "boss"}},
		{"WorkerWithoutCommunity", User{Name: "x", Role: schema.RoleWorker}},
		{"VolunteerWithCommunity", User{Name: "x", Role: schema.RoleVolunteer, Communities: []string{"c"}}},
		{"SupervisorWithPairings", User{Name: "x", Role: schema.RoleSupervisor, Pairings: []string{"p"}}},
		{"AdminWithStreet", User{Name: "x", Role: schema.RoleAdmin, Street: "s"}},
		{"DuplicateID", User{ID: w.ID, Name: "x", Role: schema.RoleAdmin}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.AddUser(ctx, tc.u)
			wantCode(t, err, api.CodeBadRequest)
		})
	}
	u, err := s.SetScope(ctx, w.ID, "", []string{"c3"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Communities) != 1 || u.Communities[0] != "c3" {
		t.Errorf("after SetScope: %+v", u)
	}
	_, err = s.User(ctx, "nobody")
	wantCode(t, err, api.CodeNotFound)
	mustAddUser(t, s, User{Name: "管理员", Role: schema.RoleAdmin})
	us, err := s.Users(ctx)
	if err != nil || len(us) != 2 || us[0].Role != schema.RoleAdmin {
		t.Errorf("Users = %+v, %v", us, err)
	}
}

func TestEnroll(t *testing.T) { eachBackend(t, testEnroll) }

func testEnroll(t *testing.T) {
	s, clock := mustOpen(t)
	ctx := context.Background()
	w := mustAddUser(t, s, User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c1"}})
	v := mustAddUser(t, s, User{Name: "李雷", Role: schema.RoleVolunteer, Pairings: []string{"p1"}})
	admin := mustAddUser(t, s, User{Name: "管理员", Role: schema.RoleAdmin})

	_, _, err := s.CreateEnrollCode(ctx, admin.ID, time.Hour)
	wantCode(t, err, api.CodeForbiddenRole)
	_, _, err = s.CreateEnrollCode(ctx, "nobody", time.Hour)
	wantCode(t, err, api.CodeNotFound)

	code, _, err := s.CreateEnrollCode(ctx, w.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	const site = "0195f000-0000-7000-8000-000000000001"
	// Codes survive being typed sloppily.
	e, err := s.Enroll(ctx, " "+lower(code)+" ", "平板 1", site, 0)
	if err != nil {
		t.Fatal(err)
	}
	if e.User.ID != w.ID || e.Device.SiteID != site || len(e.Token) < 40 {
		t.Errorf("enrollment %+v", e)
	}
	if _, err := s.Enroll(ctx, code, "again", "", 0); api.ErrorCode(err) != api.CodeUnauthorized {
		t.Errorf("second use of a code: %v", err)
	}
	d, err := s.Authenticate(ctx, e.Token)
	if err != nil || d.ID != e.Device.ID {
		t.Fatalf("Authenticate = %+v, %v", d, err)
	}

	t.Run("ExpiredCode", func(t *testing.T) {
		c, _, err := s.CreateEnrollCode(ctx, w.ID, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		clock.Advance(2 * time.Minute)
		_, err = s.Enroll(ctx, c, "late", "", 0)
		wantCode(t, err, api.CodeUnauthorized)
	})
	t.Run("UnknownCode", func(t *testing.T) {
		_, err := s.Enroll(ctx, "AAAA-BBBB-CCCC", "x", "", 0)
		wantCode(t, err, api.CodeUnauthorized)
	})
	t.Run("BadSite", func(t *testing.T) {
		c, _, _ := s.CreateEnrollCode(ctx, w.ID, time.Hour)
		_, err := s.Enroll(ctx, c, "x", "0195F000-0000-7000-8000-000000000001", 0)
		wantCode(t, err, api.CodeBadRequest)
	})
	t.Run("SiteOfAnotherUser", func(t *testing.T) {
		c, _, _ := s.CreateEnrollCode(ctx, v.ID, time.Hour)
		_, err := s.Enroll(ctx, c, "x", site, 0)
		wantCode(t, err, api.CodeSiteMismatch)
	})
	t.Run("ReenrollSameSiteRevokesOld", func(t *testing.T) {
		c, _, _ := s.CreateEnrollCode(ctx, w.ID, time.Hour)
		e2, err := s.Enroll(ctx, c, "平板 1", site, 0)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Authenticate(ctx, e.Token)
		wantCode(t, err, api.CodeRevoked)
		if _, err := s.Authenticate(ctx, e2.Token); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ServerChosenSite", func(t *testing.T) {
		c, _, _ := s.CreateEnrollCode(ctx, v.ID, time.Hour)
		e3, err := s.Enroll(ctx, c, "手机", "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(e3.Device.SiteID) != 36 {
			t.Errorf("site %q", e3.Device.SiteID)
		}
	})
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func TestAuthenticate(t *testing.T) { eachBackend(t, testAuthenticate) }

func testAuthenticate(t *testing.T) {
	s, clock := mustOpen(t)
	ctx := context.Background()
	w := mustAddUser(t, s, User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c1"}})
	enroll := func(ttl time.Duration) Enrollment {
		c, _, err := s.CreateEnrollCode(ctx, w.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		e, err := s.Enroll(ctx, c, "tablet", "", ttl)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	short := enroll(time.Hour)
	forever := enroll(0)
	revoked := enroll(0)
	if err := s.RevokeDevice(ctx, revoked.Device.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeDevice(ctx, revoked.Device.ID); err != nil {
		t.Errorf("revoking twice: %v", err)
	}
	wantCode(t, s.RevokeDevice(ctx, "nope"), api.CodeNotFound)
	clock.Advance(2 * time.Hour)

	tests := []struct {
		name  string
		token string
		want  api.Code
	}{
		{"Valid", forever.Token, ""},
		{"Expired", short.Token, api.CodeExpired},
		{"Revoked", revoked.Token, api.CodeRevoked},
		{"Unknown", tokenPrefix + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", api.CodeUnauthorized},
		{"NotAToken", "hello", api.CodeUnauthorized},
		{"Empty", "", api.CodeUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Authenticate(ctx, tc.token)
			wantCode(t, err, tc.want)
		})
	}
	ds, err := s.Devices(ctx)
	if err != nil || len(ds) != 3 {
		t.Fatalf("Devices = %d, %v", len(ds), err)
	}
	if err := s.RecordSeen(ctx, map[string]Seen{forever.Device.ID: {At: clock.Now(), Cursor: "1.e.s.5"}}); err != nil {
		t.Fatal(err)
	}
	ds, _ = s.Devices(ctx)
	for _, d := range ds {
		if d.ID == forever.Device.ID && (d.LastCursor != "1.e.s.5" || !d.LastSeen.Equal(clock.Now())) {
			t.Errorf("after RecordSeen: %+v", d)
		}
	}
}

// TestTokensStoredHashed: the database never holds a token or code in clear.
func TestTokensStoredHashed(t *testing.T) { eachBackend(t, testTokensStoredHashed) }

func testTokensStoredHashed(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	w := mustAddUser(t, s, User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c1"}})
	code, _, _ := s.CreateEnrollCode(ctx, w.ID, time.Hour)
	e, err := s.Enroll(ctx, code, "tablet", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`SELECT count(*) FROM devices WHERE token_hash = ?`, `SELECT count(*) FROM enroll_codes WHERE code_hash = ?`} {
		for _, secret := range []string{e.Token, code, normalizeCode(code)} {
			var n int
			if err := s.db.QueryRow(q, secret).Scan(&n); err != nil || n != 0 {
				t.Errorf("%s with a clear secret: %d, %v", q, n, err)
			}
		}
	}
	if len(e.Token) != len(tokenPrefix)+43 {
		t.Errorf("token %q does not carry 256 bits", e.Token)
	}
}

func TestAccess(t *testing.T) { eachBackend(t, testAccess) }

func testAccess(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	err := s.Write(ctx, "", func(tx *sql.Tx) error {
		for _, q := range []string{
			`INSERT INTO communities(id, street_id, name) VALUES ('c1', 's1', 'A'), ('c2', 's1', 'B'), ('c3', 's2', 'C')`,
			`INSERT INTO volunteer_pairings(id, elder_id, community_id) VALUES ('p1', 'e1', 'c1'), ('p2', 'e2', 'c2')`,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sup := mustAddUser(t, s, User{Name: "街道", Role: schema.RoleSupervisor, Street: "s1", Communities: []string{"c9"}})
	a, err := s.Access(ctx, sup.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Communities["c1"] || !a.Communities["c2"] || a.Communities["c3"] || !a.Communities["c9"] {
		t.Errorf("street supervisor communities %v", a.Communities)
	}
	vol := mustAddUser(t, s, User{Name: "志愿者", Role: schema.RoleVolunteer, Pairings: []string{"p1", "p7"}})
	a, err = s.Access(ctx, vol.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Elders["e1"] || a.Elders["e2"] || !a.Pairings["p7"] || a.PairingCommunity["p1"] != "c1" {
		t.Errorf("volunteer access %+v", a)
	}
	if _, err := s.Access(ctx, "nobody"); api.ErrorCode(err) != api.CodeNotFound {
		t.Errorf("unknown user: %v", err)
	}

	// Caller, what every device request does first, finds the device of a
	// token and resolves its user's access as Access does.
	for _, u := range []User{sup, vol} {
		code, _, err := s.CreateEnrollCode(ctx, u.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		e, err := s.Enroll(ctx, code, "平板", "", 0)
		if err != nil {
			t.Fatal(err)
		}
		want, err := s.Access(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		d, got, err := s.Caller(ctx, e.Token)
		if err != nil || d.ID != e.Device.ID || d.UserID != u.ID || !reflect.DeepEqual(got, want) {
			t.Errorf("Caller of %s's device = %+v, %+v, %v; want device %s and %+v", u.Name, d, got, err, e.Device.ID, want)
		}
		if err := s.RevokeDevice(ctx, e.Device.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = s.Caller(ctx, e.Token)
		wantCode(t, err, api.CodeRevoked)
	}
	_, _, err = s.Caller(ctx, tokenPrefix+"unknown")
	wantCode(t, err, api.CodeUnauthorized)
}
