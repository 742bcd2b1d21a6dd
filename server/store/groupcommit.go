package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"doorstep/schema"
	"doorstep/schema/scope"
	"doorstep/sync/change"
	"doorstep/sync/client/api"
	"doorstep/sync/replica"
)

// Group commit. Merges are one at a time per database (SQLite's write
// lock, PostgreSQL's advisory lock, pgengine.go), and each costs a commit
// that waits for the disk. So pushes that arrive while a merge runs wait
// in a queue, and the next merge takes all of them that can go together:
// each is checked on its own (checkPush: batch, validity, rights) and the
// ones that pass are merged in one transaction, each with its own
// acknowledgement, committed once. A push is answered only after the
// commit that holds it; a push failing its checks fails alone; and if the
// group's merge fails (a clock too far ahead, say), each of its pushes is
// merged again on its own, so that one fails alone too.
//
// No leader goroutine runs in the background: the first push to find the
// queue idle leads, merging groups until the queue is empty, then returns
// with its own answer.
//
// Pushes in one group must not see each other's effect on their checks,
// since each is checked against the committed state. So a group holds
// pushes whose rows are pairwise disjoint (a push touching a row another
// push of the group touches waits for the next group), and a push writing
// rows about other rows (conflict resolutions, review events: their
// rights follow their subject row, which another push could move) goes in
// a group of its own.

// maxGroup bounds the pushes in one group (and so the changes in one
// transaction: a push holds at most wire.MaxChanges, in practice tens).
const maxGroup = 64

// pushReq is one push waiting for its merge.
type pushReq struct {
	d   Device
	u   *scope.User
	set *change.Set
	// keys are the rows the push touches ("table\x00id").
	keys []string
	// alone: the push writes rows about other rows.
	alone bool
	res   IngestResult
	err   error
	done  chan struct{}
}

func newPushReq(d Device, u *scope.User, set *change.Set) *pushReq {
	r := &pushReq{d: d, u: u, set: set, done: make(chan struct{})}
	seen := map[string]bool{}
	about := map[string]bool{}
	for _, t := range scope.AboutTables() {
		about[t] = true
	}
	for _, c := range set.Changes {
		k := c.Table + "\x00" + c.ID
		if !seen[k] {
			seen[k] = true
			r.keys = append(r.keys, k)
		}
		if about[c.Table] {
			r.alone = true
		}
	}
	return r
}

func (r *pushReq) finish(res IngestResult, err error) {
	r.res, r.err = res, err
	close(r.done)
}

// committer queues pushes for group commit. The zero value is ready.
type committer struct {
	mu      sync.Mutex
	queue   []*pushReq
	leading bool
	// groups and grouped count merges of more than one push and the
	// pushes they held (for tests and metrics).
	groups, grouped int64
	// afterChecks, when set (tests), runs between a group's checks and
	// its merge: where another process may store the same batch.
	afterChecks func()
}

// submit queues r and returns its answer once merged (or refused).
func (c *committer) submit(ctx context.Context, s *Store, r *pushReq) (IngestResult, error) {
	if s.serial {
		s.serialMu.Lock()
		defer s.serialMu.Unlock()
		res, done, err := s.checkPush(ctx, r)
		if done || err != nil {
			return res, err
		}
		return s.applyOne(ctx, r)
	}
	c.mu.Lock()
	c.queue = append(c.queue, r)
	lead := !c.leading
	c.leading = true
	c.mu.Unlock()
	if lead {
		// The group's transaction must not end when the leading push's
		// client goes away: other pushes ride in it.
		c.lead(context.WithoutCancel(ctx), s)
	}
	<-r.done
	return r.res, r.err
}

