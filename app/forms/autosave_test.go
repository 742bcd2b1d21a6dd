package forms

import (
	"bytes"
	"errors"
	"os"
	"sync"
	"testing"
	"time"
)

func TestAutosaverDebouncesAndFlushes(t *testing.T) {
	var mu sync.Mutex
	var writes [][]byte
	done := make(chan struct{}, 10)
	a := NewAutosaver(20*time.Millisecond, func(d []byte) error {
		mu.Lock()
		writes = append(writes, d)
		mu.Unlock()
		done <- struct{}{}
		return nil
	})
	for _, s := range []string{"a", "ab", "abc"} {
		a.Changed([]byte(s))
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("no debounced write")
	}
	mu.Lock()
	if len(writes) != 1 || string(writes[0]) != "abc" {
		t.Errorf("writes %q, want one of the latest data", writes)
	}
	mu.Unlock()

	a.Changed([]byte("abcd"))
	if !a.Pending() {
		t.Error("change not pending")
	}
	if err := a.Flush(); err != nil {
		t.Fatal(err)
	}
	if a.Pending() {
		t.Error("pending after Flush")
	}
	mu.Lock()
	if n := len(writes); n != 2 || string(writes[1]) != "abcd" {
		t.Errorf("after flush writes %q", writes)
	}
	mu.Unlock()

	a.Changed([]byte("lost on purpose"))
	a.Discard()
	a.Changed([]byte("ignored"))
	time.Sleep(60 * time.Millisecond)
	if err := a.Flush(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if n := len(writes); n != 2 {
		t.Errorf("writes after Discard: %q", writes)
	}
	mu.Unlock()
}

func TestAutosaverKeepsDataWhenWriteFails(t *testing.T) {
	fail := true
	var got []byte
	a := NewAutosaver(time.Hour, func(d []byte) error {
		if fail {
			return errors.New("disk full")
		}
		got = d
		return nil
	})
	a.Changed([]byte("x"))
	if err := a.Flush(); err == nil || !a.Pending() {
		t.Fatalf("failed write: err %v pending %v", err, a.Pending())
	}
	fail = false
	if err := a.Flush(); err != nil || string(got) != "x" {
		t.Errorf("retry: %v %q", err, got)
	}
}

func TestBlobsContentAddressed(t *testing.T) {
	b := Blobs{Dir: t.TempDir() + "/blobs"}
	data := []byte("signature png bytes")
	h1, err := b.Put(data)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := b.Put(data)
	if err != nil || h1 != h2 || !ValidHash(h1) || h1 != hashOf(string(data)) {
		t.Fatalf("hashes %s %s %v", h1, h2, err)
	}
	back, err := b.Get(h1)
	if err != nil || !bytes.Equal(back, data) {
		t.Errorf("Get = %q, %v", back, err)
	}
	entries, _ := os.ReadDir(b.Dir)
	if len(entries) != 1 {
		t.Errorf("%d files in the blob dir, want 1", len(entries))
	}
	if _, err := b.Get("../etc/passwd"); err == nil {
		t.Error("Get accepted a path")
	}
}
