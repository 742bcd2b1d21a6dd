package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"doorstep/sync/client/api"
	"doorstep/sync/replica"
)

// Stats says what one Sync did.
type Stats struct {
	Batches      int      // push batches acknowledged
	Pushed       int      // column changes pushed
	Pages        int      // pull pages applied
	Pulled       int      // column changes received
	Conflicts    int      // conflict records the server created for our pushes
	BytesPulled  int64    // pull bytes on the wire
	ResetCursors int      // pulls the server restarted from the beginning
	Purged       int      // rows dropped because they left the user's scope
	Held         int      // rows set aside because the server refused their writes
	Retained     Retained // closed cases purged after the round (SyncOptions.Retention)
}

// SyncOptions tune Sync. The zero value is fine.
type SyncOptions struct {
	// BatchRows is how many changed rows go in one push (the replica's
	// default when zero).
	BatchRows int
	// Retention, when set, purges the closed cases past their retention
	// after a round whose pull completed (Retain; retention.go).
	Retention *Retention
}

// Sync runs one round for a device replica: push every pending change
// (a batch is acknowledged in the replica only after the server committed
// it), then pull pages until none is left, each applied together with its
// cursor (ApplyPage: rows that left the user's scope are dropped, except
// those holding unpushed writes). It is safe to stop at any point — by cancelling ctx, losing the
// network or the app dying — and run again.
//
// When the server refuses a push for some of its rows (forbidden_scope,
// forbidden_role, naming the rows) those rows are held (replica.Hold: their
// writes are kept on the device, out of later pushes, until released), the
// rest is pushed, the pull runs and the refusal is returned. When it
// refuses a push otherwise (clock_ahead, say) the batch stays in the
// outbox, nothing is lost, the pull still runs, and the refusal is
// returned. A refusal api.CodeBatchReused means the server stored other
// changes under the pending batch's id before — a bug in the device's
// outbox, never a replay: the batch's writes stay on the device and the
// error is returned for the app to show, so no write is lost unnoticed.
// ErrUnreachable ends the round at once.
func (c *Client) Sync(ctx context.Context, r *replica.Replica, opts SyncOptions) (Stats, error) {
	var st Stats
	pushErr := c.pushAll(ctx, r, opts, &st)
	if pushErr != nil && (errors.Is(pushErr, ErrUnreachable) || ctx.Err() != nil) {
		return st, pushErr
	}
	if err := c.pullAll(ctx, r, &st); err != nil {
		return st, errors.Join(pushErr, err)
	}
	if opts.Retention != nil {
		ret, err := Retain(ctx, r, *opts.Retention)
		st.Retained = ret
		if err != nil {
			return st, errors.Join(pushErr, err)
		}
	}
	return st, pushErr
}

func (c *Client) pushAll(ctx context.Context, r *replica.Replica, opts SyncOptions, st *Stats) error {
	var refusal error
	for {
		set, err := r.Outbox(ctx, opts.BatchRows)
		if err != nil {
			return errors.Join(refusal, fmt.Errorf("sync: %w", err))
		}
		if set.Batch == "" {
			return refusal
		}
		ack, err := c.Push(ctx, set)
		if err != nil {
			held, herr := HoldRefused(ctx, r, set.Batch, err)
			if herr != nil {
				return errors.Join(refusal, fmt.Errorf("sync: %w", herr))
			}
			if held == 0 {
				return errors.Join(refusal, fmt.Errorf("sync: %w", err))
			}
			st.Held += held
			refusal = errors.Join(refusal, fmt.Errorf("sync: %d rows held: %w", held, err))
			continue
		}
		if err := r.Ack(ctx, ack.BatchID); err != nil {
			return errors.Join(refusal, fmt.Errorf("sync: %w", err))
		}
		st.Batches++
		st.Pushed += len(set.Changes)
		st.Conflicts += ack.Conflicts
	}
}

