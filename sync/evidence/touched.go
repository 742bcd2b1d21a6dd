package evidence

import (
	"context"
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
	out := map[RecordRef]bool{}
	for _, r := range rows {
		if r.Table == "evidence_entries" {
			var table, id string
			err := q.QueryRowContext(ctx, `SELECT coalesce(record_table,''), coalesce(record_id,'')
				FROM evidence_entries WHERE id = ?`, r.ID).Scan(&table, &id)
			if err != nil {
				return nil, fmt.Errorf("records touched by evidence entry %s: %w", r.ID, err)
			}
			out[RecordRef{table, id}] = true
			continue
		}
		for _, k := range Kinds() {
			if r.Table == k.Table {
				out[RecordRef{k.Table, r.ID}] = true
			}
			for _, ch := range k.Children {
				if ch.Table != r.Table {
					continue
				}
				if err := recordsOfChild(ctx, q, k, ch, r.ID, out); err != nil {
					return nil, err
				}
			}
		}
	}
	return sortedRefs(out), nil
}

// recordsOfChild adds the records of kind k whose child ch includes row id.
func recordsOfChild(ctx context.Context, q Querier, k Kind, ch Child, id string, out map[RecordRef]bool) error {
	link := any(id)
	if ch.Column != "id" {
		if _, ok := schema.Reg.Table(ch.Table); !ok {
			return fmt.Errorf("records touched: %s is not synced", ch.Table)
		}
		var v any
		// Names come from the kind, checked against the registry.
		err := q.QueryRowContext(ctx, `SELECT `+ch.Column+` FROM `+ch.Table+` WHERE id = ?`, id).Scan(&v)
		if err != nil {
			return fmt.Errorf("records touched by %s %s: %w", ch.Table, id, err)
		}
		if v == nil {
			return nil
		}
		link = v
	}
	rs, err := q.QueryContext(ctx, `SELECT id FROM `+k.Table+` WHERE `+ch.Via+` = ? ORDER BY id`, link)
	if err != nil {
		return fmt.Errorf("records touched by %s %s: %w", ch.Table, id, err)
	}
	defer rs.Close()
	for rs.Next() {
		var rid string
		if err := rs.Scan(&rid); err != nil {
			return fmt.Errorf("records touched by %s %s: %w", ch.Table, id, err)
		}
		out[RecordRef{k.Table, rid}] = true
	}
	return rs.Err()
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
