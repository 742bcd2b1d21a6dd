package evidence

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"time"

	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/replica"
)

// device is a test device: a replica, its evidence key and signer, its
// attachment folder and a clock tests move.
// tester is what the fixture needs of a *testing.T or a *rapid.T.
type tester interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

type device struct {
	tb     tester
	ctx    context.Context
	name   string
	rep    *replica.Replica
	key    Key
	signer Signer
	blobs  string
	clock  *testClock
	ids    *idGen
}

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// idGen makes distinct, v7-shaped UUIDs, shared by every device of a test.
type idGen struct {
	mu sync.Mutex
	n  int
}

func (g *idGen) next() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n++
	return fmt.Sprintf("0195a000-%04x-7000-8000-%012x", g.n>>16&0xffff, g.n)
}

// templates holds, per target, a migrated replica file: new replicas
// start as copies of it with their own site id, which saves most of the
// cost of opening a database.
var templates sync.Map // schema.Target -> []byte

// templateSite is the template's site id; a copy gets its own site by
// replacing these 36 bytes wherever they occur.
const templateSite = "00000000-0000-4000-8000-00000000ffff"

// openReplica opens a new replica at path for site, from the template.
func openReplica(tb tester, path string, target schema.Target, site string, now func() time.Time) *replica.Replica {
	tb.Helper()
	ctx := context.Background()
	b, ok := templates.Load(target)
	if !ok {
		dir, err := os.MkdirTemp("", "evidence-template")
		if err != nil {
			tb.Fatal(err)
		}
		defer os.RemoveAll(dir)
		tp := filepath.Join(dir, "t.db")
		r, err := replica.Open(ctx, tp, replica.Options{Target: target, Site: templateSite})
		if err != nil {
			tb.Fatal(err)
		}
		if err := r.Close(); err != nil {
			tb.Fatal(err)
		}
		data, err := os.ReadFile(tp)
		if err != nil {
			tb.Fatal(err)
		}
		b, _ = templates.LoadOrStore(target, data)
	}
	if err := os.WriteFile(path, bytes.ReplaceAll(b.([]byte), []byte(templateSite), []byte(site)), 0o644); err != nil {
		tb.Fatal(err)
	}
	r, err := replica.Open(ctx, path, replica.Options{Target: target, Now: now, Site: site})
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

var epoch = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// seedReader is a deterministic randomness source for keys.
type seedReader struct{ r *rand.ChaCha8 }

func (s seedReader) Read(p []byte) (int, error) { return s.r.Read(p) }

func newSeedReader(seed byte) seedReader {
	var k [32]byte
	k[0] = seed
	return seedReader{rand.NewChaCha8(k)}
}

// newDevice opens a device replica in dir with a key made from seed; it is
// closed when the test ends (a *rapid.T's caller closes it).
func newDevice(tb tester, dir, name string, seed byte, ids *idGen) *device {
	tb.Helper()
	ctx := context.Background()
	clock := &testClock{now: epoch}
	site := fmt.Sprintf("0195b000-0000-7000-8000-%012x", seed)
	rep := openReplica(tb, filepath.Join(dir, name+".db"), schema.Device, site, clock.Now)
	if c, ok := tb.(interface{ Cleanup(func()) }); ok {
		c.Cleanup(func() { rep.Close() })
	}
	user := "user-" + name
	if err := rep.SetUser(ctx, user); err != nil {
		tb.Fatal(err)
	}
	key, err := DeviceKey(ctx, rep.DB(), newSeedReader(seed), clock.Now())
	if err != nil {
		tb.Fatal(err)
	}
	d := &device{tb: tb, ctx: ctx, name: name, rep: rep, key: key, clock: clock, ids: ids,
		blobs: filepath.Join(dir, name+"-blobs")}
	d.signer = Signer{Key: key, Site: site, User: user, Now: clock.Now, NewID: ids.next}
	return d
}

// keys returns the keyring holding each device's key for its site.
func keysOf(ds ...*device) Keys {
	k := Keys{}
	for _, d := range ds {
		k[d.rep.Site()] = append(k[d.rep.Site()], RegisteredKey{Public: d.key.Public()})
	}
	return k
}

// verifier returns a verifier with the devices' keys, reading d's blobs.
func (d *device) verifier(all ...*device) Verifier {
	if len(all) == 0 {
		all = []*device{d}
	}
	return Verifier{Keys: keysOf(all...), Blobs: BlobDir{Dir: d.blobs}}
}

// putBlob stores data in the device's attachment folder and returns its hash.
func (d *device) putBlob(data []byte) string {
	d.tb.Helper()
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	if err := os.MkdirAll(d.blobs, 0o700); err != nil {
		d.tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d.blobs, h), data, 0o600); err != nil {
		d.tb.Fatal(err)
	}
	return h
}

// exec runs one statement on the device database, failing the test on error.
func (d *device) exec(q string, args ...any) {
	d.tb.Helper()
	if _, err := d.rep.DB().ExecContext(d.ctx, q, args...); err != nil {
		d.tb.Fatalf("%s: %s: %v", d.name, q, err)
	}
}

