package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/rs/xid"

	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/client"
	"doorstep/sync/client/api"
	"doorstep/sync/hlc"
)

// device is one simulated tablet: an enrolled site with its own token and
// HTTP connection, the cursor it pulled to, and what it needs to write
// visits the server accepts — some households of its user's communities
// and the clocks of the columns a visit edits. It holds no replica: it
// builds changesets with the sync packages and sends them as the app's
// client does.
type device struct {
	n      int
	site   string
	cl     *client.Client
	user   api.User
	clock  *hlc.Clock
	rng    *rand.Rand
	cursor string

	households []*household
	clocks     map[cell]change.Clock
	pending    *form // a push that got no answer: sent again (same batch) next time
	batch      string
	applied    *household // the new household pending creates, if it is an application
}

// newDevice makes device n with its own transport. With a local address
// (from spreadAddr) its connections come from that address, as tablets on
// a network come from many.
func newDevice(n int, url string, local net.Addr, seed int64) *device {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, LocalAddr: local}
	tr := &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 2, IdleConnTimeout: 90 * time.Second}
	cl := client.New(url, "")
	cl.HTTP = &http.Client{Transport: tr, Timeout: 5 * time.Minute}
	cl.UserAgent = "doorstep-load/1"
	return &device{
		n: n, site: uuid.Must(uuid.NewV7()).String(), cl: cl,
		clock:  hlc.NewClock(nil, 0, 0),
		rng:    rand.New(rand.NewPCG(uint64(seed), uint64(n))),
		clocks: map[cell]change.Clock{},
	}
}

// spreadAddr returns the local address device n connects from when the
// server is on this machine's loopback: 127.1.x.y, eight devices an
// address. The server limits enrollment attempts per client address (bursts
// of 10); one address for a thousand tablets is not what it sees in the
// field. Nil (any address) otherwise.
func spreadAddr(n int) net.Addr {
	a := n / 8
	return &net.TCPAddr{IP: net.IPv4(127, 1, byte(a/250), byte(a%250+1))}
}

