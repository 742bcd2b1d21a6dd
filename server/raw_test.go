package server_test

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/xid"

	"doorstep/sync/change"
	"doorstep/sync/hlc"
	"doorstep/sync/wire"
)

// The tests of issue 10 talk to a real server process the way an
// independent client would: every request body is built here, byte by
// byte (JSON by encoding/json, changesets by wire.Marshal and gzip), and
// every answer is read as the status and the JSON code.

// rawServer is a server process on a temp database: a SQLite file, or a
// fresh PostgreSQL database under DOORSTEP_TEST_STORE=postgres.
type rawServer struct {
	*serverProc
	// insp is the handle tests read the database through (inspect).
	insp *sql.DB
}

func startRaw(t *testing.T, extra ...string) *rawServer {
	t.Helper()
	return &rawServer{serverProc: startServer(t, processDB(t, t.TempDir()), freeAddr(t), extra...)}
}

// inspect returns a handle on the server's database for reading (with
// "?" placeholders on either backend), opened once and closed when the
// test that started the server ends.
func (s *rawServer) inspect(t *testing.T) *sql.DB {
	t.Helper()
	if s.insp == nil {
		s.insp = inspectDB(s.tb, s.db)
	}
	return s.insp
}

// addUser adds a user with the admin command and returns its id.
func (s *rawServer) addUser(t *testing.T, args ...string) string {
	t.Helper()
	out := admin(t, s.db, append([]string{"user", "add"}, args...)...)
	var id string
	if _, err := fmt.Sscanf(out, "added user %s", &id); err != nil {
		t.Fatalf("user add: %q: %v", out, err)
	}
	return id
}

// rawDevice is an enrolled device known only by its token, site and user.
type rawDevice struct {
	srv   *rawServer
	token string
	site  string
	user  string
	// last is the HLC of the device's latest change, so its writes go
	// forward in time like a real device's.
	last atomic.Uint64
}

// rawAnswer is a server's answer: status, error code (if any), headers and
// body.
type rawAnswer struct {
	status int
	code   string
	header http.Header
	body   []byte
}

func (a rawAnswer) String() string {
	b := bytes.TrimSpace(a.body)
	if len(b) > 300 {
		b = b[:300]
	}
	return fmt.Sprintf("%d %q", a.status, b)
}

// do sends one request and reads the whole answer.
func (s *rawServer) do(t *testing.T, method, path, token string, body []byte, hdr map[string]string) rawAnswer {
	t.Helper()
	req, err := http.NewRequest(method, s.url()+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read answer: %v", method, path, err)
	}
	a := rawAnswer{status: resp.StatusCode, header: resp.Header, body: b}
	if resp.StatusCode >= 400 && len(b) > 0 {
		var e struct {
			Code string `json:"code"`
		}
		if err := json.Unmarshal(b, &e); err != nil {
			t.Fatalf("%s %s: error answer is not JSON: %q", method, path, b)
		}
		a.code = e.Code
	}
	return a
}

// enrollRaw enrolls a device for user with site (a new one when ""),
// failing the test unless the server answers 201.
func (s *rawServer) enrollRaw(t *testing.T, user, site string) *rawDevice {
	t.Helper()
	if site == "" {
		site = uuid.Must(uuid.NewV7()).String()
	}
	a := s.enrollAnswer(t, enrollCode(t, s.db, user), site)
	if a.status != http.StatusCreated {
		t.Fatalf("enroll: %s", a)
	}
	var resp struct {
		Token  string `json:"token"`
		SiteID string `json:"site_id"`
	}
	if err := json.Unmarshal(a.body, &resp); err != nil {
		t.Fatal(err)
	}
	return &rawDevice{srv: s, token: resp.Token, site: resp.SiteID, user: user}
}

// enrollAnswer posts an enrollment request body built here.
func (s *rawServer) enrollAnswer(t *testing.T, code, site string) rawAnswer {
	t.Helper()
	body, err := json.Marshal(map[string]string{"code": code, "device_name": "raw test device", "site_id": site})
	if err != nil {
		t.Fatal(err)
	}
	return s.do(t, http.MethodPost, "/v1/enroll", "", body, map[string]string{"Content-Type": "application/json"})
}

// tick returns the device's next HLC: now, or one past its last.
func (d *rawDevice) tick() hlc.Timestamp {
	for {
		last := d.last.Load()
		next := uint64(hlc.New(time.Now().UnixMilli(), 0))
		if next <= last {
			next = last + 1
		}
		if d.last.CompareAndSwap(last, next) {
			return hlc.Timestamp(next)
		}
	}
}

// row makes the changes of one form save: every column in vals, written at
// one new HLC by the device's site and user, with no base (a new row).
func (d *rawDevice) row(table, id string, vals map[string]any) []change.Change {
	at := d.tick()
	var out []change.Change
	for c, v := range vals {
		out = append(out, change.Change{Table: table, ID: id, Column: c, Value: v,
			Clock: change.Clock{HLC: at, Site: d.site}, User: d.user})
	}
	return out
}

// changeset encodes a push of changes under batch (a new xid when "").
func (d *rawDevice) changeset(t *testing.T, batch string, changes []change.Change) []byte {
	t.Helper()
	if batch == "" {
		batch = xid.New().String()
	}
	b, err := wire.Marshal(&change.Set{Batch: batch, Site: d.site, Changes: changes})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// push sends changes as one new batch.
func (d *rawDevice) push(t *testing.T, changes ...[]change.Change) rawAnswer {
	t.Helper()
	var all []change.Change
	for _, cs := range changes {
		all = append(all, cs...)
	}
	return d.pushBody(t, d.changeset(t, "", all))
}

// pushBody sends a push body as it is.
func (d *rawDevice) pushBody(t *testing.T, body []byte) rawAnswer {
	t.Helper()
	return d.srv.do(t, http.MethodPost, "/v1/push", d.token, body,
		map[string]string{"Content-Type": "application/vnd.doorstep.changeset+gzip"})
}

// mustPush pushes and fails the test unless the server acknowledges.
func (d *rawDevice) mustPush(t *testing.T, changes ...[]change.Change) {
	t.Helper()
	if a := d.push(t, changes...); a.status != http.StatusOK {
		t.Fatalf("push: %s", a)
	}
}

// get sends a GET (or HEAD) with the device's token.
func (d *rawDevice) get(t *testing.T, method, path string) rawAnswer {
	t.Helper()
	return d.srv.do(t, method, path, d.token, nil, nil)
}

// value reads one column of one row from the server's database (opened
// read-only beside the running server).
func (s *rawServer) value(t *testing.T, table, id, col string) any {
	t.Helper()
	var v any
	err := s.inspect(t).QueryRow(`SELECT `+col+` FROM `+table+` WHERE id = ?`, id).Scan(&v)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		t.Fatalf("read %s.%s of %s: %v", table, col, id, err)
	}
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}

// count runs a count query on the server's database.
func (s *rawServer) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.inspect(t).QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// newRowID returns a fresh row id.
func newRowID() string { return uuid.Must(uuid.NewV7()).String() }

// jsonList is a JSON array of strings, as list columns hold them.
func jsonList(xs ...string) string {
	b, _ := json.Marshal(xs)
	return string(b)
}

// rawQuery scans one row of a query on the server's database into dst.
func rawQuery(t *testing.T, s *rawServer, q string, dst ...any) error {
	t.Helper()
	return s.inspect(t).QueryRow(q).Scan(dst...)
}
