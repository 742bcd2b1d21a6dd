package replica

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Capture triggers, generated from the registry for every synced table T
// (number N):
//
//   - sync_ai_T (AFTER INSERT) and sync_au_T (AFTER UPDATE, when some
//     column actually changed) append one entry to sync_log: table, row id,
//     the mask of changed columns, and the transaction's clock and writer
//     (ds_hlc, ds_w). The entry is folded into the row clock later
//     (fold.go), off the writer's path. sync_au_T also refuses a change of
//     the row's id: ids never change.
//   - sync_bd_T (BEFORE DELETE) turns the delete into "deleted = 1" (which
//     sync_au_T captures) and skips the physical delete, so deletes merge
//     like any other column. Only Purge (capture off) really deletes rows.
//
// The capturing triggers run only WHEN ds_on(), which is false while Apply
// merges remote changes.

// clockArg is ds_hlc's argument: the newest clock issued or seen, as
// persisted in sync_state or logged in sync_log (view sync_hlc).
const clockArg = `(SELECT max(hlc) FROM sync_hlc)`

// triggerSQL returns the statements that (re)create every capture trigger.
func (r *Replica) triggerSQL() []string {
	var out []string
	for _, m := range r.tables {
		if m == nil {
			continue
		}
		name := m.table.Name
		var mask []string
		for i, col := range m.table.Columns {
			mask = append(mask, fmt.Sprintf("((old.%s IS NOT new.%s) << %d)", col.Name, col.Name, m.bit[i]))
		}
		out = append(out,
			fmt.Sprintf(`DROP TRIGGER IF EXISTS sync_ai_%s`, name),
			fmt.Sprintf(`DROP TRIGGER IF EXISTS sync_au_%s`, name),
			fmt.Sprintf(`DROP TRIGGER IF EXISTS sync_bd_%s`, name),
			fmt.Sprintf(`CREATE TRIGGER sync_ai_%[1]s AFTER INSERT ON %[1]s WHEN ds_on() BEGIN
  INSERT INTO sync_log (t, id, mask, hlc, w) VALUES (%[2]d, new.id, %[3]d, ds_hlc(%[4]s), ds_w());
END`, name, m.t, int64(m.all), clockArg),
			fmt.Sprintf(`CREATE TRIGGER sync_au_%[1]s AFTER UPDATE ON %[1]s WHEN ds_on() OR old.id IS NOT new.id BEGIN
  SELECT RAISE(ABORT, 'sync: a row id never changes') WHERE old.id IS NOT new.id;
  INSERT INTO sync_log (t, id, mask, hlc, w)
    SELECT %[2]d, new.id, m, ds_hlc(%[3]s), ds_w() FROM (SELECT %[4]s AS m) WHERE m <> 0;
END`, name, m.t, clockArg, strings.Join(mask, " | ")),
			fmt.Sprintf(`CREATE TRIGGER sync_bd_%[1]s BEFORE DELETE ON %[1]s WHEN ds_on() BEGIN
  UPDATE %[1]s SET deleted = 1 WHERE id = old.id AND deleted IS NOT 1;
  SELECT RAISE(IGNORE);
END`, name),
		)
	}
	return out
}

// installTriggers creates the capture triggers when they differ from the
// installed ones, and adopts rows written before capture existed (or while
// it was missing) as this replica's own inserts.
func (r *Replica) installTriggers(ctx context.Context) error {
	stmts := r.triggerSQL()
	sum := sha256.Sum256([]byte(strings.Join(stmts, ";\n")))
	hash := hex.EncodeToString(sum[:])
	var have string
	if err := r.db.QueryRowContext(ctx, `SELECT trigger_hash FROM sync_state WHERE id = 1`).Scan(&have); err != nil {
		return fmt.Errorf("install triggers: %w", err)
	}
	if have == hash {
		return nil
	}
	tx, err := r.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("install triggers: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("install triggers: %s: %w", firstLine(s), err)
		}
	}
	for _, m := range r.tables {
		if m == nil {
			continue
		}
		q := fmt.Sprintf(`INSERT INTO sync_log (t, id, mask, hlc, w)
  SELECT %[1]d, d.id, %[2]d, ds_hlc(%[3]s), ds_w() FROM %[4]s d
  WHERE NOT EXISTS (SELECT 1 FROM sync_rows r WHERE r.t = %[1]d AND r.id = d.id)
    AND NOT EXISTS (SELECT 1 FROM sync_log l WHERE l.t = %[1]d AND l.id = d.id)
  ORDER BY d.rowid`, m.t, int64(m.all), clockArg, m.table.Name)
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("adopt rows of %s: %w", m.table.Name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sync_state SET trigger_hash = ? WHERE id = 1`, hash); err != nil {
		return fmt.Errorf("install triggers: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("install triggers: %w", err)
	}
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
