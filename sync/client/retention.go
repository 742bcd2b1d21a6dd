package client

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"doorstep/schema"
	"doorstep/sync/change"
	"doorstep/sync/replica"
)

// Retention of closed cases: a field device keeps what it needs to work.
// A case closed longer ago than the district's retention
// (process.closed_case_retention_days, default 365) — a household whose
// 低保 was cancelled, a volunteer pairing that ended — is purged from the
// device: its rows, every row of any synced table that belongs to it (by
// its household_id or pairing_id column), the conflicts recorded on those
// rows, its form timing, and the attachment files (photos, signatures)
// that only its rows referenced. It is the same purge as for rows that left
// the user's scope (replica.Purge): nothing is told to the server, and the
// server keeps everything. Nothing typed is lost: a case any row of which
// holds a change not yet acknowledged by the server, or that a form draft
// on the device is about, is kept whole until a later round. Retain also
// drops the form timing of forms opened and left without a draft, and the
// attachment files no row or draft references any more that the server
// holds (sweep.go) — those of rows that left the user's scope among them.

// Retention says which closed cases a device purges.
type Retention struct {
	// Days is how long after closing a case stays (zero: 365).
	Days int
	// Now is the device's clock (time.Now when nil); a case closed on a
	// date before today's date less Days is purged.
	Now func() time.Time
	// BlobDir is the device's attachment folder ("" when it has none).
	BlobDir string
}

// Retained says what Retain purged.
type Retained struct {
	// Households and Pairings count the closed cases purged; Rows their
	// rows; Files the attachment files removed.
	Households, Pairings, Rows, Files int
	// Kept counts closed cases past the retention kept because they hold
	// changes not yet synced or a draft.
	Kept int
}

// hexRun finds runs of lower-case hex digits; those of exactly 64 are
// attachment references (blobRefs).
var hexRun = regexp.MustCompile(`[0-9a-f]+`)

// blobRefs returns the attachment hashes text references: its runs of
// exactly 64 lower-case hex digits.
func blobRefs(text string) []string {
	var out []string
	for _, r := range hexRun.FindAllString(text, -1) {
		if len(r) == 64 {
			out = append(out, r)
		}
	}
	return out
}

// Retain purges the closed cases past the retention from device replica r
// (see Retention).
func Retain(ctx context.Context, r *replica.Replica, opt Retention) (Retained, error) {
	var res Retained
	days := opt.Days
	if days <= 0 {
		days = 365
	}
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	cutoff := now().AddDate(0, 0, -days).Format("2006-01-02")
	db := r.DB()
	households, err := ids(ctx, db, `SELECT id FROM households WHERE status = 'cancelled'
		AND coalesce(cancelled_on,'') <> '' AND cancelled_on < ?
		AND id NOT IN (SELECT subject_id FROM drafts WHERE subject_id IS NOT NULL)`, cutoff)
	if err != nil {
		return res, err
	}
	pairings, err := ids(ctx, db, `SELECT id FROM volunteer_pairings WHERE coalesce(ended_on,'') <> '' AND ended_on < ?
		AND coalesce(elder_id,'') NOT IN (SELECT subject_id FROM drafts WHERE subject_id IS NOT NULL)`, cutoff)
	if err != nil {
		return res, err
	}
	closed, err := count(ctx, db, `SELECT
		(SELECT count(*) FROM households WHERE status = 'cancelled' AND coalesce(cancelled_on,'') <> '' AND cancelled_on < ?1)
		+ (SELECT count(*) FROM volunteer_pairings WHERE coalesce(ended_on,'') <> '' AND ended_on < ?1)`, cutoff)
	if err != nil {
		return res, err
	}
	res.Kept = closed - len(households) - len(pairings) // a draft is about them
	var groups [][]change.RowRef
	var kinds []string // "household" or "pairing", per group
	for _, h := range households {
		g, err := caseRows(ctx, db, "households", "household_id", h)
		if err != nil {
			return res, err
		}
		groups, kinds = append(groups, g), append(kinds, "household")
	}
	for _, p := range pairings {
		g, err := caseRows(ctx, db, "volunteer_pairings", "pairing_id", p)
		if err != nil {
			return res, err
		}
		groups, kinds = append(groups, g), append(kinds, "pairing")
	}
	if err := dropStaleTiming(ctx, db, now()); err != nil {
		return res, err
	}
	if len(groups) == 0 {
		return res, sweep(ctx, db, opt, now(), &res)
	}
	// The attachments the cases reference, read before their rows go.
	hashes := map[string]bool{}
	for _, g := range groups {
		if err := blobsOf(ctx, db, g, hashes); err != nil {
			return res, err
		}
	}
	purged, kept, err := r.PurgeGroups(ctx, groups)
	if err != nil {
		return res, fmt.Errorf("retention: %w", err)
	}
	res.Rows, res.Kept = purged, res.Kept+kept
	// Which groups went: their first row (the case itself) is gone.
	for i, g := range groups {
		gone, err := count(ctx, db, `SELECT count(*) FROM `+g[0].Table+` WHERE id = ?`, g[0].ID)
		if err != nil {
			return res, err
		}
		if gone != 0 {
			continue
		}
		if kinds[i] == "household" {
			res.Households++
		} else {
			res.Pairings++
		}
		if err := dropTiming(ctx, db, g); err != nil {
			return res, err
		}
	}
	if opt.BlobDir != "" && len(hashes) > 0 {
		n, err := dropBlobs(ctx, db, opt.BlobDir, hashes)
		res.Files = n
		if err != nil {
			return res, err
		}
	}
	return res, sweep(ctx, db, opt, now(), &res)
}

