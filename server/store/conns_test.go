package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"doorstep/schema"
)

// TestSQLiteConnectionBound: many requests at once share the store's few
// connections instead of opening one each. 1,000 devices starting their
// first sync together once opened some 900 SQLite connections, each with
// its own parsed schema and memory (1.4 GB of server RSS, docs/LOAD.md).
func TestSQLiteConnectionBound(t *testing.T) {
	ctx := context.Background()
	const bound = 3
	s, err := Open(ctx, filepath.Join(t.TempDir(), "server.db"), Options{SQLiteConns: bound})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	w := mustAddUser(t, s, User{Name: "王芳", Role: schema.RoleWorker, Communities: []string{"c1"}})
	var tokens []string
	for i := range 20 {
		code, _, err := s.CreateEnrollCode(ctx, w.ID, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		e, err := s.Enroll(ctx, code, fmt.Sprintf("平板 %d", i), "", 0)
		if err != nil {
			t.Fatal(err)
		}
		tokens = append(tokens, e.Token)
	}
	db := s.Replica().DB()
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		maxOpen int
		failed  error
	)
	for i := range 400 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Authenticate(ctx, tokens[i%len(tokens)])
			if err == nil {
				_, err = s.Access(ctx, w.ID)
			}
			mu.Lock()
			defer mu.Unlock()
			maxOpen = max(maxOpen, db.Stats().OpenConnections)
			if err != nil && failed == nil {
				failed = err
			}
		}()
	}
	wg.Wait()
	if failed != nil {
		t.Fatal(failed)
	}
	st := db.Stats()
	if st.MaxOpenConnections != bound || maxOpen > bound {
		t.Errorf("connections: bound %d, most open %d; want at most %d", st.MaxOpenConnections, maxOpen, bound)
	}
	if st.WaitCount == 0 {
		t.Errorf("no request waited for a connection: the test did not load the pool")
	}
}
