package store

import (
	"context"
	"database/sql"
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
	// Every connection the bound allows is taken first, so that the
	// requests below must wait for one rather than run one after another.
	var held []*sql.Conn
	for range bound {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		failed error
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
			if err != nil && failed == nil {
				failed = err
			}
		}()
	}
	deadline := time.Now().Add(10 * time.Second)
	for db.Stats().WaitCount == 0 && db.Stats().OpenConnections <= bound && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	mostOpen := db.Stats().OpenConnections
	for _, c := range held {
		c.Close()
	}
	wg.Wait()
	if failed != nil {
		t.Fatal(failed)
	}
	st := db.Stats()
	if st.MaxOpenConnections != bound || mostOpen > bound || st.OpenConnections > bound {
		t.Errorf("connections: bound %d, open %d while held, %d after; want at most %d", st.MaxOpenConnections, mostOpen, st.OpenConnections, bound)
	}
	if st.WaitCount == 0 {
		t.Errorf("no request waited for a connection")
	}
}
