package review

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"doorstep/app/desk"
	"doorstep/schema"
	"doorstep/schema/rules"
)

// Record is one record opened for review: its queue item, every stored
// field, its review history and, for a means-test visit, what it computed
// and what changed since the household's last approved visit.
type Record struct {
	Item
	// Fields are the record's columns in registry order, as stored.
	Fields []Field
	// Events are the record's review decisions, oldest first.
	Events []Event
	// Visit is set for means-test visits.
	Visit *Visit
}

// Field is one stored column of a record.
type Field struct {
	Column string
	Value  string // as Value renders it; "" for NULL
}

// Get returns the value of a column ("" if absent).
func (r Record) Get(col string) string {
	for _, f := range r.Fields {
		if f.Column == col {
			return f.Value
		}
	}
	return ""
}

// Visit is what a means-test visit adds to a Record.
type Visit struct {
	Snapshot Snapshot
	// Baseline is the household's last approved visit before this one,
	// nil for a first visit.
	Baseline *Baseline
	// Diff is what changed from Baseline to this visit (everything is
	// Added when there is no baseline).
	Diff []Change
	// What the app computed with schema/rules when the visit was saved.
	PerCapitaFen int64
	BenefitFen   int64
	Eligible     bool
	Reasons      []rules.Message
	// Blobs (content hashes) of the photos and signatures; StaffSignatures
	// maps each signing staff member's id to their signature.
	Photos             []string
	ApplicantSignature string
	StaffSignatures    map[string]string
	// History lists every submitted version of the visit (the supersedes
	// chain), oldest first; the record itself is among them.
	History []Item
}

// Baseline is the visit a Diff compares with.
type Baseline struct {
	VisitID   string
	Submitted time.Time
	Snapshot  Snapshot
}

// Open returns a record with everything the review screen shows.
// It returns desk.ErrNotFound for a record not submitted or outside the
// supervisor's area.
func Open(ctx context.Context, o *desk.Office, k Kind, id string) (Record, error) {
	it, err := Get(ctx, o, k, id)
	if err != nil {
		return Record{}, err
	}
	rec := Record{Item: it}
	if rec.Fields, err = fields(ctx, o, k.Table(), id); err != nil {
		return Record{}, err
	}
	if rec.Events, err = Events(ctx, o, id); err != nil {
		return Record{}, err
	}
	if k == MeansVisit {
		if rec.Visit, err = openVisit(ctx, o, rec); err != nil {
			return Record{}, err
		}
	}
	return rec, nil
}

// fields reads every registry column of one row.
func fields(ctx context.Context, o *desk.Office, table, id string) ([]Field, error) {
	t, ok := schema.Reg.Table(table)
	if !ok {
		return nil, fmt.Errorf("review: %s is not a synced table", table)
	}
	cols := t.ColumnNames()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	err := o.DB.QueryRowContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+table+" WHERE id = ?", id).Scan(ptrs...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read %s %s: %w", table, id, desk.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s %s: %w", table, id, err)
	}
	out := make([]Field, len(cols))
	for i, c := range cols {
		v := vals[i]
		if b, ok := v.([]byte); ok {
			v = string(b)
		}
		out[i] = Field{Column: c, Value: Value(v)}
	}
	return out, nil
}

func openVisit(ctx context.Context, o *desk.Office, rec Record) (*Visit, error) {
	v := &Visit{ApplicantSignature: rec.Get("applicant_signature"), Eligible: rec.Get("eligible") == "1"}
	var err error
	if v.Snapshot, err = ParseSnapshot(rec.Get("snapshot")); err != nil {
		return nil, fmt.Errorf("visit %s: %w", rec.ID, err)
	}
	fmt.Sscan(rec.Get("per_capita_fen"), &v.PerCapitaFen)
	fmt.Sscan(rec.Get("benefit_fen"), &v.BenefitFen)
	decodeList(rec.Get("reasons"), &v.Reasons)
	decodeList(rec.Get("photos"), &v.Photos)
	// Staff signatures are an object of staff id → blob hash; a list (no
	// signature: "[]") decodes to none.
	_ = json.Unmarshal([]byte(rec.Get("staff_signatures")), &v.StaffSignatures)
	if v.History, err = history(ctx, o, rec.Item); err != nil {
		return nil, err
	}
	chain := make([]string, len(v.History))
	for i, h := range v.History {
		chain[i] = h.ID
	}
	if v.Baseline, err = baseline(ctx, o, rec, chain); err != nil {
		return nil, err
	}
	var prev Snapshot
	if v.Baseline != nil {
		prev = v.Baseline.Snapshot
	}
	v.Diff = Diff(prev, v.Snapshot)
	return v, nil
}

