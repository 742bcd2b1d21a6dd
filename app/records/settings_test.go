package records

import (
	"context"
	"encoding/json"
	"testing"
)

func TestPIN(t *testing.T) {
	s := mustStore(t)
	ctx := context.Background()
	if ok, err := s.CheckPIN(ctx, "1234"); ok || err != nil {
		t.Fatalf("CheckPIN with no PIN = %v, %v; want false, nil", ok, err)
	}
	if err := s.SetPIN(ctx, "2580"); err != nil {
		t.Fatal(err)
	}
	v, _, _ := s.Setting(ctx, SettingPIN)
	if v == "2580" || len(v) < 60 {
		t.Fatalf("stored PIN %q is not a salted hash", v)
	}
	for pin, want := range map[string]bool{"2580": true, "2581": false, "": false} {
		if ok, err := s.CheckPIN(ctx, pin); ok != want || err != nil {
			t.Errorf("CheckPIN(%q) = %v, %v; want %v", pin, ok, err, want)
		}
	}
	for pin, want := range map[string]bool{"1234": true, "12345678": true, "123": false, "123456789": false, "12a4": false} {
		if ValidPIN(pin) != want {
			t.Errorf("ValidPIN(%q) = %v", pin, !want)
		}
	}
}

func TestIdleLockAndIdentity(t *testing.T) {
	s := mustStore(t)
	ctx := context.Background()
	if d, err := s.IdleLock(ctx); d != DefaultIdleLock || err != nil {
		t.Fatalf("default idle lock = %v, %v", d, err)
	}
	if err := s.SetIdleLock(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.IdleLock(ctx); d != 0 {
		t.Fatalf("idle lock after SetIdleLock(0) = %v, want 0 (never)", d)
	}
	if _, ok, err := s.Identity(ctx); ok || err != nil {
		t.Fatalf("fresh device has identity: %v, %v", ok, err)
	}
	if err := s.SaveIdentity(ctx, worker); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Identity(ctx)
	if !ok || err != nil || got.UserID != "w1" || got.Communities[0] != "c1" {
		t.Fatalf("Identity() = %+v, %v, %v", got, ok, err)
	}
	if err := s.SaveIdentity(ctx, Identity{Role: "boss"}); err == nil {
		t.Fatal("SaveIdentity accepted an unknown role")
	}
}

func TestDrafts(t *testing.T) {
	s := mustStore(t)
	ctx := context.Background()
	data, _ := json.Marshal(map[string]string{"name": "张三", "id_number": "4108"})
	d := Draft{Form: "means_visit", RecordID: "r1", SubjectID: "h1", Title: "张三", Data: data}
	if err := s.SaveDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	d.Data = json.RawMessage(`{"name":"张三","id_number":"41080219"}`)
	if err := s.SaveDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	got, err := s.Draft(ctx, "means_visit", "r1")
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Data) != string(d.Data) || got.Title != "张三" || !got.UpdatedAt.Equal(refNow) {
		t.Fatalf("Draft() = %+v", got)
	}
	all, _ := s.Drafts(ctx)
	if len(all) != 1 {
		t.Fatalf("%d drafts, want 1 (saving again replaces)", len(all))
	}
	if err := s.DeleteDraft(ctx, "means_visit", "r1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Draft(ctx, "means_visit", "r1"); err != ErrNotFound {
		t.Fatalf("after delete err = %v, want ErrNotFound", err)
	}
}
