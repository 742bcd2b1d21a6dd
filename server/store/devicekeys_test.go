package store

import (
	"bytes"
	"context"
	"testing"
	"time"

	"doorstep/schema"
	"doorstep/sync/client/api"
	"doorstep/sync/evidence"
)

func testKey(t *testing.T, b byte) evidence.Key {
	t.Helper()
	k, err := evidence.KeyFromSeed(bytes.Repeat([]byte{b}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestDeviceKeys: a device's key is registered once, listed by site for
// verification, and retired (RevokedAt) when the device is revoked; a
// re-enrolled tablet keeps its old key, retired, beside the new one.
func TestDeviceKeys(t *testing.T) { eachBackend(t, testDeviceKeys) }

func testDeviceKeys(t *testing.T) {
	s, clock := mustOpen(t)
	ctx := context.Background()
	w := mustAddUser(t, s, User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c1"}})
	const site = "0195f000-0000-7000-8000-0000000000aa"
	enroll := func() Enrollment {
		code, _, err := s.CreateEnrollCode(ctx, w.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		e, err := s.Enroll(ctx, code, "平板", site, 0)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	e := enroll()
	k1, k2 := testKey(t, 1), testKey(t, 2)
	if ks, err := s.DeviceKeys(ctx, site); err != nil || len(ks) != 0 {
		t.Fatalf("keys before registration: %v %v", ks, err)
	}
	wantCode(t, s.RegisterDeviceKey(ctx, e.Device.ID, "not a key"), api.CodeBadRequest)
	wantCode(t, s.RegisterDeviceKey(ctx, "nobody", evidence.EncodePublicKey(k1.Public())), api.CodeNotFound)
	if err := s.RegisterDeviceKey(ctx, e.Device.ID, evidence.EncodePublicKey(k1.Public())); err != nil {
		t.Fatal(err)
	}
	// The same key again changes nothing; another key is refused.
	if err := s.RegisterDeviceKey(ctx, e.Device.ID, evidence.EncodePublicKey(k1.Public())); err != nil {
		t.Errorf("same key again: %v", err)
	}
	wantCode(t, s.RegisterDeviceKey(ctx, e.Device.ID, evidence.EncodePublicKey(k2.Public())), api.CodeBadRequest)
	ks, err := s.DeviceKeys(ctx, site)
	if err != nil || len(ks) != 1 || !ks[0].Public.Equal(k1.Public()) || !ks[0].RevokedAt.IsZero() {
		t.Fatalf("keys of the site: %+v %v", ks, err)
	}
	if ks, err := s.DeviceKeys(ctx, "0195f000-0000-7000-8000-0000000000bb"); err != nil || len(ks) != 0 {
		t.Errorf("keys of another site: %+v %v", ks, err)
	}

	clock.Advance(time.Hour)
	revoked := clock.Now()
	if err := s.RevokeDevice(ctx, e.Device.ID); err != nil {
		t.Fatal(err)
	}
	ks, err = s.DeviceKeys(ctx, site)
	if err != nil || len(ks) != 1 || !ks[0].RevokedAt.Equal(revoked) {
		t.Fatalf("keys after revocation: %+v %v, want retired at %s", ks, err, revoked)
	}

	// Re-enrolled with a new key: both keys, the old one retired.
	clock.Advance(time.Hour)
	e2 := enroll()
	if err := s.RegisterDeviceKey(ctx, e2.Device.ID, evidence.EncodePublicKey(k2.Public())); err != nil {
		t.Fatal(err)
	}
	ks, err = s.DeviceKeys(ctx, site)
	if err != nil || len(ks) != 2 || !ks[0].Public.Equal(k1.Public()) || ks[0].RevokedAt.IsZero() ||
		!ks[1].Public.Equal(k2.Public()) || !ks[1].RevokedAt.IsZero() {
		t.Fatalf("keys after re-enrollment: %+v %v", ks, err)
	}
	all, err := s.DevicePublicKeys(ctx)
	if err != nil || len(all) != 2 || all[e.Device.ID] != evidence.EncodePublicKey(k1.Public()) {
		t.Errorf("DevicePublicKeys: %v %v", all, err)
	}
}