// submit runs write and then Append in one transaction, like a form's
// submit, and returns the entry.
func (d *device) submit(table, id string, write func(tx *sql.Tx) error) Stored {
	d.tb.Helper()
	d.clock.advance(time.Minute)
	tx, err := d.rep.DB().BeginTx(d.ctx, nil)
	if err != nil {
		d.tb.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	if err := write(tx); err != nil {
		d.tb.Fatal(err)
	}
	opened := d.clock.Now().Add(-20 * time.Minute)
	s, err := d.signer.Append(d.ctx, tx, Submit{Table: table, ID: id, OpenedAt: opened,
		Sections: []Section{{"household", 300}, {"members", 420}, {"incomes", 240}}})
	if err != nil {
		d.tb.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		d.tb.Fatal(err)
	}
	return s
}

// household is a test household and the ids of its rows.
type household struct {
	id, community string
	members       []string
	incomes       []string
	assets        []string
}

// newHousehold writes a household with two members, two incomes and a
// dwelling, as a first visit would, inside tx.
func (d *device) newHousehold(tx *sql.Tx, community string) (household, error) {
	h := household{id: d.ids.next(), community: community}
	if _, err := tx.ExecContext(d.ctx, `INSERT INTO households (id, community_id, ref_code, address, urban,
		head_name, hardship_cause, staff_relative, hukou_local, class, status, applied_on, caseworker_id)
		VALUES (?, ?, 'H-1', '幸福路12号3栋201室', 1, '王建国', 'illness', 0, 1, 'B', 'applicant', '2026-03-01', ?)`,
		h.id, community, d.signer.User); err != nil {
		return h, err
	}
	for i, name := range []string{"王建国", "李秀英"} {
		m := d.ids.next()
		h.members = append(h.members, m)
		if _, err := tx.ExecContext(d.ctx, `INSERT INTO members (id, household_id, community_id, name, id_number,
			sex, birth_date, relationship, counted) VALUES (?, ?, ?, ?, ?, ?, '1958-04-01', ?, 1)`,
			m, h.id, community, name, fmt.Sprintf("11010519580401%04d", i), []string{"M", "F"}[i],
			[]string{"self", "spouse"}[i]); err != nil {
			return h, err
		}
		in := d.ids.next()
		h.incomes = append(h.incomes, in)
		if _, err := tx.ExecContext(d.ctx, `INSERT INTO incomes (id, household_id, member_id, community_id, kind,
			monthly_fen, note) VALUES (?, ?, ?, ?, 'pension', ?, '')`, in, h.id, m, community, int64(120000+i*1000)); err != nil {
			return h, err
		}
	}
	a := d.ids.next()
	h.assets = append(h.assets, a)
	_, err := tx.ExecContext(d.ctx, `INSERT INTO assets (id, household_id, community_id, kind, floor_area,
		dwelling_type, value_fen) VALUES (?, ?, ?, 'dwelling', 62.5, 'flat', 0)`, a, h.id, community)
	return h, err
}

// writeVisit writes a submitted means_visits row for household h with a
// photo and the applicant's and a staff member's signatures.
func (d *device) writeVisit(tx *sql.Tx, id string, h household, photo, sig, staffSig string) error {
	_, err := tx.ExecContext(d.ctx, `INSERT INTO means_visits (id, household_id, community_id, ref_code, purpose,
		method, started_at, staff_ids, observations, photos, applicant_signature, staff_signatures, state,
		submitted_at, author_id) VALUES (?, ?, ?, 'V-1', 'application', 'home', ?, '["s1"]', '家中陈设简单',
		?, ?, ?, 'submitted', ?, ?)`,
		id, h.id, h.community, d.clock.Now().Add(-20*time.Minute).Format(time.RFC3339),
		`["`+photo+`"]`, sig, `{"s1":"`+staffSig+`"}`, d.clock.Now().Format(time.RFC3339), d.signer.User)
	return err
}

// visit submits a first means-test visit of a new household in community
// c1, with three attachments, and returns the household and the visit id.
func (d *device) visit() (household, string, Stored) {
	d.tb.Helper()
	var h household
	id := d.ids.next()
	photo := d.putBlob([]byte("photo of the kitchen " + id))
	sig := d.putBlob([]byte("applicant signature strokes " + id))
	staff := d.putBlob([]byte("staff signature strokes " + id))
	s := d.submit("means_visits", id, func(tx *sql.Tx) error {
		var err error
		if h, err = d.newHousehold(tx, "c1"); err != nil {
			return err
		}
		return d.writeVisit(tx, id, h, photo, sig, staff)
	})
	return h, id, s
}

// recheck submits a second visit of household h that changes the first
// income to fen.
func (d *device) recheck(h household, fen int64) (string, Stored) {
	d.tb.Helper()
	return d.recheckIncome(h, h.incomes[0], fen)
}

// recheckIncome submits a visit of household h that sets income to fen.
func (d *device) recheckIncome(h household, income string, fen int64) (string, Stored) {
	d.tb.Helper()
	id := d.ids.next()
	photo := d.putBlob([]byte("photo of the yard " + id))
	s := d.submit("means_visits", id, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(d.ctx, `UPDATE incomes SET monthly_fen = ? WHERE id = ?`, fen, income); err != nil {
			return err
		}
		return d.writeVisit(tx, id, h, photo, photo, photo)
	})
	return id, s
}

