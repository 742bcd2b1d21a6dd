package replica

import (
	"fmt"
	"testing"

	"doorstep/schema"
	"doorstep/sync/change"
)

// TestChunkLen: chunks are powers of two, never over what is left or
// writeChunk, and cover every row.
func TestChunkLen(t *testing.T) {
	for n := 1; n <= 3*writeChunk+5; n++ {
		left, parts := n, 0
		for left > 0 {
			c := chunkLen(left)
			if c < 1 || c > left || c > writeChunk || c&(c-1) != 0 {
				t.Fatalf("chunkLen(%d) = %d", left, c)
			}
			left -= c
			parts++
		}
		if parts > n/writeChunk+8 {
			t.Errorf("%d rows took %d statements", n, parts)
		}
	}
}

// TestMergePreparesFewStatements: merging sets of every size from 1 to
// 100 new rows prepares a handful of statements, not one text per size.
// Each text is prepared once per connection and then reused from the
// statement cache; texts naming each row count made the cache churn and
// a server's CPU went to SQLite's parser.
func TestMergePreparesFewStatements(t *testing.T) {
	r := mustOpen(t, schema.Server, nil)
	r.DB().SetMaxOpenConns(1) // one connection: one cache to fill
	apply(t, r, remote("head_name", "预热", t0, siteX))
	before := r.prepared.Load()
	ms := t0 + 1
	for size := 1; size <= 100; size++ {
		var chs []change.Change
		for i := 0; i < size; i++ {
			c := remote("head_name", fmt.Sprintf("户%d-%d", size, i), ms, siteX)
			c.ID = fmt.Sprintf("0195a000-0000-7000-8000-%012d", size*1000+i)
			chs = append(chs, c)
			ms++
		}
		apply(t, r, chs...)
	}
	if n := r.prepared.Load() - before; n > 40 {
		t.Errorf("100 merges of 1 to 100 rows prepared %d statements; want at most 40", n)
	} else {
		t.Logf("100 merges of 1 to 100 rows prepared %d statements", n)
	}
}
