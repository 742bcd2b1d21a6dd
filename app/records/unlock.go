package records

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// Setting keys of the unlock throttle.
const (
	SettingPINFailures = "pin_failures"      // wrong PINs in a row
	SettingPINBlocked  = "pin_blocked_until" // RFC 3339: no PIN is checked before it
)

// Wrong-PIN throttle: after PINFreeAttempts wrong PINs in a row, each
// further wrong PIN makes the lock screen wait, PINFirstWait doubling
// every time up to PINMaxWait. It survives a restart of the app.
const (
	PINFreeAttempts = 5
	PINFirstWait    = 30 * time.Second
	PINMaxWait      = 15 * time.Minute
)

// Unlock checks pin against the app-lock PIN under the wrong-PIN throttle.
// It reports whether the PIN was right; when it is not, wait is how long
// the user must wait before the next try is checked (zero while tries are
// free). A try made while waiting is not checked at all and reports the
// time still to wait.
func (s *Store) Unlock(ctx context.Context, pin string) (ok bool, wait time.Duration, err error) {
	now := s.now()
	if v, set, err := s.Setting(ctx, SettingPINBlocked); err != nil {
		return false, 0, err
	} else if set {
		until, err := time.Parse(time.RFC3339Nano, v)
		if err == nil && now.Before(until) {
			return false, until.Sub(now), nil
		}
	}
	ok, err = s.CheckPIN(ctx, pin)
	if err != nil {
		return false, 0, err
	}
	failures := 0
	if ok {
		if err := s.SetSetting(ctx, SettingPINFailures, "0"); err != nil {
			return false, 0, err
		}
		return true, 0, s.SetSetting(ctx, SettingPINBlocked, "")
	}
	if v, set, err := s.Setting(ctx, SettingPINFailures); err != nil {
		return false, 0, err
	} else if set {
		failures, _ = strconv.Atoi(v) // a damaged count starts again
	}
	failures++
	if err := s.SetSetting(ctx, SettingPINFailures, strconv.Itoa(failures)); err != nil {
		return false, 0, err
	}
	wait = PINWait(failures)
	if wait > 0 {
		if err := s.SetSetting(ctx, SettingPINBlocked, now.Add(wait).UTC().Format(time.RFC3339Nano)); err != nil {
			return false, 0, fmt.Errorf("throttle unlock: %w", err)
		}
	}
	return false, wait, nil
}

// PINWait is the wait after the given number of wrong PINs in a row.
func PINWait(failures int) time.Duration {
	if failures < PINFreeAttempts {
		return 0
	}
	w := PINFirstWait
	for i := PINFreeAttempts; i < failures && w < PINMaxWait; i++ {
		w *= 2
	}
	return min(w, PINMaxWait)
}