// sweep removes the attachment files nothing references any more that the
// server holds and that were last written over an hour ago
// (sweepAttachments).
func sweep(ctx context.Context, db *sql.DB, opt Retention, now time.Time, res *Retained) error {
	if opt.BlobDir == "" {
		return nil
	}
	n, err := sweepAttachments(ctx, db, opt.BlobDir, now.Add(-time.Hour))
	res.Files += n
	return err
}

// caseRows lists the rows of one case: the case row (table, id), every row
// of a synced table whose column col is id, and the conflicts recorded on
// any of them.
func caseRows(ctx context.Context, db *sql.DB, table, col, id string) ([]change.RowRef, error) {
	rows := []change.RowRef{{Table: table, ID: id}}
	for _, t := range schema.Reg.Tables() {
		if _, ok := t.Column(col); !ok || t.Name == table {
			continue
		}
		got, err := ids(ctx, db, `SELECT id FROM `+t.Name+` WHERE `+col+` = ?`, id)
		if err != nil {
			return nil, err
		}
		for _, g := range got {
			rows = append(rows, change.RowRef{Table: t.Name, ID: g})
		}
	}
	if _, ok := schema.Reg.Table("conflicts"); ok {
		var conflicts []change.RowRef
		for _, r := range rows {
			got, err := ids(ctx, db, `SELECT id FROM conflicts WHERE tbl = ? AND row_id = ?`, r.Table, r.ID)
			if err != nil {
				return nil, err
			}
			for _, g := range got {
				conflicts = append(conflicts, change.RowRef{Table: "conflicts", ID: g})
			}
		}
		rows = append(rows, conflicts...)
	}
	return rows, nil
}

// blobsOf adds to hashes the attachments the rows' text columns reference.
func blobsOf(ctx context.Context, db *sql.DB, rows []change.RowRef, hashes map[string]bool) error {
	for _, r := range rows {
		t, _ := schema.Reg.Table(r.Table)
		cols := textColumns(t)
		if len(cols) == 0 {
			continue
		}
		var text sql.NullString
		err := db.QueryRowContext(ctx, `SELECT `+strings.Join(cols, ` || ' ' || `)+` FROM `+r.Table+` WHERE id = ?`, r.ID).Scan(&text)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return fmt.Errorf("retention: read %s/%s: %w", r.Table, r.ID, err)
		}
		for _, h := range blobRefs(text.String) {
			hashes[h] = true
		}
	}
	return nil
}

