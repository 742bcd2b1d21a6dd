package server_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/google/uuid"
	_ "modernc.org/sqlite" // plain read-only access to the stopped server's database

	"doorstep/schema"
	"doorstep/schema/scope"
	"doorstep/server/store"
	"doorstep/sync/client"
	"doorstep/sync/client/api"
	"doorstep/sync/replica"
)

// e2eDevice is a device in the end-to-end tests: a real device replica
// database in a temp dir and the HTTP client, driven from the test
// goroutine.
type e2eDevice struct {
	name   string
	user   string
	rep    *replica.Replica
	client *client.Client
}

func newE2EDevice(tb testing.TB, srv *serverProc, name, user string) *e2eDevice {
	tb.Helper()
	return newE2EDeviceWith(tb, srv, name, user, func(c *client.Client, code string, d *e2eDevice) error {
		_, err := c.Enroll(context.Background(), code, name, d.rep.Site())
		return err
	})
}

// newE2EDeviceWith is newE2EDevice enrolling through enroll.
func newE2EDeviceWith(tb testing.TB, srv *serverProc, name, user string, enroll func(c *client.Client, code string, d *e2eDevice) error) *e2eDevice {
	tb.Helper()
	ctx := context.Background()
	rep, err := replica.Open(ctx, filepath.Join(tb.TempDir(), name+".db"), replica.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { rep.Close() })
	if err := rep.SetUser(ctx, user); err != nil {
		tb.Fatal(err)
	}
	c := client.New(srv.url(), "")
	d := &e2eDevice{name: name, user: user, rep: rep, client: c}
	if err := enroll(c, enrollCode(tb, srv.db, user), d); err != nil {
		tb.Fatalf("enroll %s: %v", name, err)
	}
	me, err := c.Me(ctx)
	if err != nil || me.User.ID != user || me.SiteID != rep.Site() {
		tb.Fatalf("enroll %s: %+v %v", name, me, err)
	}
	return d
}

func (d *e2eDevice) exec(tb testing.TB, q string, args ...any) {
	tb.Helper()
	if _, err := d.rep.DB().Exec(q, args...); err != nil {
		tb.Fatalf("%s: %s: %v", d.name, q, err)
	}
}

func (d *e2eDevice) sync(tb testing.TB) client.Stats {
	tb.Helper()
	st, err := d.client.Sync(context.Background(), d.rep, client.SyncOptions{BatchRows: 50})
	if err != nil {
		tb.Fatalf("%s: sync: %v", d.name, err)
	}
	return st
}

func uid() string { return uuid.Must(uuid.NewV7()).String() }

// rowDump reads every row of every synced table as table/id → canonical
// text of all its values.
func rowDump(tb testing.TB, db *sql.DB) map[string]string {
	tb.Helper()
	out := map[string]string{}
	for _, t := range schema.Reg.Tables() {
		cols := "id, " + strings.Join(t.ColumnNames(), ", ")
		rows, err := db.Query(`SELECT ` + cols + ` FROM ` + t.Name)
		if err != nil {
			tb.Fatal(err)
		}
		for rows.Next() {
			vals := make([]any, len(t.Columns)+1)
			ptrs := make([]any, len(vals))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			out[t.Name+"/"+vals[0].(string)] = fmt.Sprintf("%#v", vals[1:])
		}
		rows.Close()
	}
	return out
}

