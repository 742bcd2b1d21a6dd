package evidence

import (
	"context"
	"database/sql"
	"fmt"

	"doorstep/schema"
	"doorstep/sync/change"
)

// RecordsTouched returns the records whose verdict rows may change because
// rows were written: records whose content includes one of rows (a record
// row itself, or a child row — an income names its household, whose
// visits include it), and records an evidence entry among rows is about.
// The server calls it with the rows a push changed, then VerifyRecords.
// Records come once each, ordered by table and id.
func RecordsTouched(ctx context.Context, q Querier, rows []change.RowRef) ([]RecordRef, error) {
	// A push touches a household, its members, incomes and assets at once:
	// each step below is a statement for all of them (queryIn), not one a
	// row, since the server runs this for every push.
	out := map[RecordRef]bool{}
	byTable := map[string][]string{}
	for _, r := range rows {
		byTable[r.Table] = append(byTable[r.Table], r.ID)
	}
	err := queryIn(ctx, q, `SELECT coalesce(record_table,''), coalesce(record_id,'') FROM evidence_entries WHERE id IN (%s)`,
		byTable["evidence_entries"], func(rs *sql.Rows) error {
			var r RecordRef
			if err := rs.Scan(&r.Table, &r.ID); err != nil {
				return err
			}
			out[r] = true
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("records touched by evidence entries: %w", err)
	}
	for _, k := range Kinds() {
		for _, id := range byTable[k.Table] {
			out[RecordRef{k.Table, id}] = true
		}
		// The values to look the kind's records up by, per column of the
		// record table.
		links := map[string][]string{}
		var vias []string
		for _, ch := range k.Children {
			ids := byTable[ch.Table]
			if len(ids) == 0 {
				continue
			}
			if _, ok := links[ch.Via]; !ok {
				vias = append(vias, ch.Via)
			}
			if ch.Column == "id" {
				links[ch.Via] = append(links[ch.Via], ids...)
				continue
			}
			if _, ok := schema.Reg.Table(ch.Table); !ok {
				return nil, fmt.Errorf("records touched: %s is not synced", ch.Table)
			}
			// Names come from the kind, checked against the registry.
			err := queryIn(ctx, q, `SELECT `+ch.Column+` FROM `+ch.Table+` WHERE id IN (%s) AND `+ch.Column+` IS NOT NULL`,
				ids, func(rs *sql.Rows) error {
					var v string
					if err := rs.Scan(&v); err != nil {
						return err
					}
					links[ch.Via] = append(links[ch.Via], v)
					return nil
				})
			if err != nil {
				return nil, fmt.Errorf("records touched by %d %s rows: %w", len(ids), ch.Table, err)
			}
		}
		for _, via := range vias {
			err := queryIn(ctx, q, `SELECT id FROM `+k.Table+` WHERE `+via+` IN (%s)`, links[via], func(rs *sql.Rows) error {
				var id string
				if err := rs.Scan(&id); err != nil {
					return err
				}
				out[RecordRef{k.Table, id}] = true
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("records touched: %s by %s: %w", k.Table, via, err)
			}
		}
	}
	return sortedRefs(out), nil
}

// RecordsWithAttachment returns the records whose evidence lists the
// attachment hash: those to verify again when its bytes arrive.
func RecordsWithAttachment(ctx context.Context, q Querier, hash string) ([]RecordRef, error) {
	if _, err := ParseHash(hash); err != nil {
		return nil, fmt.Errorf("records with attachment: %w", err)
	}
	// A hash is 64 hex digits: as a LIKE pattern it matches only itself.
	rs, err := q.QueryContext(ctx, `SELECT DISTINCT record_table, record_id FROM evidence_entries
		WHERE blobs LIKE ? ORDER BY record_table, record_id`, `%"`+hash+`"%`)
	if err != nil {
		return nil, fmt.Errorf("records with attachment %s: %w", hash, err)
	}
	defer rs.Close()
	var out []RecordRef
	for rs.Next() {
		var r RecordRef
		if err := rs.Scan(&r.Table, &r.ID); err != nil {
			return nil, fmt.Errorf("records with attachment %s: %w", hash, err)
		}
		out = append(out, r)
	}
	return out, rs.Err()
}