// retry runs req until it is not refused rate_limited or busy (as the
// app's sync client does), waiting the Retry-After the server sent (at
// least a second) between attempts, and counts each refusal. It gives up
// when ctx ends.
func retry[T any](ctx context.Context, rec *recorder, kind string, req func() (T, error)) (T, time.Duration, error) {
	for {
		start := time.Now()
		v, err := req()
		took := time.Since(start)
		var e *api.Error
		if err == nil || !errors.As(err, &e) || (e.Code != api.CodeRateLimited && e.Code != api.CodeBusy) {
			return v, took, err
		}
		if rec != nil {
			rec.fail(kind, string(e.Code))
		}
		wait := max(e.RetryAfter, time.Second)
		select {
		case <-ctx.Done():
			return v, took, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// enroll exchanges code for the device's token.
func (d *device) enroll(ctx context.Context, code string) error {
	resp, _, err := retry(ctx, nil, "enroll", func() (api.EnrollResponse, error) {
		return d.cl.Enroll(ctx, code, fmt.Sprintf("load-%04d", d.n), d.site)
	})
	if err != nil {
		return fmt.Errorf("device %d: %w", d.n, err)
	}
	d.user = resp.User
	return nil
}

// codeOf names err for the summary: the API's stable code, "unreachable"
// for transport failures.
func codeOf(err error) string {
	if errors.Is(err, client.ErrUnreachable) {
		return codeUnreachable
	}
	return string(api.ErrorCode(err))
}

// pull fetches pages until none is left, recording each page (when rec is
// not nil) and noting the clocks of the cells the device tracks.
// firstSync, when not nil, collects what the device may visit.
func (d *device) pull(ctx context.Context, rec *recorder, firstSync *userData) error {
	for {
		page, took, err := retry(ctx, rec, "pull", func() (client.Page, error) { return d.cl.Pull(ctx, d.cursor) })
		if err != nil {
			switch {
			case rec == nil:
			case ctx.Err() != nil:
				rec.cut("pull")
			default:
				rec.fail("pull", codeOf(err))
			}
			return fmt.Errorf("device %d: %w", d.n, err)
		}
		if rec != nil {
			rec.observe("pull", took, len(page.Set.Changes))
		}
		if firstSync != nil {
			firstSync.add(page.Set.Changes, took)
		}
		for _, ch := range page.Set.Changes {
			c := cell{ch.Table, ch.ID, ch.Column}
			if old, ok := d.clocks[c]; ok && old.Less(ch.Clock) {
				d.clocks[c] = ch.Clock
			}
		}
		d.cursor = page.Cursor
		if !page.More {
			return nil
		}
	}
}

// push saves one visit (or sends again the one that got no answer) and
// pushes it as one batch.
func (d *device) push(ctx context.Context, rec *recorder, rows int) {
	if d.pending == nil {
		w := &visitWriter{site: d.site, user: d.user.ID, clock: d.clock, rng: d.rng, clocks: d.clocks}
		var f form
		d.applied = nil
		if len(d.households) == 0 {
			f, d.applied = w.apply(d.community())
		} else {
			f = w.write(d.households[d.rng.IntN(len(d.households))], rows)
		}
		d.pending, d.batch = &f, xid.New().String()
		rec.save()
	}
	set := &change.Set{Batch: d.batch, Site: d.site, Schema: schema.Version, Changes: d.pending.changes}
	ack, took, err := retry(ctx, rec, "push", func() (api.PushAck, error) { return d.cl.Push(ctx, set) })
	switch {
	case err == nil:
		rec.observe("push", took, ack.Changes)
		rec.ack(ack.Conflicts)
		clk := d.pending.changes[0].Clock
		for _, c := range d.pending.edits {
			d.clocks[c] = clk
		}
		if d.applied != nil {
			d.households = append(d.households, d.applied)
		}
		d.pending, d.applied = nil, nil
	case ctx.Err() != nil:
		rec.cut("push") // the run ended while the push was in flight
	case errors.Is(err, client.ErrUnreachable):
		rec.fail("push", codeUnreachable) // pushed again, same batch, next time
	default:
		rec.fail("push", codeOf(err)) // refused: the server stored none of it
		d.pending = nil
	}
}

// community is where the device files a new household: its user's first
// community.
func (d *device) community() string {
	if len(d.user.Communities) == 0 {
		return ""
	}
	return d.user.Communities[0]
}

// adopt gives the device what its user's first device learned in its first
// sync: the cursor it reached, and up to n households (with the clocks of
// the cells a visit edits) drawn with the device's own random source from
// its share of the user's households: device rank of siblings takes every
// siblings-th household from rank on, so two devices visit the same
// household only when a user has more devices than households. Concurrent
// edits of one household from two tablets are rare in the field; letting
// thirty simulated devices of one user share households would make the run
// a conflict-recording test.
func (d *device) adopt(u *userData, n, rank, siblings int) {
	d.cursor = u.cursor
	var share []*household
	for i := rank; i < len(u.households); i += max(1, siblings) {
		share = append(share, u.households[i])
	}
	if len(share) == 0 && len(u.households) > 0 {
		share = []*household{u.households[rank%len(u.households)]}
	}
	idx := d.rng.Perm(len(share))
	for _, i := range idx[:min(n, len(idx))] {
		h := share[i]
		d.households = append(d.households, h)
		for _, col := range edited["households"] {
			d.clocks[cell{"households", h.id, col}] = u.clocks[cell{"households", h.id, col}]
		}
		for _, m := range h.members {
			for _, col := range edited["members"] {
				d.clocks[cell{"members", m, col}] = u.clocks[cell{"members", m, col}]
			}
		}
	}
}

// userData is what one user's first sync brought: the cursor after it,
// the households of the user's communities with their members, and the
// clocks of the cells a visit edits.
type userData struct {
	communities map[string]bool
	cursor      string
	households  []*household
	pages       []time.Duration
	changes     int64 // column changes received

	byID    map[string]*household
	members map[string]string // member id → household id
	clocks  map[cell]change.Clock
}

func newUserData(u api.User) *userData {
	ud := &userData{communities: map[string]bool{}, byID: map[string]*household{},
		members: map[string]string{}, clocks: map[cell]change.Clock{}}
	for _, c := range u.Communities {
		ud.communities[c] = true
	}
	return ud
}

// add takes in one page of the first sync.
func (u *userData) add(changes []change.Change, took time.Duration) {
	u.pages = append(u.pages, took)
	u.changes += int64(len(changes))
	for _, ch := range changes {
		switch {
		case ch.Table == "households" && ch.Column == "community_id":
			if s, ok := ch.Value.(string); ok && u.communities[s] {
				u.byID[ch.ID] = &household{id: ch.ID, community: s}
			}
		case ch.Table == "members" && ch.Column == "household_id":
			if s, ok := ch.Value.(string); ok {
				u.members[ch.ID] = s
			}
		}
		if slices.Contains(edited[ch.Table], ch.Column) {
			c := cell{ch.Table, ch.ID, ch.Column}
			if old := u.clocks[c]; old.Less(ch.Clock) {
				u.clocks[c] = ch.Clock
			}
		}
	}
}

// finish links members to households (at most three a household, the most
// a visit edits) and orders the households by id.
func (u *userData) finish(cursor string) {
	u.cursor = cursor
	ms := make([]string, 0, len(u.members))
	for m := range u.members {
		ms = append(ms, m)
	}
	slices.Sort(ms)
	for _, m := range ms {
		if h := u.byID[u.members[m]]; h != nil && len(h.members) < 3 {
			h.members = append(h.members, m)
		}
	}
	for _, h := range u.byID {
		u.households = append(u.households, h)
	}
	slices.SortFunc(u.households, func(a, b *household) int {
		if a.id < b.id {
			return -1
		}
		if a.id > b.id {
			return 1
		}
		return 0
	})
	u.byID, u.members = nil, nil
}