// textColumns returns t's text columns, each wrapped in coalesce with the
// empty string.
func textColumns(t *schema.Table) []string {
	var out []string
	for _, c := range t.Columns {
		if c.Type == schema.TypeText {
			out = append(out, `coalesce(`+c.Name+`,'')`)
		}
	}
	return out
}

// dropBlobs removes the attachment files of hashes that no row left on
// the device (synced rows and form drafts) references any more, and
// returns how many it removed.
func dropBlobs(ctx context.Context, db *sql.DB, dir string, hashes map[string]bool) (int, error) {
	list := make([]string, 0, len(hashes))
	for h := range hashes {
		list = append(list, h)
	}
	sort.Strings(list)
	n := 0
	var errs []error
	for _, h := range list {
		used, err := referenced(ctx, db, h)
		if err != nil {
			return n, err
		}
		if used {
			continue
		}
		err = os.Remove(filepath.Join(dir, h))
		switch {
		case err == nil:
			n++
		case errors.Is(err, fs.ErrNotExist):
		default:
			errs = append(errs, fmt.Errorf("retention: remove attachment %s: %w", h, err))
		}
	}
	return n, errors.Join(errs...)
}

// referenced reports whether any synced row or form draft on the device
// names attachment hash.
func referenced(ctx context.Context, db *sql.DB, hash string) (bool, error) {
	for _, t := range schema.Reg.Tables() {
		cols := textColumns(t)
		if len(cols) == 0 {
			continue
		}
		conds := make([]string, len(cols))
		for i, c := range cols {
			conds[i] = `instr(` + c + `, ?1) > 0`
		}
		n, err := count(ctx, db, `SELECT count(*) FROM (SELECT 1 FROM `+t.Name+` WHERE `+strings.Join(conds, ` OR `)+` LIMIT 1)`, hash)
		if err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
	n, err := count(ctx, db, `SELECT count(*) FROM drafts WHERE instr(data, ?) > 0`, hash)
	return n > 0, err
}

// dropTiming removes the form timing of a purged case's records.
func dropTiming(ctx context.Context, db *sql.DB, rows []change.RowRef) error {
	for _, r := range rows {
		if _, err := db.ExecContext(ctx, `DELETE FROM form_timing WHERE record_table = ? AND record_id = ?`, r.Table, r.ID); err != nil {
			return fmt.Errorf("retention: form timing of %s/%s: %w", r.Table, r.ID, err)
		}
	}
	return nil
}

// dropStaleTiming removes the form timing of forms opened more than a day
// ago whose record is neither on the device nor in a draft: a form opened
// and left without a word typed.
func dropStaleTiming(ctx context.Context, db *sql.DB, now time.Time) error {
	tables, err := ids(ctx, db, `SELECT DISTINCT record_table FROM form_timing`)
	if err != nil {
		return err
	}
	before := now.Add(-24 * time.Hour).UTC().Format(time.RFC3339Nano)
	for _, name := range tables {
		if _, ok := schema.Reg.Table(name); !ok {
			continue
		}
		if _, err := db.ExecContext(ctx, `DELETE FROM form_timing WHERE record_table = ?1 AND record_id IN (
			SELECT record_id FROM form_timing WHERE record_table = ?1 GROUP BY record_id HAVING min(opened_at) < ?2)
			AND record_id NOT IN (SELECT id FROM `+name+`)
			AND record_id NOT IN (SELECT record_id FROM drafts)`, name, before); err != nil {
			return fmt.Errorf("retention: form timing of %s: %w", name, err)
		}
	}
	return nil
}

func ids(ctx context.Context, db *sql.DB, q string, args ...any) ([]string, error) {
	rs, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("retention: %w", err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var id string
		if err := rs.Scan(&id); err != nil {
			return nil, fmt.Errorf("retention: %w", err)
		}
		out = append(out, id)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("retention: %w", err)
	}
	return out, nil
}

func count(ctx context.Context, db *sql.DB, q string, args ...any) (int, error) {
	var n int
	if err := db.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("retention: %w", err)
	}
	return n, nil
}
