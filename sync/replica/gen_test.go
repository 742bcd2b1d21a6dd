package replica

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
)

// formSaver writes typical form saves — a household with 3 members and 6
// income rows — the way the field app does: plain SQL, one transaction
// per save.
type formSaver struct {
	rng *rand.Rand
	n   int
}

func newFormSaver(seed uint64) *formSaver {
	return &formSaver{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// uuid7 makes a v7-shaped UUID from the saver's counter and rng.
func (f *formSaver) uuid() string {
	f.n++
	return fmt.Sprintf("0195%04x-%04x-7%03x-8%03x-%012x", f.n>>16&0xffff, f.n&0xffff,
		f.rng.IntN(0x1000), f.rng.IntN(0x1000), f.rng.Uint64()&0xffffffffffff)
}

var (
	surnames = []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"}
	given    = []string{"建国", "秀英", "桂兰", "志强", "丽", "伟", "芳", "军", "敏", "静"}
	kinds    = []string{"wage", "pension", "farming", "allowance", "rent", "other"}
)

func (f *formSaver) name() string {
	return surnames[f.rng.IntN(len(surnames))] + given[f.rng.IntN(len(given))]
}

// save writes one household form in one transaction and returns its id.
func (f *formSaver) save(ctx context.Context, db *sql.DB, community string) (string, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	hid, err := f.write(ctx, tx, community)
	if err != nil {
		return "", err
	}
	return hid, tx.Commit()
}

// write writes one household form (10 rows) in tx and returns its id.
func (f *formSaver) write(ctx context.Context, tx *sql.Tx, community string) (string, error) {
	hid, err := f.household(ctx, tx, community)
	if err != nil {
		return "", err
	}
	members := make([]string, 3)
	for i := range members {
		members[i] = f.uuid()
		if _, err := tx.ExecContext(ctx, `INSERT INTO members (id, household_id, community_id, name, id_number,
			sex, birth_date, relationship, marital, health, labour_capacity, employment, counted)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'married', 'good', 'full', 'employed', 1)`,
			members[i], hid, community, f.name(), fmt.Sprintf("11010519%02d%02d%02d%04d", 40+f.rng.IntN(60), 1+f.rng.IntN(12), 1+f.rng.IntN(28), f.rng.IntN(10000)),
			[]string{"M", "F"}[f.rng.IntN(2)], fmt.Sprintf("19%02d-%02d-%02d", 40+f.rng.IntN(60), 1+f.rng.IntN(12), 1+f.rng.IntN(28)),
			[]string{"head", "spouse", "child"}[i]); err != nil {
			return "", err
		}
	}
	for i := 0; i < 6; i++ {
		if _, err := tx.ExecContext(ctx, `INSERT INTO incomes (id, household_id, member_id, community_id, kind,
			monthly_fen, note) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			f.uuid(), hid, members[i%3], community, kinds[i], int64(f.rng.IntN(300000)), ""); err != nil {
			return "", err
		}
	}
	return hid, nil
}

// household writes one household row in tx and returns its id.
func (f *formSaver) household(ctx context.Context, tx *sql.Tx, community string) (string, error) {
	hid := f.uuid()
	if _, err := tx.ExecContext(ctx, `INSERT INTO households (id, community_id, ref_code, address, urban,
		head_name, hardship_cause, staff_relative, hukou_local, class, status, applied_on, benefit_fen,
		covered_members, caseworker_id, recheck_due) VALUES (?, ?, ?, ?, 1, ?, 'illness', 0, 1, 'A', 'active',
		'2024-05-12', ?, 3, ?, '2025-05-12')`,
		hid, community, fmt.Sprintf("DB%06d", f.n), fmt.Sprintf("幸福路%d号%d栋%d室", f.rng.IntN(300), f.rng.IntN(20), f.rng.IntN(600)),
		f.name(), int64(f.rng.IntN(200000)), community); err != nil {
		return "", err
	}
	return hid, nil
}
