package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"doorstep/schema"
	"doorstep/sync/evidence"
)

// Evidence verification from a snapshot. Verifying a record reads its
// rows, its evidence entries, their neighbours in the signing device's
// chain, the entries of the same household and elder, the devices' keys
// and the attachments: tens of statements a record, and a push touching a
// household re-verifies every submitted visit of it. Doing that under the
// write lock held every process's merges back (docs/LOAD.md). So a
// verification runs in two halves:
//
//  1. Without the lock, in one read transaction (a snapshot: SQLite's WAL
//     read transaction, PostgreSQL's REPEATABLE READ), it reads mark — the
//     highest sequence number of the synced rows in the snapshot — and
//     computes the verdicts, recording what they depend on (deps): every
//     query the verifier ran on the synced tables (table, condition,
//     arguments), the ids of the rows each matched, the keys it read per
//     device and which attachments it found.
//  2. Under the lock (the group's write transaction, verifygroup.go) it
//     lists the synced rows that changed since mark, and the verdicts
//     stand unless one of those rows was read (changed, deleted or moved
//     out of a query) or now matches a query (a row that appeared or
//     moved in), or a device's keys or an attachment's presence differ.
//     Otherwise — anything the verdicts rest on moved — nothing is written
//     and the verification starts again from a new snapshot; the third
//     time, it computes its verdicts under the lock, from the state as it
//     stands then (verifyLocked).
//
// Why it is exact: sequence numbers are handed out under the write lock in
// commit order (pgengine.go; SQLite has one writer), so every change
// committed after the snapshot has a sequence number above mark, and a
// synced row's sequence number moves with every change to it. A query's
// result differs between the snapshot and now only if a row it matched
// then, or matches now, changed since; both are checked. The server's own
// writes on SQLite wait in the capture log (sync_log) until the next merge
// folds them: every row with a log entry counts as changed. The field
// clocks the verifier reads (outside the snapshot) belong to rows it
// loaded, so a clock read after a later change is caught by that row's
// change. So the verdicts written under the lock are the verdicts a
// verification under the lock would compute — as before — while the lock
// is held for a few statements per group instead of tens per record.

// verifySnap is the unlocked half of a verification.
type verifySnap struct {
	// verdicts are those of the records that needed one in the snapshot.
	verdicts []evidence.Verdict
	mark     int64
	deps     *verifyDeps
}

// verifyDeps is what a snapshot's verdicts rest on.
type verifyDeps struct {
	// reads are the queries the verifier ran on synced tables.
	reads []depRead
	// rows are the synced rows those queries matched, "table\x00id".
	rows map[string]bool
	// keys are the keys read per device site (keyRows' form).
	keys map[string]string
	// blobs are the attachments looked for, and whether they were there.
	blobs map[string]bool
	// unknown: the verifier ran a query this file cannot re-check; the
	// verdicts are then always computed again under the lock.
	unknown bool
}

// depRead is one recorded query: the rows of table matching where.
type depRead struct {
	table string
	where string
	args  []any
}

// readShape is the form of every query evidence verification runs on the
// synced tables: one table, a condition, perhaps an order and a limit.
// Column lists hold no upper-case FROM.
var readShape = regexp.MustCompile(`(?s)^\s*SELECT\s.+?\sFROM\s+(\w+)\s+WHERE\s+(.+?)(?:\s+ORDER\s+BY\s+[\w\s,]+?)?(?:\s+LIMIT\s+\d+)?\s*$`)

// depRecorder is an evidence.Querier that records the queries run
// through it (verifyDeps.reads).
type depRecorder struct {
	q    querier
	deps *verifyDeps
}

func (r depRecorder) note(query string, args []any) {
	m := readShape.FindStringSubmatch(query)
	if m == nil {
		r.deps.unknown = true
		return
	}
	t, ok := schema.Reg.Table(m[1])
	if !ok || strings.Count(m[2], "?") != len(args) {
		r.deps.unknown = true
		return
	}
	r.deps.reads = append(r.deps.reads, depRead{table: t.Name, where: m[2], args: args})
}

// QueryContext implements evidence.Querier.
func (r depRecorder) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	r.note(query, args)
	return r.q.QueryContext(ctx, query, args...)
}

// QueryRowContext implements evidence.Querier.
func (r depRecorder) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	r.note(query, args)
	return r.q.QueryRowContext(ctx, query, args...)
}

// snapKeys is the devices' keyring read through the snapshot, recording
// what it read.
type snapKeys struct {
	q    querier
	deps *verifyDeps
}

