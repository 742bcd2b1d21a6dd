package replica

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"modernc.org/sqlite" // the plain-SQLite baseline

	"doorstep/schema"
)

// captureShape is one kind of write transaction the app makes.
type captureShape struct {
	name string
	// ops is how many transactions one round makes.
	ops int
	// rows is how many rows one transaction writes.
	rows int
	// setup prepares a database (the same data on both sides) and returns
	// the ids of the rows it wrote.
	setup func(ctx context.Context, db *sql.DB) ([]string, error)
	// op runs transaction i (one transaction, committed); ids are setup's.
	op func(ctx context.Context, db *sql.DB, f *formSaver, ids []string, i int) error
}

// inTx runs fn in one transaction.
func inTx(ctx context.Context, db *sql.DB, fn func(tx *sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// updatePool is how many households the update shape edits in turn.
const updatePool = 300

var captureShapes = []captureShape{
	{name: "insert-1row", ops: 200, rows: 1,
		op: func(ctx context.Context, db *sql.DB, f *formSaver, _ []string, _ int) error {
			return inTx(ctx, db, func(tx *sql.Tx) error { _, err := f.household(ctx, tx, "c1"); return err })
		}},
	{name: "form-10rows", ops: 50, rows: 10,
		op: func(ctx context.Context, db *sql.DB, f *formSaver, _ []string, _ int) error {
			_, err := f.save(ctx, db, "c1")
			return err
		}},
	{name: "bulk-1000rows", ops: 2, rows: 1000,
		op: func(ctx context.Context, db *sql.DB, f *formSaver, _ []string, _ int) error {
			return inTx(ctx, db, func(tx *sql.Tx) error {
				for range 100 {
					if _, err := f.write(ctx, tx, "c1"); err != nil {
						return err
					}
				}
				return nil
			})
		}},
	{name: "update-1row-4cols", ops: 200, rows: 1,
		setup: func(ctx context.Context, db *sql.DB) ([]string, error) {
			// The same seed on both sides: the same ids.
			f := newFormSaver(99)
			var ids []string
			err := inTx(ctx, db, func(tx *sql.Tx) error {
				for range updatePool {
					id, err := f.household(ctx, tx, "c1")
					if err != nil {
						return err
					}
					ids = append(ids, id)
				}
				return nil
			})
			return ids, err
		},
		op: func(ctx context.Context, db *sql.DB, _ *formSaver, ids []string, i int) error {
			// The i-th edit goes to household i%updatePool: four columns,
			// each to a value it did not hold.
			return inTx(ctx, db, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `UPDATE households SET head_name = ?, address = ?, benefit_fen = ?, status = ?
					WHERE id = ?`, fmt.Sprintf("户主%d", i), fmt.Sprintf("幸福路%d号", i), int64(i),
					[]string{"active", "suspended"}[i%2], ids[i%updatePool])
				return err
			})
		}},
}

// BenchmarkCaptureOverhead measures what change capture costs the app's
// writes. For each shape of write transaction — one household row
// inserted, a 10-row household form save (household, 3 members, 6
// incomes), 1,000 rows in one transaction (100 such forms), an update of 4
// columns of one household — it runs the same transactions, with the same
// data, against a device replica through DB() and against a plain SQLite
// database that differs only in having no capture: the same schema, the
// same pragmas and the same per-connection prepared-statement cache. The
// two are interleaved round by round so that load from other processes
// hits both alike.
//
// Reported, per shape: x-plain, the replica's time ÷ the plain time;
// x-plain+fold, the same with the later fold of the capture log into row
// clocks (which runs at the next sync, off the save path, once per round
// here) added to the replica's time; and the microseconds per transaction
// of each side and of the fold.
func BenchmarkCaptureOverhead(b *testing.B) {
	for _, sh := range captureShapes {
		b.Run(sh.name, func(b *testing.B) { benchCapture(b, sh) })
	}
}

func benchCapture(b *testing.B, sh captureShape) {
	ctx := context.Background()
	r := mustOpen(b, schema.Device, nil)
	dsn := filepath.Join(b.TempDir(), "plain.db") + "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=busy_timeout(10000)&_pragma=recursive_triggers(0)"
	plain := sql.OpenDB(connector{drv: &sqlite.Driver{}, dsn: dsn})
	defer plain.Close()
	if err := schema.Migrate(ctx, plain, schema.Device); err != nil {
		b.Fatal(err)
	}
	fold := func() time.Duration {
		start := time.Now()
		if err := r.foldLog(ctx); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	ids := map[*sql.DB][]string{}
	for _, db := range []*sql.DB{plain, r.DB()} {
		if sh.setup != nil {
			var err error
			if ids[db], err = sh.setup(ctx, db); err != nil {
				b.Fatal(err)
			}
		}
	}
	fold()
	// Each side writes with its own saver of the same seed: the same ids
	// and values.
	savers := map[*sql.DB]*formSaver{plain: newFormSaver(1), r.DB(): newFormSaver(1)}
	next := map[*sql.DB]int{}
	round := func(db *sql.DB) time.Duration {
		start := time.Now()
		for range sh.ops {
			if err := sh.op(ctx, db, savers[db], ids[db], next[db]); err != nil {
				b.Fatalf("%s: %v", sh.name, err)
			}
			next[db]++
		}
		return time.Since(start)
	}
	// A warm-up round on each side: statement caches and page caches.
	round(plain)
	round(r.DB())
	fold()
	const rounds = 5
	var tPlain, tCap, tFold time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k := range rounds {
			if k%2 == 0 {
				tPlain += round(plain)
				tCap += round(r.DB())
			} else {
				tCap += round(r.DB())
				tPlain += round(plain)
			}
			tFold += fold()
		}
	}
	b.StopTimer()
	n := float64(b.N * rounds * sh.ops)
	b.ReportMetric(float64(tCap)/float64(tPlain), "x-plain")
	b.ReportMetric(float64(tCap+tFold)/float64(tPlain), "x-plain+fold")
	b.ReportMetric(float64(tPlain.Microseconds())/n, "plain-µs/tx")
	b.ReportMetric(float64(tCap.Microseconds())/n, "capture-µs/tx")
	b.ReportMetric(float64(tFold.Microseconds())/n, "fold-µs/tx")
	b.ReportMetric(0, "ns/op")
}