// visibleOnServer computes, from the server's rows and the scope policy,
// which rows each user must hold.
func visibleOnServer(tb testing.TB, db *sql.DB, u *scope.User) map[string]bool {
	tb.Helper()
	type key struct{ table, id string }
	rowsOf := map[key]scope.Row{}
	for _, t := range schema.Reg.Tables() {
		cols := scope.Columns(t)
		q := `SELECT id`
		for _, c := range cols {
			q += ", " + c
		}
		rows, err := db.Query(q + ` FROM ` + t.Name)
		if err != nil {
			tb.Fatal(err)
		}
		for rows.Next() {
			vals := make([]any, len(cols)+1)
			ptrs := make([]any, len(vals))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatal(err)
			}
			id := vals[0].(string)
			rowsOf[key{t.Name, id}] = scope.NewRow(t, id, func(c string) any {
				for i, x := range cols {
					if x == c {
						return vals[i+1]
					}
				}
				return nil
			})
		}
		rows.Close()
	}
	out := map[string]bool{}
	for k, r := range rowsOf {
		t, _ := schema.Reg.Table(k.table)
		if st, sid, ok := scope.Subject(t, r); ok {
			if subj, ok := rowsOf[key{st, sid}]; ok {
				r.Subject = &subj
			}
		}
		if scope.CanRead(u, t, r) {
			out[k.table+"/"+k.id] = true
		}
	}
	return out
}