// DeviceKeys implements evidence.Keyring as Store.DeviceKeys does.
func (k snapKeys) DeviceKeys(ctx context.Context, site string) ([]evidence.RegisteredKey, error) {
	keys, rows, err := keysOf(ctx, k.q, site)
	if err != nil {
		return nil, err
	}
	k.deps.keys[site] = rows
	return keys, nil
}

// keysOf reads the keys of a site, and them in the form keyForms gives.
func keysOf(ctx context.Context, q querier, site string) ([]evidence.RegisteredKey, string, error) {
	rows, err := q.QueryContext(ctx, `SELECT public_key, revoked_at FROM devices WHERE site_id = ? AND public_key <> '' ORDER BY created_at, id`, site)
	if err != nil {
		return nil, "", fmt.Errorf("keys of site %s: %w", site, err)
	}
	defer rows.Close()
	var out []evidence.RegisteredKey
	var form strings.Builder
	for rows.Next() {
		var key, revoked string
		if err := rows.Scan(&key, &revoked); err != nil {
			return nil, "", fmt.Errorf("keys of site %s: %w", site, err)
		}
		pub, err := evidence.ParsePublicKey(key)
		if err != nil {
			return nil, "", fmt.Errorf("keys of site %s: stored key: %w", site, err)
		}
		out = append(out, evidence.RegisteredKey{Public: pub, RevokedAt: parseTime(revoked)})
		form.WriteString(key + " " + revoked + "\n")
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("keys of site %s: %w", site, err)
	}
	return out, form.String(), nil
}

// keyForms reads the keys of sites in one statement, each site's in the
// form keysOf gives ("" for none).
func keyForms(ctx context.Context, q querier, sites []string) (map[string]string, error) {
	out := map[string]string{}
	if len(sites) == 0 {
		return out, nil
	}
	args := make([]any, len(sites))
	for i, site := range sites {
		args[i] = site
	}
	in, args := inList(args)
	rows, err := q.QueryContext(ctx, `SELECT site_id, public_key, revoked_at FROM devices WHERE site_id IN (`+in+`)
		AND public_key <> '' ORDER BY site_id, created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("keys of %d sites: %w", len(sites), err)
	}
	defer rows.Close()
	for rows.Next() {
		var site, key, revoked string
		if err := rows.Scan(&site, &key, &revoked); err != nil {
			return nil, fmt.Errorf("keys of %d sites: %w", len(sites), err)
		}
		out[site] += key + " " + revoked + "\n"
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("keys of %d sites: %w", len(sites), err)
	}
	return out, nil
}

// snapBlobs is the blob folder, recording which attachments were there.
type snapBlobs struct {
	dir  evidence.BlobDir
	deps *verifyDeps
}

// Blob implements evidence.BlobSource.
func (b snapBlobs) Blob(ctx context.Context, hash string) ([]byte, bool, error) {
	data, ok, err := b.dir.Blob(ctx, hash)
	if err == nil {
		b.deps.blobs[hash] = ok
	}
	return data, ok, err
}

// blobThere reports whether the blob folder holds hash now.
func (s *Store) blobThere(hash string) (bool, error) {
	_, err := os.Stat(filepath.Join(s.blobDir, hash[:2], hash))
	if err == nil {
		return true, nil
	}
	if os.IsNotExist(err) {
		return false, nil
	}
	return false, fmt.Errorf("blob %s: %w", hash, err)
}

// snapshotVerify picks the records that need a verdict (records, then
// needingEvidence) and computes their verdicts from one snapshot, without
// the write lock. A nil snapshot: none needs one.
func (s *Store) snapshotVerify(ctx context.Context, records func(q evidence.Querier) ([]evidence.RecordRef, error)) (refs []evidence.RecordRef, snap *verifySnap, err error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.Postgres() {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, nil, fmt.Errorf("verify evidence: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	snap = &verifySnap{deps: &verifyDeps{rows: map[string]bool{}, keys: map[string]string{}, blobs: map[string]bool{}}}
	// The first statement fixes the snapshot, and mark with it.
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM sync_rows`).Scan(&snap.mark); err != nil {
		return nil, nil, fmt.Errorf("verify evidence: %w", err)
	}
	if refs, err = records(tx); err != nil {
		return nil, nil, fmt.Errorf("verify evidence: %w", err)
	}
	rec := depRecorder{q: tx, deps: snap.deps}
	need, err := needingEvidence(ctx, rec, refs)
	if err != nil {
		return nil, nil, fmt.Errorf("verify evidence: %w", err)
	}
	if len(need) == 0 {
		return refs, nil, nil
	}
	v := evidence.Verifier{
		Keys:   snapKeys{q: tx, deps: snap.deps},
		Blobs:  snapBlobs{dir: evidence.BlobDir{Dir: s.blobDir, Sharded: true}, deps: snap.deps},
		Clocks: evidence.ReplicaClocks{Replica: storeRows{s}},
	}
	if snap.verdicts, err = evidence.VerifyRecords(ctx, rec, v, need); err != nil {
		return nil, nil, fmt.Errorf("verify evidence: %w", err)
	}
	if err := snap.deps.readRows(ctx, tx); err != nil {
		return nil, nil, fmt.Errorf("verify evidence: %w", err)
	}
	return refs, snap, nil
}