// spotCheck submits a spot check of household h.
func (d *device) spotCheck(h household) string {
	d.tb.Helper()
	id := d.ids.next()
	d.submit("spot_checks", id, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(d.ctx, `INSERT INTO spot_checks (id, household_id, community_id, inspector_ids,
			unannounced, found, living_there, outcome, state, author_id) VALUES (?, ?, ?, '["s1","s2"]', 1, 1, 1,
			'still_eligible', 'submitted', ?)`, id, h.id, h.community, d.signer.User)
		return err
	})
	return id
}

// screening submits an elder's needs screening, with the elder's row.
func (d *device) screening() (elder, id string) {
	d.tb.Helper()
	elder, id = d.ids.next(), d.ids.next()
	d.submit("elder_screenings", id, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(d.ctx, `INSERT INTO elders (id, community_id, name, sex, birth_date, address)
			VALUES (?, 'c1', '赵桂兰', 'F', '1946-05-01', '幸福路3号')`, elder); err != nil {
			return err
		}
		_, err := tx.ExecContext(d.ctx, `INSERT INTO elder_screenings (id, elder_id, community_id, screened_on,
			reason, b_feeding, barthel_total, state, author_id) VALUES (?, ?, 'c1', '2026-03-02', 'first', 10, 85,
			'submitted', ?)`, id, elder, d.signer.User)
		return err
	})
	return elder, id
}

// volunteerVisit submits a volunteer's visit log for elder.
func (d *device) volunteerVisit(elder string) string {
	d.tb.Helper()
	id, pairing := d.ids.next(), d.ids.next()
	d.submit("volunteer_visits", id, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(d.ctx, `INSERT INTO volunteer_visits (id, pairing_id, elder_id, community_id,
			volunteer_id, need, services, wellbeing, state) VALUES (?, ?, ?, 'c1', ?, 'emotional', '["chat"]',
			'good', 'submitted')`, id, pairing, elder, d.signer.User)
		return err
	})
	return id
}

// audit verifies everything in db with v and returns the verdicts by
// record id.
func audit(tb tester, db Querier, v Verifier) map[string]Verdict {
	tb.Helper()
	vs, err := Audit(context.Background(), db, v, "")
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]Verdict{}
	for _, vd := range vs {
		out[vd.Record.ID] = vd
	}
	return out
}

// codes returns the reason codes of a verdict.
func codes(v Verdict) []Code {
	var out []Code
	for _, r := range v.Reasons {
		out = append(out, r.Code)
	}
	return out
}

// hasReason reports whether v has a reason with code matching want's
// non-empty fields.
func hasReason(v Verdict, want Reason) bool {
	for _, r := range v.Reasons {
		if r.Code == want.Code && (want.Table == "" || r.Table == want.Table) && (want.Row == "" || r.Row == want.Row) &&
			(want.Column == "" || r.Column == want.Column) && (want.Hash == "" || r.Hash == want.Hash) &&
			(want.Signed == "" || r.Signed == want.Signed) && (want.Current == "" || r.Current == want.Current) {
			return true
		}
	}
	return false
}

// entries reads every evidence entry of db.
func entries(tb tester, db Querier) []Stored {
	tb.Helper()
	ss, err := ReadEntries(context.Background(), db, "")
	if err != nil {
		tb.Fatal(err)
	}
	return ss
}

// push sends dev's outbox to hub and acknowledges it.
func push(tb tester, dev, hub *replica.Replica) {
	tb.Helper()
	ctx := context.Background()
	set, err := dev.Outbox(ctx, 0)
	if err != nil {
		tb.Fatal(err)
	}
	if set.Batch == "" {
		return
	}
	if _, err := hub.Apply(ctx, set, replica.ApplyOptions{}); err != nil {
		tb.Fatal(err)
	}
	if err := dev.Ack(ctx, set.Batch); err != nil {
		tb.Fatal(err)
	}
}

// pull applies every page of hub's changes after dev's cursor.
func pull(tb tester, dev, hub *replica.Replica, pageRows int) {
	tb.Helper()
	ctx := context.Background()
	for {
		cs, err := dev.PullCursor(ctx)
		if err != nil {
			tb.Fatal(err)
		}
		cur, err := replica.ParseCursor(cs)
		if err != nil {
			tb.Fatal(err)
		}
		page, err := hub.Changes(ctx, cur, pageRows)
		if err != nil {
			tb.Fatal(err)
		}
		set := &change.Set{Site: hub.Site(), Changes: page.Changes()}
		if _, err := dev.Apply(ctx, set, replica.ApplyOptions{PullCursor: page.Next.String()}); err != nil {
			tb.Fatal(err)
		}
		if page.Done {
			return
		}
	}
}
