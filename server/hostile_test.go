package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rs/xid"

	"doorstep/schema"
	"doorstep/server/store"
	"doorstep/sync/change"
	"doorstep/sync/client"
	"doorstep/sync/client/api"
	"doorstep/sync/hlc"
	"doorstep/sync/wire"
)

// dumpTables are the server tables a refused request must leave unchanged:
// every synced table, the replica's metadata, and the server's own.
func dumpTables() []string {
	out := schema.Reg.Names()
	return append(out, "sync_rows", "sync_batches", "sync_writers", "sync_state",
		"push_batches", "blob_refs", "blobs", "blob_uploads", "blob_pending_refs", "users", "user_communities", "user_pairings", "devices", "enroll_codes")
}

// dump renders those tables canonically: every row, sorted.
func dump(tb testing.TB, st *store.Store) string {
	tb.Helper()
	var b strings.Builder
	for _, t := range dumpTables() {
		rows, err := st.DB().Query(`SELECT * FROM ` + t)
		if err != nil {
			tb.Fatalf("dump %s: %v", t, err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			lines = append(lines, fmt.Sprintf("%q", vals))
		}
		rows.Close()
		sort.Strings(lines)
		fmt.Fprintf(&b, "== %s (%d)\n%s\n", t, len(lines), strings.Join(lines, "\n"))
	}
	return b.String()
}

func gz(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// marshal encodes a hand-made changeset without the registry checks the
// decoder applies, so hostile content reaches the server as sent.
func marshal(tb testing.TB, set *change.Set) []byte {
	tb.Helper()
	b, err := wire.Marshal(set)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// rawResult is what the server answered a hand-made request.
type rawResult struct {
	status int
	err    api.Error
	header http.Header
	body   []byte
}

func (e *env) raw(tb testing.TB, method, path, token string, body []byte, hdr map[string]string) rawResult {
	tb.Helper()
	req, _ := http.NewRequest(method, e.ts.URL+path, bytes.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := rawResult{status: resp.StatusCode, header: resp.Header, body: b}
	json.Unmarshal(b, &r.err)
	return r
}

// TestHostileInput sends what a broken or malicious device might, and
// checks each gets its documented code and leaves the database as it was.
func TestHostileInput(t *testing.T) {
	e := newEnv(t, Config{BodyLimit: 64 << 10})
	ctx := context.Background()
	w := e.user(t, workerC1)
	vol := e.user(t, store.User{Name: "志愿者", Role: schema.RoleVolunteer, Pairings: []string{"p1"}})
	sup := e.user(t, store.User{Name: "张主任", Role: schema.RoleSupervisor})
	dw, dw2 := e.newDevice(t, w.ID), e.newDevice(t, w.ID)
	dv, ds := e.newDevice(t, vol.ID), e.newDevice(t, sup.ID)

	// Tokens that no longer work.
	revoked := e.newDevice(t, w.ID)
	if err := e.store.RevokeDevice(ctx, revoked.id); err != nil {
		t.Fatal(err)
	}
	code, _, _ := e.store.CreateEnrollCode(ctx, w.ID, time.Hour)
	expired, err := e.store.Enroll(ctx, code, "old tablet", "", time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Second)

	// Data the cases try to touch: a household, a review event, and one
	// acknowledged batch to replay.
	house := newID()
	dw.exec(t, `INSERT INTO households(id, community_id, head_name) VALUES (?, 'c1', '赵大爷')`, house)
	outbox, err := dw.rep.Outbox(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	firstAck, err := dw.client.Push(ctx, outbox)
	if err != nil {
		t.Fatal(err)
	}
	event := newID()
	ds.exec(t, `INSERT INTO review_events(id, community_id, record_table, record_id, action) VALUES (?, 'c1', 'households', ?, 'approve')`, event, house)
	ds.sync(t)
	dw.sync(t)

	now := func() hlc.Timestamp { return hlc.New(e.clock.Now().UnixMilli(), 0) }
	mk := func(d *device, user string, at hlc.Timestamp, cs ...change.Change) *change.Set {
		for i := range cs {
			cs[i].Clock = change.Clock{HLC: at, Site: d.rep.Site()}
			cs[i].User = user
		}
		return &change.Set{Batch: xid.New().String(), Site: d.rep.Site(), Changes: cs}
	}
	ch := func(table, id, col string, v any) change.Change {
		return change.Change{Table: table, ID: id, Column: col, Value: v}
	}
	push := func(set *change.Set) []byte { return gz(t, marshal(t, set)) }
	withGone := func(set *change.Set, id string) *change.Set {
		set.Gone = []change.RowRef{{Table: "households", ID: id}}
		return set
	}
	withSchema := func(set *change.Set, v byte) []byte {
		b := marshal(t, set)
		b[5] = v // magic (4 bytes), protocol (1), schema version (1)
		return gz(t, b)
	}
	valid := push(mk(dw, w.ID, now(), ch("households", house, "address", "解放路 1 号")))
	huge := make([]byte, 100<<10)
	rand.Read(huge)
	replay := push(outbox)

	type req struct {
		method, path, token string
		body                []byte
		hdr                 map[string]string
	}
	pushReq := func(d *device, body []byte) req {
		return req{"POST", api.PathPush, d.client.Token, body, map[string]string{"Content-Type": client.ContentType}}
	}
	cases := []struct {
		name   string
		req    req
		status int
		code   api.Code
	}{
		{"MalformedJSON", req{"POST", api.PathEnroll, "", []byte(`{"code": `), map[string]string{"Content-Type": "application/json"}}, 400, api.CodeBadRequest},
		{"UnknownJSONField", req{"POST", api.PathEnroll, "", []byte(`{"code":"x","admin":true}`), nil}, 400, api.CodeBadRequest},
		{"NotGzip", pushReq(dw, []byte("hello")), 400, api.CodeBadRequest},
		{"TruncatedGzip", pushReq(dw, valid[:len(valid)/2]), 400, api.CodeBadRequest},
		{"NotAChangeset", pushReq(dw, gz(t, []byte("just some text"))), 400, api.CodeBadRequest},
		{"BodyOverLimit", pushReq(dw, huge), 413, api.CodeTooLarge},
		{"UnknownTable", pushReq(dw, push(mk(dw, w.ID, now(), ch("secrets", newID(), "x", "y")))), 422, api.CodeUnknownTable},
		{"UnknownColumn", pushReq(dw, push(mk(dw, w.ID, now(), ch("households", house, "password", "y")))), 422, api.CodeUnknownColumn},
		{"ColumnNameIsSQL", pushReq(dw, push(mk(dw, w.ID, now(), ch("households", house, "head_name = 'x'; DROP TABLE households; --", "y")))), 422, api.CodeUnknownColumn},
		{"TableNameIsSQL", pushReq(dw, push(mk(dw, w.ID, now(), ch("households WHERE 1=1; --", house, "head_name", "y")))), 422, api.CodeUnknownTable},
		{"PushListsGoneRows", pushReq(dw, push(withGone(mk(dw, w.ID, now(), ch("households", house, "address", "解放路 2 号")), house))), 400, api.CodeBadRequest},
		{"TextForInteger", pushReq(dw, push(mk(dw, w.ID, now(), ch("households", house, "benefit_fen", "lots")))), 422, api.CodeBadValue},
		{"IntegerForText", pushReq(dw, push(mk(dw, w.ID, now(), ch("households", house, "head_name", int64(7))))), 422, api.CodeBadValue},
		{"DeletedNotBoolean", pushReq(dw, push(mk(dw, w.ID, now(), ch("households", house, "deleted", int64(5))))), 422, api.CodeBadValue},
		{"NoBatchID", pushReq(dw, push(&change.Set{Site: dw.rep.Site(), Changes: mk(dw, w.ID, now(), ch("households", house, "address", "x")).Changes})), 400, api.CodeBadRequest},
		{"AnotherDevicesSite", pushReq(dw, push(mk(dw2, w.ID, now(), ch("households", house, "address", "x")))), 403, api.CodeSiteMismatch},
		{"AnotherUser", pushReq(dw, push(mk(dw, sup.ID, now(), ch("households", house, "address", "x")))), 403, api.CodeSiteMismatch},
		{"VolunteerMeansTestData", pushReq(dv, push(mk(dv, vol.ID, now(), ch("incomes", newID(), "monthly_fen", int64(100)), ch("incomes", newID(), "community_id", "c1")))), 403, api.CodeForbiddenRole},
		{"VolunteerOtherPairing", pushReq(dv, push(mk(dv, vol.ID, now(), ch("volunteer_visits", newID(), "pairing_id", "p9")))), 403, api.CodeForbiddenScope},
		{"WorkerOtherCommunity", pushReq(dw, push(mk(dw, w.ID, now(), ch("households", newID(), "community_id", "c7")))), 403, api.CodeForbiddenScope},
		{"MoveRowOutOfScope", pushReq(dw, push(mk(dw, w.ID, now(), ch("households", house, "community_id", "c7")))), 403, api.CodeForbiddenScope},
		{"OneBadChangeRefusesAll", pushReq(dw, push(mk(dw, w.ID, now(), ch("households", house, "address", "ok"), ch("households", newID(), "community_id", "c8")))), 403, api.CodeForbiddenScope},
		{"EditRecordedEvent", pushReq(ds, push(mk(ds, sup.ID, now(), ch("review_events", event, "action", "reject")))), 403, api.CodeAppendOnly},
		{"NoToken", req{"POST", api.PathPush, "", valid, nil}, 401, api.CodeUnauthorized},
		{"GarbageToken", req{"POST", api.PathPush, "Bearer Bearer", valid, nil}, 401, api.CodeUnauthorized},
		{"ExpiredToken", req{"POST", api.PathPush, expired.Token, valid, nil}, 401, api.CodeExpired},
		{"RevokedToken", req{"POST", api.PathPush, revoked.client.Token, valid, nil}, 401, api.CodeRevoked},
		{"SchemaTooOld", pushReq(dw, withSchema(mk(dw, w.ID, now(), ch("households", house, "address", "x")), 0)), 426, api.CodeSchemaTooOld},
		{"SchemaTooNew", pushReq(dw, withSchema(mk(dw, w.ID, now(), ch("households", house, "address", "x")), schema.Version+1)), 422, api.CodeSchemaTooNew},
		{"ClockFarAhead", pushReq(dw, push(mk(dw, w.ID, hlc.New(e.clock.Now().Add(48*time.Hour).UnixMilli(), 0), ch("households", house, "address", "x")))), 422, api.CodeClockAhead},
		{"BadCursor", req{"GET", api.PathPull + "?cursor=1.x.y.9.3", dw.client.Token, nil, nil}, 400, api.CodeBadRequest},
		{"BlobHashMismatch", req{"PUT", api.PathBlobs + strings.Repeat("ab", 32), dw.client.Token, []byte("not those bytes"), nil}, 422, api.CodeHashMismatch},
		{"BlobPathTraversal", req{"PUT", api.PathBlobs + "..%2F..%2Fetc%2Fpasswd", dw.client.Token, []byte("x"), nil}, 400, api.CodeBadRequest},
	}
	before := dump(t, e.store)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.raw(t, tc.req.method, tc.req.path, tc.req.token, tc.req.body, tc.req.hdr)
			if r.status != tc.status || r.err.Code != tc.code {
				t.Errorf("got %d %q (%s), want %d %q", r.status, r.err.Code, r.err.Message, tc.status, tc.code)
			}
			if r.err.Message == "" {
				t.Error("error without a message")
			}
			if tc.code == api.CodeClockAhead && (r.err.ServerTime == nil || !r.err.ServerTime.Equal(e.clock.Now())) {
				t.Errorf("clock_ahead carries server time %v, want %v", r.err.ServerTime, e.clock.Now())
			}
			if after := dump(t, e.store); after != before {
				t.Errorf("database changed:\n%s", diffLines(before, after))
			}
		})
	}
	t.Run("ReplayedBatch", func(t *testing.T) {
		r := e.raw(t, "POST", api.PathPush, dw.client.Token, replay, map[string]string{"Content-Type": client.ContentType})
		var ack api.PushAck
		json.Unmarshal(r.body, &ack)
		if r.status != 200 || ack != firstAck || r.header.Get(api.HeaderReplayed) != "true" {
			t.Errorf("replay: %d %+v (replayed %q), want the first ack %+v", r.status, ack, r.header.Get(api.HeaderReplayed), firstAck)
		}
		if after := dump(t, e.store); after != before {
			t.Errorf("database changed:\n%s", diffLines(before, after))
		}
	})
	t.Run("ControlStillAccepted", func(t *testing.T) {
		r := e.raw(t, "POST", api.PathPush, dw.client.Token, valid, nil)
		if r.status != 200 {
			t.Errorf("a valid push after the hostile ones: %d %s", r.status, r.body)
		}
		if dump(t, e.store) == before {
			t.Error("the dump did not notice an accepted push")
		}
	})
}

// diffLines shows lines present in only one of two dumps.
func diffLines(a, b string) string {
	in := map[string]int{}
	for _, l := range strings.Split(a, "\n") {
		in[l]++
	}
	for _, l := range strings.Split(b, "\n") {
		in[l]--
	}
	var out []string
	for l, n := range in {
		switch {
		case n > 0:
			out = append(out, "- "+l)
		case n < 0:
			out = append(out, "+ "+l)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}