// HoldRefused handles a push of batch that ended in err: when err is the
// server refusing the batch for rows the user may not write
// (forbidden_scope, forbidden_role, with the rows named), those rows are
// held in the replica (replica.Hold) so the next Outbox forms a batch of
// the rest. It returns how many rows were held: 0 for any other error, and
// then the batch stays as it was.
func HoldRefused(ctx context.Context, r *replica.Replica, batch string, err error) (int, error) {
	var e *api.Error
	if !errors.As(err, &e) || (e.Code != api.CodeForbiddenScope && e.Code != api.CodeForbiddenRole) || len(e.Rows) == 0 {
		return 0, nil
	}
	rows := make([]replica.RowRef, len(e.Rows))
	for i, row := range e.Rows {
		rows[i] = replica.RowRef{Table: row.Table, ID: row.ID}
	}
	n, herr := r.Hold(ctx, batch, rows, string(e.Code), e.Message)
	if herr != nil {
		return 0, fmt.Errorf("hold refused rows: %w", herr)
	}
	return n, nil
}

// pullAll fetches pages one after another while the previous page is being
// applied: the server prepares page n+1 while the device writes page n.
// Pages are applied strictly in order, each with its cursor, so stopping
// anywhere loses nothing.
//
// A page the server answers busy (it is serving as many pulls as it
// serves at once: a morning when every tablet syncs) is asked for again
// after the Retry-After it sent, up to busyRetries times, so a crowd of
// first syncs queues instead of failing.
func (c *Client) pullAll(ctx context.Context, r *replica.Replica, st *Stats) error {
	cursor, err := r.PullCursor(ctx)
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type fetched struct {
		page Page
		err  error
	}
	pages := make(chan fetched, 1)
	go func() {
		defer close(pages)
		for next := cursor; ; {
			page, err := c.pullPatiently(ctx, next)
			select {
			case pages <- fetched{page, err}:
			case <-ctx.Done():
				return
			}
			if err != nil || !page.More {
				return
			}
			next = page.Cursor
		}
	}()
	for f := range pages {
		if f.err != nil {
			return fmt.Errorf("sync: %w", f.err)
		}
		page := f.page
		res, err := ApplyPage(ctx, r, page)
		if err != nil {
			return fmt.Errorf("sync: %w", err)
		}
		st.Purged += res.Purged
		st.Pages++
		st.Pulled += len(page.Set.Changes)
		st.BytesPulled += page.Bytes
		if page.Reset {
			st.ResetCursors++
		}
	}
	return nil
}

// ApplyPage applies a pulled page to a device replica in one transaction
// with its cursor: its changes are merged, its gone rows dropped and, when
// the user's scope changed (Page.ResetScope), every row without unpushed
// writes dropped first, so that only what the pages bring back — what the
// user may see now — stays. Push the outbox before pulling, so that as few
// rows as possible are kept back by unpushed writes.
func ApplyPage(ctx context.Context, r *replica.Replica, page Page) (replica.Result, error) {
	res, err := r.Apply(ctx, page.Set, replica.ApplyOptions{PullCursor: page.Cursor, PurgeAll: page.Reset && page.ResetScope})
	if err != nil {
		return res, fmt.Errorf("apply pulled page: %w", err)
	}
	return res, nil
}

// EnrollReplica enrolls the device whose replica is r, using r's site, and
// attributes the replica's later writes to the enrolled user (the server
// refuses changes written as anyone else). It is Enroll followed by
// r.SetUser.
func (c *Client) EnrollReplica(ctx context.Context, r *replica.Replica, code, deviceName string) (api.EnrollResponse, error) {
	resp, err := c.EnrollDevice(ctx, r.DB(), code, deviceName, r.Site())
	if err != nil {
		return resp, err
	}
	if err := r.SetUser(ctx, resp.User.ID); err != nil {
		return resp, fmt.Errorf("enroll: %w", err)
	}
	return resp, nil
}

// busyRetries is how many times one page is asked for again after busy
// answers before the round gives up (and the app's next round goes on from
// the last page applied).
const busyRetries = 5

// pullPatiently is Pull, waiting out busy answers.
func (c *Client) pullPatiently(ctx context.Context, cursor string) (Page, error) {
	for try := 0; ; try++ {
		page, err := c.Pull(ctx, cursor)
		var e *api.Error
		if err == nil || try == busyRetries || !errors.As(err, &e) || e.Code != api.CodeBusy {
			return page, err
		}
		t := time.NewTimer(max(e.RetryAfter, time.Second))
		select {
		case <-ctx.Done():
			t.Stop()
			return Page{}, ctx.Err()
		case <-t.C:
		}
	}
}