// lead merges groups until the queue is empty.
func (c *committer) lead(ctx context.Context, s *Store) {
	for {
		c.mu.Lock()
		group := c.take()
		if len(group) == 0 {
			c.leading = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		s.commitGroup(ctx, group)
	}
}

// take removes from the queue the next group: pushes in arrival order
// whose rows are disjoint, a push that must go alone only by itself.
// c.mu is held.
func (c *committer) take() []*pushReq {
	var group, rest []*pushReq
	used := map[string]bool{}
	closed := false
	for _, r := range c.queue {
		if closed || len(group) >= maxGroup {
			rest = append(rest, r)
			continue
		}
		if r.alone {
			if len(group) == 0 {
				group = append(group, r)
			} else {
				rest = append(rest, r)
			}
			closed = true
			continue
		}
		if overlaps(used, r.keys) {
			rest = append(rest, r)
			continue
		}
		for _, k := range r.keys {
			used[k] = true
		}
		group = append(group, r)
	}
	c.queue = rest
	return group
}

func overlaps(used map[string]bool, keys []string) bool {
	for _, k := range keys {
		if used[k] {
			return true
		}
	}
	return false
}

// commitGroup checks each push of a group and merges those that pass.
func (s *Store) commitGroup(ctx context.Context, group []*pushReq) {
	var ok []*pushReq
	for _, r := range group {
		res, done, err := s.checkPush(ctx, r)
		if done || err != nil {
			r.finish(res, err)
			continue
		}
		ok = append(ok, r)
	}
	if s.commits.afterChecks != nil {
		s.commits.afterChecks()
	}
	if len(ok) == 1 {
		ok[0].finish(s.applyOne(ctx, ok[0]))
		return
	}
	if len(ok) == 0 {
		return
	}
	if err := s.applyGroup(ctx, ok); err != nil {
		for _, r := range ok {
			r.finish(s.applyOne(ctx, r))
		}
		return
	}
	s.commits.mu.Lock()
	s.commits.groups++
	s.commits.grouped += int64(len(ok))
	s.commits.mu.Unlock()
}

// GroupStats returns how many merges held more than one push, and how
// many pushes those merges held.
func (s *Store) GroupStats() (groups, pushes int64) {
	s.commits.mu.Lock()
	defer s.commits.mu.Unlock()
	return s.commits.groups, s.commits.grouped
}

// applyGroup merges checked pushes in one transaction: their changes as
// one changeset, then each push's blob references and acknowledgement.
// On success every push is answered; on error none is (the caller merges
// each alone).
func (s *Store) applyGroup(ctx context.Context, group []*pushReq) error {
	all := &change.Set{Site: s.Site()}
	for _, r := range group {
		all.Changes = append(all.Changes, r.set.Changes...)
		all.Schema = max(all.Schema, r.set.Schema)
	}
	acks := make([]api.PushAck, len(group))
	stored := make([]storedPush, len(group))
	_, err := s.eng.apply(ctx, all, func(tx *sql.Tx, res replica.Result) error {
		seq, err := maxSeq(ctx, tx)
		if err != nil {
			return err
		}
		for i, r := range group {
			if err := recordBlobRefs(ctx, tx, r.d, r.u, r.set); err != nil {
				return err
			}
			n := 0
			if res.Conflicts > 0 {
				if n, err = conflictsOf(ctx, tx, r.set); err != nil {
					return err
				}
			}
			acks[i] = api.PushAck{BatchID: r.set.Batch, Seq: seq, Changes: len(r.set.Changes), Conflicts: n}
			stored[i] = storedPush{r.d, acks[i], r.set}
		}
		return s.storeAcks(ctx, tx, stored)
	})
	if err != nil {
		return fmt.Errorf("group of %d pushes: %w", len(group), err)
	}
	for i, r := range group {
		r.finish(IngestResult{Ack: acks[i]}, nil)
	}
	return nil
}

// conflictsOf counts the conflict records that involve a change of set:
// one of the record's two clocks is the change's. A change's clock is
// unique to it (its site's), and a change already merged is ignored
// without a record, so these are the records the merge of set wrote.
func conflictsOf(ctx context.Context, q querier, set *change.Set) (int, error) {
	type cell struct {
		t, id, col string
		hlc        int64
		site       string
	}
	mine := map[cell]bool{}
	var ids []string
	seen := map[string]bool{}
	for _, c := range set.Changes {
		if t, ok := schema.Reg.Table(c.Table); !ok || !detectableTable(t) {
			continue
		}
		mine[cell{c.Table, c.ID, c.Column, int64(c.Clock.HLC), c.Clock.Site}] = true
		if !seen[c.ID] {
			seen[c.ID] = true
			ids = append(ids, c.ID)
		}
	}
	n := 0
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		in, args := inList(args)
		rows, err := q.QueryContext(ctx, `SELECT coalesce(tbl, ''), coalesce(row_id, ''), coalesce(col, ''), coalesce(winner_hlc, 0),
			coalesce(winner_site, ''), coalesce(loser_hlc, 0), coalesce(loser_site, '')
			FROM conflicts WHERE row_id IN (`+in+`)`, args...)
		if err != nil {
			return 0, fmt.Errorf("conflicts of batch %s: %w", set.Batch, err)
		}
		for rows.Next() {
			var t, id, col, ws, ls string
			var wh, lh int64
			if err := rows.Scan(&t, &id, &col, &wh, &ws, &lh, &ls); err != nil {
				rows.Close()
				return 0, fmt.Errorf("conflicts of batch %s: %w", set.Batch, err)
			}
			if mine[cell{t, id, col, wh, ws}] || mine[cell{t, id, col, lh, ls}] {
				n++
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return 0, fmt.Errorf("conflicts of batch %s: %w", set.Batch, err)
		}
	}
	return n, nil
}