// decodeList reads a JSON list column; a malformed or empty one stays empty.
func decodeList[T any](s string, out *[]T) {
	if s != "" {
		_ = json.Unmarshal([]byte(s), out)
	}
}

// baseline finds the household's last approved visit submitted before
// rec (outside rec's own correction chain); failing that, the visit the
// household row names as its last.
func baseline(ctx context.Context, o *desk.Office, rec Record, chain []string) (*Baseline, error) {
	q := `SELECT v.id, coalesce(v.submitted_at,''), coalesce(v.snapshot,'') FROM means_visits v
		WHERE v.household_id = ? AND v.deleted = 0 AND v.state = 'submitted'
		AND v.id NOT IN (SELECT value FROM json_each(?))
		AND coalesce(v.submitted_at,'') <= ?
		AND (SELECT x.action FROM review_events x WHERE x.record_id = v.id AND x.deleted = 0
			ORDER BY x.at DESC, x.id DESC LIMIT 1) = 'approve'
		AND v.id NOT IN (SELECT n.supersedes_id FROM means_visits n WHERE n.supersedes_id IS NOT NULL
			AND n.deleted = 0 AND n.state = 'submitted')
		ORDER BY v.submitted_at DESC, v.id DESC LIMIT 1`
	ids, _ := json.Marshal(chain)
	args := []any{rec.SubjectID, string(ids), rec.Get("submitted_at")}
	var id, at, snap string
	err := o.DB.QueryRowContext(ctx, q, args...).Scan(&id, &at, &snap)
	if errors.Is(err, sql.ErrNoRows) {
		err = o.DB.QueryRowContext(ctx, `SELECT v.id, coalesce(v.submitted_at,''), coalesce(v.snapshot,'')
			FROM households h JOIN means_visits v ON v.id = h.last_visit_id
			WHERE h.id = ? AND v.deleted = 0 AND v.id NOT IN (SELECT value FROM json_each(?))`,
			rec.SubjectID, string(ids)).Scan(&id, &at, &snap)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("baseline of visit %s: %w", rec.ID, err)
	}
	s, err := ParseSnapshot(snap)
	if err != nil {
		return nil, fmt.Errorf("baseline visit %s: %w", id, err)
	}
	b := &Baseline{VisitID: id, Snapshot: s}
	b.Submitted, _ = desk.ParseInstant(at)
	return b, nil
}

// history returns the submitted versions of a means-test visit linked by
// supersedes_id, oldest first.
func history(ctx context.Context, o *desk.Office, it Item) ([]Item, error) {
	links := map[string]string{} // visit id → the id it supersedes
	err := desk.Query(ctx, o.DB, "visit history", `SELECT id, coalesce(supersedes_id,'') FROM means_visits
		WHERE household_id = ? AND deleted = 0 AND state = 'submitted'`, []any{it.SubjectID},
		func(r *sql.Rows) error {
			var id, sup string
			if err := r.Scan(&id, &sup); err != nil {
				return err
			}
			links[id] = sup
			return nil
		})
	if err != nil {
		return nil, err
	}
	// Walk back to the first version, then forward through corrections.
	first, seen := it.ID, map[string]bool{it.ID: true}
	for sup := links[first]; sup != "" && !seen[sup]; sup = links[first] {
		if _, ok := links[sup]; !ok {
			break
		}
		seen[sup] = true
		first = sup
	}
	var chain []string
	seen = map[string]bool{}
	for cur := first; cur != "" && !seen[cur]; {
		seen[cur] = true
		chain = append(chain, cur)
		next := ""
		for id, sup := range links {
			if sup == cur && (next == "" || id < next) {
				next = id
			}
		}
		cur = next
	}
	out := make([]Item, 0, len(chain))
	for _, id := range chain {
		h, err := Get(ctx, o, MeansVisit, id)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}
