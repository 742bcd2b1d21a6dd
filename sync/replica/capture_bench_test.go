package replica

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
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
	{name: "insert-1row", ops: 200,
		op: func(ctx context.Context, db *sql.DB, f *formSaver, _ []string, _ int) error {
			return inTx(ctx, db, func(tx *sql.Tx) error { _, err := f.household(ctx, tx, "c1"); return err })
		}},
	{name: "form-10rows", ops: 50,
		op: func(ctx context.Context, db *sql.DB, f *formSaver, _ []string, _ int) error {
			_, err := f.save(ctx, db, "c1")
			return err
		}},
	{name: "bulk-1000rows", ops: 4,
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
	{name: "update-1row-4cols", ops: 200,
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
// same pragmas and the same per-connection prepared-statement cache. Each
// transaction runs on both sides back to back (alternating which goes
// first) so that load from other processes hits both alike; 5 rounds of
// the shape's transactions after a warm-up round.
//
// Reported, per shape: x-plain, the median over transactions of the
// replica's time ÷ the plain time (a median, so a burst of load from other
// processes on one transaction does not tip it); x-plain+fold, that plus
// the later fold of the capture log into row clocks (which runs at the
// next sync, off the save path; here once per round) per transaction ÷ the
// median plain transaction; and the median microseconds per transaction
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
		"&_pragma=busy_timeout(10000)&_pragma=recursive_triggers(0)" +
		"&_pragma=cache_size(" + strconv.Itoa(-defaultCacheMiB*1024) + ")"
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
	sides := []*sql.DB{plain, r.DB()}
	savers := []*formSaver{newFormSaver(1), newFormSaver(1)}
	next := 0
	// Each transaction runs on both sides back to back, alternating which
	// goes first, so that load from other processes hits both alike.
	var pairs []float64 // capture time ÷ plain time, per transaction
	var plainTimes, capTimes, folds []time.Duration
	round := func(measure bool) {
		for k := range sh.ops {
			var d [2]time.Duration
			for j := range 2 {
				side := (k + next + j) % 2
				t0 := time.Now()
				if err := sh.op(ctx, sides[side], savers[side], ids[sides[side]], next); err != nil {
					b.Fatalf("%s: %v", sh.name, err)
				}
				d[side] = time.Since(t0)
			}
			if measure {
				pairs = append(pairs, float64(d[1])/float64(d[0]))
				plainTimes = append(plainTimes, d[0])
				capTimes = append(capTimes, d[1])
			}
			next++
		}
	}
	// A warm-up round: statement caches and page caches.
	round(false)
	fold()
	const rounds = 5
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for range rounds {
			round(true)
			folds = append(folds, fold())
		}
	}
	b.StopTimer()
	xPlain := median(pairs)
	plainTx := median(plainTimes)
	foldTx := median(folds) / time.Duration(sh.ops)
	b.ReportMetric(xPlain, "x-plain")
	b.ReportMetric(xPlain+float64(foldTx)/float64(plainTx), "x-plain+fold")
	b.ReportMetric(float64(plainTx.Nanoseconds())/1000, "plain-µs/tx")
	b.ReportMetric(float64(median(capTimes).Nanoseconds())/1000, "capture-µs/tx")
	b.ReportMetric(float64(foldTx.Nanoseconds())/1000, "fold-µs/tx")
	b.ReportMetric(0, "ns/op")
}

// median returns the middle value of xs (the mean of the middle two for
// an even count).
func median[T float64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
