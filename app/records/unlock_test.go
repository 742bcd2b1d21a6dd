package records

import (
	"context"
	"testing"
	"time"
)

func TestUnlockThrottlesWrongPINs(t *testing.T) {
	now := refNow
	s := mustStore(t)
	s.now = func() time.Time { return now }
	ctx := context.Background()
	if err := s.SetPIN(ctx, "2580"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < PINFreeAttempts; i++ {
		if ok, wait, err := s.Unlock(ctx, "0000"); ok || wait != 0 || err != nil {
			t.Fatalf("wrong PIN %d: %v %v %v; want free tries", i, ok, wait, err)
		}
	}
	if ok, wait, err := s.Unlock(ctx, "0000"); ok || wait != PINFirstWait || err != nil {
		t.Fatalf("wrong PIN %d: %v %v %v; want a %v wait", PINFreeAttempts, ok, wait, err, PINFirstWait)
	}
	// While waiting even the right PIN is not checked.
	now = now.Add(10 * time.Second)
	if ok, wait, err := s.Unlock(ctx, "2580"); ok || wait != 20*time.Second || err != nil {
		t.Fatalf("right PIN while waiting: %v %v %v", ok, wait, err)
	}
	// A store reopened on the same database (the app restarted) still waits.
	again := New(s.db, func() time.Time { return now })
	if ok, wait, _ := again.Unlock(ctx, "2580"); ok || wait != 20*time.Second {
		t.Fatalf("after a restart: %v %v", ok, wait)
	}
	now = now.Add(20 * time.Second)
	if ok, wait, _ := s.Unlock(ctx, "1111"); ok || wait != 2*PINFirstWait {
		t.Fatalf("the next wrong PIN waits %v, want %v", wait, 2*PINFirstWait)
	}
	now = now.Add(2 * PINFirstWait)
	if ok, wait, err := s.Unlock(ctx, "2580"); !ok || wait != 0 || err != nil {
		t.Fatalf("right PIN after waiting: %v %v %v", ok, wait, err)
	}
	// The right PIN starts the count again.
	if ok, wait, _ := s.Unlock(ctx, "0000"); ok || wait != 0 {
		t.Fatalf("first wrong PIN after unlocking waits %v", wait)
	}
	for n, want := range map[int]time.Duration{4: 0, 5: 30 * time.Second, 6: time.Minute, 9: 8 * time.Minute,
		10: PINMaxWait, 40: PINMaxWait} {
		if got := PINWait(n); got != want {
			t.Errorf("PINWait(%d) = %v, want %v", n, got, want)
		}
	}
}