// readsPerStatement bounds the conditions one statement combines.
const readsPerStatement = 100

// byTable returns the recorded reads grouped by table, tables in order.
func (d *verifyDeps) byTable() ([]string, map[string][]depRead) {
	m := map[string][]depRead{}
	var tables []string
	for _, r := range d.reads {
		if _, ok := m[r.table]; !ok {
			tables = append(tables, r.table)
		}
		m[r.table] = append(m[r.table], r)
	}
	sort.Strings(tables)
	return tables, m
}

// readRows fills d.rows with the rows the recorded reads match in q (the
// snapshot): one statement per table (per readsPerStatement reads).
func (d *verifyDeps) readRows(ctx context.Context, q querier) error {
	tables, reads := d.byTable()
	for _, t := range tables {
		rs := reads[t]
		for start := 0; start < len(rs); start += readsPerStatement {
			part := rs[start:min(start+readsPerStatement, len(rs))]
			// Padded to a power of two by repeating the last read (an OR
			// of the same condition matches the same rows), so that the
			// statement texts stay few and cached (inList).
			conds := make([]string, padLen(len(part)))
			var args []any
			for i := range conds {
				r := part[min(i, len(part)-1)]
				conds[i] = "(" + r.where + ")"
				args = append(args, r.args...)
			}
			// Table names come from the registry; conditions from the
			// verifier's own queries.
			rows, err := q.QueryContext(ctx, `SELECT id FROM `+t+` WHERE `+strings.Join(conds, " OR "), args...)
			if err != nil {
				return fmt.Errorf("rows read from %s: %w", t, err)
			}
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return fmt.Errorf("rows read from %s: %w", t, err)
				}
				d.rows[t+"\x00"+id] = true
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return fmt.Errorf("rows read from %s: %w", t, err)
			}
		}
	}
	return nil
}

// changedRow is a synced row changed since some mark.
type changedRow struct {
	table, id string
	seq       int64 // math.MaxInt64 for a capture log entry not folded yet
}