// TestEndToEnd runs the real server binary with five devices of different
// roles and scopes, each editing its own replica offline and syncing in a
// random order, then checks that each device holds exactly what its user
// may see, with the server's values, and that the admin commands work on
// the live database.
func TestEndToEnd(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := processDB(t, dir)
	srv := startServer(t, db, freeAddr(t))

	ids := map[string]string{
		"district": uid(), "street": uid(), "caseworker": uid(), "inspector": uid(), "volunteer": uid(),
	}
	c1, c2, c3 := uid(), uid(), uid()
	s1, s2 := uid(), uid()
	p1, p2 := uid(), uid()
	e1, e2 := uid(), uid()
	admin(t, db, "user", "add", "--id", ids["district"], "--name", "区民政局 刘", "--role", "supervisor")
	admin(t, db, "user", "add", "--id", ids["street"], "--name", "街道 陈", "--role", "supervisor", "--street", s1)
	admin(t, db, "user", "add", "--id", ids["caseworker"], "--name", "社区 王芳", "--role", "worker", "--communities", c1)
	admin(t, db, "user", "add", "--id", ids["inspector"], "--name", "社区 李娜", "--role", "worker", "--communities", c2)
	admin(t, db, "user", "add", "--id", ids["volunteer"], "--name", "志愿者 赵", "--role", "volunteer", "--pairings", p1)
	if out := admin(t, db, "user", "list"); strings.Count(out, "\n") != 6 {
		t.Errorf("user list:\n%s", out)
	}
	qr := filepath.Join(dir, "code.png")
	out := admin(t, db, "enroll-code", "--user", ids["caseworker"], "--server", srv.url(), "--qr", qr)
	if png, err := os.ReadFile(qr); err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) || !strings.Contains(out, "doorstep://enroll?") {
		t.Errorf("enroll-code QR: %v\n%s", err, out)
	}

	district := newE2EDevice(t, srv, "district", ids["district"])
	street := newE2EDevice(t, srv, "street", ids["street"])
	caseworker := newE2EDevice(t, srv, "caseworker", ids["caseworker"])
	inspector := newE2EDevice(t, srv, "inspector", ids["inspector"])
	volunteer := newE2EDevice(t, srv, "volunteer", ids["volunteer"])
	devices := []*e2eDevice{district, street, caseworker, inspector, volunteer}

	// Reference data from the district office; the caseworker's elders and
	// the volunteer pairing.
	district.exec(t, `INSERT INTO streets(id, name) VALUES (?, '焦西街道'), (?, '民主街道')`, s1, s2)
	district.exec(t, `INSERT INTO communities(id, street_id, name) VALUES (?, ?, '新华社区'), (?, ?, '中州社区'), (?, ?, '民主社区')`, c1, s1, c2, s1, c3, s2)
	district.sync(t)
	caseworker.exec(t, `INSERT INTO elders(id, community_id, name, phone) VALUES (?, ?, '孙奶奶', '13800000001'), (?, ?, '周大爷', '13800000002')`, e1, c1, e2, c1)
	caseworker.exec(t, `INSERT INTO volunteer_pairings(id, elder_id, community_id, mode, volunteer_ids) VALUES (?, ?, ?, 'one_to_one', ?), (?, ?, ?, 'one_to_one', '[]')`,
		p1, e1, c1, `["`+ids["volunteer"]+`"]`, p2, e2, c1)
	caseworker.sync(t)

	// An unannounced spot check of a c1 household, by the inspector from c2.
	house0 := uid()
	caseworker.exec(t, `INSERT INTO households(id, community_id, head_name, caseworker_id, benefit_fen) VALUES (?, ?, '赵大爷', ?, 50000)`, house0, c1, ids["caseworker"])
	caseworker.sync(t)
	street.sync(t)
	batch, check := uid(), uid()
	street.exec(t, `INSERT INTO spot_batches(id, street_id, method, rate_pct) VALUES (?, ?, 'random', 30)`, batch, s1)
	street.exec(t, `INSERT INTO spot_checks(id, batch_id, household_id, community_id, caseworker_id, inspector_ids, unannounced, planned_on)
		VALUES (?, ?, ?, ?, ?, ?, 1, '2026-05-01')`, check, batch, house0, c1, ids["caseworker"], `["`+ids["inspector"]+`"]`)
	street.sync(t)

	// A photo: uploaded by the caseworker, referenced from a visit.
	photo := bytes.Repeat([]byte("照片"), 50_000)
	hash, err := caseworker.client.UploadBlob(ctx, bytes.NewReader(photo), int64(len(photo)))
	if err != nil {
		t.Fatal(err)
	}
	visit := uid()
	caseworker.exec(t, `INSERT INTO means_visits(id, household_id, community_id, photos) VALUES (?, ?, ?, ?)`, visit, house0, c1, `["`+hash+`"]`)

	// Rounds of offline edits and syncs in random order.
	rng := rand.New(rand.NewPCG(4, 2))
	households := []string{house0}
	var visits []string
	for round := 0; round < 6; round++ {
		for _, d := range devices {
			switch d {
			case caseworker:
				h := uid()
				households = append(households, h)
				d.exec(t, `INSERT INTO households(id, community_id, head_name, benefit_fen) VALUES (?, ?, ?, ?)`, h, c1, fmt.Sprintf("户主%d", round), int64(rng.IntN(90000)))
				d.exec(t, `INSERT INTO members(id, household_id, community_id, name) VALUES (?, ?, ?, '成员'), (?, ?, ?, '成员二')`, uid(), h, c1, uid(), h, c1)
				d.exec(t, `UPDATE households SET benefit_fen = ?, status = 'active' WHERE id = ?`, int64(rng.IntN(90000)), households[rng.IntN(len(households))])
			case street:
				d.exec(t, `UPDATE households SET benefit_fen = ? WHERE id = ?`, int64(rng.IntN(90000)), households[rng.IntN(len(households))])
				d.exec(t, `INSERT INTO review_events(id, community_id, record_table, record_id, household_id, action) VALUES (?, ?, 'means_visits', ?, ?, 'approve')`, uid(), c1, visit, house0)
			case district:
				d.exec(t, `UPDATE communities SET name = ? WHERE id = ?`, fmt.Sprintf("社区%d", round), c2)
				d.exec(t, `UPDATE households SET head_name = ? WHERE id = ?`, fmt.Sprintf("改名%d", round), households[rng.IntN(len(households))])
			case inspector:
				d.exec(t, `UPDATE spot_checks SET notes = ?, found = 1 WHERE id = ?`, fmt.Sprintf("第%d次走访", round), check)
			case volunteer:
				v := uid()
				visits = append(visits, v)
				d.exec(t, `INSERT INTO volunteer_visits(id, pairing_id, elder_id, community_id, volunteer_id, wellbeing) VALUES (?, ?, ?, ?, ?, 'good')`, v, p1, e1, c1, ids["volunteer"])
			}
		}
		for _, i := range rng.Perm(len(devices)) {
			devices[i].sync(t)
		}
	}
	// Two quiet rounds: everything has reached everyone.
	for i := 0; i < 2; i++ {
		for _, d := range devices {
			d.sync(t)
		}
	}

	// Blobs follow the referencing row's scope.
	var buf bytes.Buffer
	if _, err := street.client.DownloadBlob(ctx, hash, 0, &buf); err != nil || !bytes.Equal(buf.Bytes(), photo) {
		t.Errorf("street supervisor downloading the photo: %v", err)
	}
	if _, err := volunteer.client.DownloadBlob(ctx, hash, 0, io.Discard); api.ErrorCode(err) != api.CodeNotFound {
		t.Errorf("volunteer downloading a means-test photo: %v", err)
	}

	// Admin commands on the live database: a revoked device is refused at
	// once; the device list shows the devices.
	extra := newE2EDevice(t, srv, "extra", ids["caseworker"])
	if _, err := extra.client.Me(ctx); err != nil {
		t.Fatal(err)
	}
	me, _ := extra.client.Me(ctx)
	admin(t, db, "device", "revoke", me.DeviceID)
	if _, err := extra.client.Me(ctx); api.ErrorCode(err) != api.CodeRevoked {
		t.Errorf("revoked device: %v", err)
	}

	// Graceful stop, then look at the server's database directly.
	srv.stop(syscall.SIGTERM)
	if !strings.Contains(srv.logs(), `"msg":"stopped"`) {
		t.Errorf("no clean stop after SIGTERM:\n%s", srv.logs())
	}
	list := admin(t, db, "devices", "list")
	if strings.Count(list, "revoked") != 1 || strings.Count(list, "active") != 5 {
		t.Errorf("devices list:\n%s", list)
	}
	sdb := inspectDB(t, db)
	server := rowDump(t, sdb)
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	for _, d := range devices {
		u, err := st.Access(ctx, d.user)
		if err != nil {
			t.Fatal(err)
		}
		want := visibleOnServer(t, sdb, u)
		got := rowDump(t, d.rep.DB())
		var missing, extra, differ []string
		for k := range want {
			if _, ok := got[k]; !ok {
				missing = append(missing, k)
			}
		}
		for k, v := range got {
			switch {
			case !want[k]:
				extra = append(extra, k)
			case v != server[k]:
				differ = append(differ, k+": device "+v+", server "+server[k])
			}
		}
		sort.Strings(missing)
		sort.Strings(extra)
		if len(missing)+len(extra)+len(differ) > 0 {
			t.Errorf("%s holds %d rows, may see %d: missing %v, outside its scope %v, differing %v", d.name, len(got), len(want), missing, extra, differ)
		}
		t.Logf("%s: %d rows", d.name, len(got))
	}

	// The specific promises, spelled out.
	has := func(d *e2eDevice, table, id string) bool { _, ok := rowDump(t, d.rep.DB())[table+"/"+id]; return ok }
	if has(caseworker, "spot_checks", check) {
		t.Error("the caseworker received the unannounced spot check of their household")
	}
	if !has(inspector, "spot_checks", check) || !has(street, "spot_checks", check) {
		t.Error("the inspector or the supervisor lacks the spot check")
	}
	if has(volunteer, "households", house0) || has(volunteer, "elders", e2) || has(volunteer, "volunteer_pairings", p2) {
		t.Error("the volunteer received rows outside their pairing")
	}
	if !has(volunteer, "elders", e1) || !has(volunteer, "volunteer_pairings", p1) {
		t.Error("the volunteer lacks their paired elder")
	}
	for _, v := range visits {
		if !has(caseworker, "volunteer_visits", v) {
			t.Errorf("the caseworker lacks volunteer visit %s", v)
		}
	}
	if has(inspector, "households", house0) {
		t.Error("the inspector from another community received the household")
	}
	var conflicts int
	sdb.QueryRow(`SELECT count(*) FROM conflicts`).Scan(&conflicts)
	t.Logf("server: %d rows, %d conflict records", len(server), conflicts)
}