// changedSince lists the synced rows changed after mark, read in tx
// (which holds the write lock, so nothing else commits meanwhile).
func (s *Store) changedSince(ctx context.Context, tx *sql.Tx, mark int64) ([]changedRow, error) {
	q := `SELECT t, id, seq FROM sync_rows WHERE seq > ?`
	if !s.Postgres() {
		q = `SELECT t.name, r.id, r.seq FROM sync_rows r JOIN sync_tables t ON t.t = r.t WHERE r.seq > ?
			UNION ALL SELECT t.name, l.id, 9223372036854775807 FROM sync_log l JOIN sync_tables t ON t.t = l.t`
	}
	rows, err := tx.QueryContext(ctx, q, mark)
	if err != nil {
		return nil, fmt.Errorf("rows changed since %d: %w", mark, err)
	}
	defer rows.Close()
	var out []changedRow
	for rows.Next() {
		var c changedRow
		if err := rows.Scan(&c.table, &c.id, &c.seq); err != nil {
			return nil, fmt.Errorf("rows changed since %d: %w", mark, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rows changed since %d: %w", mark, err)
	}
	return out, nil
}

// staleSnapshots returns, for each snapshot of snaps (nil ones skipped),
// whether anything its verdicts rest on changed since it was taken, read
// in tx, which holds the write lock. The whole group costs a few
// statements: the rows changed since the oldest mark, for each table some
// of them are in whose rows a snapshot queried one statement telling which
// queries each now matches, and the keys of the devices read.
func (s *Store) staleSnapshots(ctx context.Context, tx *sql.Tx, snaps []*verifySnap) ([]bool, error) {
	stale := make([]bool, len(snaps))
	oldest := int64(-1)
	for i, sn := range snaps {
		switch {
		case sn == nil:
		case sn.deps.unknown:
			stale[i] = true
		case oldest < 0 || sn.mark < oldest:
			oldest = sn.mark
		}
	}
	if oldest < 0 {
		return stale, nil
	}
	changed, err := s.changedSince(ctx, tx, oldest)
	if err != nil {
		return nil, err
	}
	// Rows read in a snapshot that changed since.
	changedIDs := map[string][]string{} // table -> ids changed after the oldest mark
	for _, c := range changed {
		changedIDs[c.table] = append(changedIDs[c.table], c.id)
		for i, sn := range snaps {
			if sn != nil && !stale[i] && c.seq > sn.mark && sn.deps.rows[c.table+"\x00"+c.id] {
				stale[i] = true
			}
		}
	}
	seqOf := map[string]int64{}
	for _, c := range changed {
		k := c.table + "\x00" + c.id
		seqOf[k] = max(seqOf[k], c.seq)
	}
	// Changed rows that now match a snapshot's query.
	conds := map[string][]snapRead{}
	var tables []string
	for i, sn := range snaps {
		if sn == nil || stale[i] {
			continue
		}
		for _, r := range sn.deps.reads {
			if len(changedIDs[r.table]) == 0 {
				continue
			}
			if _, ok := conds[r.table]; !ok {
				tables = append(tables, r.table)
			}
			conds[r.table] = append(conds[r.table], snapRead{i, r})
		}
	}
	sort.Strings(tables)
	for _, t := range tables {
		cs := conds[t]
		for start := 0; start < len(cs); start += readsPerStatement {
			part := cs[start:min(start+readsPerStatement, len(cs))]
			ids := changedIDs[t]
			for len(ids) > 0 {
				chunk := ids[:min(idsPerStatement, len(ids))]
				ids = ids[len(chunk):]
				if err := matchChanged(ctx, tx, t, part, chunk, func(i int, id string) {
					if seqOf[t+"\x00"+id] > snaps[part[i].snap].mark {
						stale[part[i].snap] = true
					}
				}); err != nil {
					return nil, err
				}
			}
		}
	}
	// Keys and attachments.
	var sites []string
	for i, sn := range snaps {
		if sn == nil || stale[i] {
			continue
		}
		for site := range sn.deps.keys {
			sites = append(sites, site)
		}
	}
	keysNow, err := keyForms(ctx, tx, sites)
	if err != nil {
		return nil, err
	}
	for i, sn := range snaps {
		if sn == nil || stale[i] {
			continue
		}
		for site, was := range sn.deps.keys {
			if keysNow[site] != was {
				stale[i] = true
			}
		}
		for hash, was := range sn.deps.blobs {
			now, err := s.blobThere(hash)
			if err != nil {
				return nil, err
			}
			if now != was {
				stale[i] = true
			}
		}
	}
	return stale, nil
}

// snapRead is a query recorded by the snapshot numbered snap.
type snapRead struct {
	snap int
	read depRead
}

// idsPerStatement bounds the row ids one statement lists.
const idsPerStatement = 500

// matchChanged calls hit(i, id) for each row of table among ids that now
// matches the query reads[i], in one statement.
func matchChanged(ctx context.Context, q querier, table string, reads []snapRead, ids []string, hit func(i int, id string)) error {
	cols := make([]string, len(reads))
	var args []any
	for i, r := range reads {
		cols[i] = "CASE WHEN (" + r.read.where + ") THEN 1 ELSE 0 END"
		args = append(args, r.read.args...)
	}
	idArgs := make([]any, len(ids))
	for i, id := range ids {
		idArgs[i] = id
	}
	in, idArgs := inList(idArgs)
	args = append(args, idArgs...)
	// The table name comes from the registry; conditions from the
	// verifier's own queries.
	rows, err := q.QueryContext(ctx, `SELECT id, `+strings.Join(cols, ", ")+` FROM `+table+` WHERE id IN (`+in+`)`, args...)
	if err != nil {
		return fmt.Errorf("changed rows of %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		hits := make([]int64, len(reads))
		ptrs := []any{&id}
		for i := range hits {
			ptrs = append(ptrs, &hits[i])
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("changed rows of %s: %w", table, err)
		}
		for i, h := range hits {
			if h != 0 {
				hit(i, id)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("changed rows of %s: %w", table, err)
	}
	return nil
}
