package records

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"doorstep/schema"
	"doorstep/sync/replica"
)

// refNow is the fixed clock of the tests: 2025-06-15 09:00 local time.
var refNow = time.Date(2025, 6, 15, 9, 0, 0, 0, time.Local)

// mustStore opens a fresh device replica in a temp dir, as the app does,
// so every write the tests make goes through change capture.
func mustStore(tb testing.TB) *Store {
	tb.Helper()
	now := func() time.Time { return refNow }
	rep, err := replica.Open(context.Background(), filepath.Join(tb.TempDir(), "device.db"), replica.Options{Now: now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { rep.Close() })
	return New(rep.DB(), now)
}

func mustExec(tb testing.TB, db *sql.DB, q string, args ...any) {
	tb.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
}

// worker is the identity of the fixture's community worker (community c1).
var worker = Identity{Mode: ModeDemo, UserID: "w1", UserName: "李娜", Role: schema.RoleWorker,
	Communities: []string{"c1"}, DeviceID: "d1"}

// volunteer is paired with elder e1 through pairing p1.
var volunteer = Identity{Mode: ModeDemo, UserID: "v1", UserName: "赵敏", Role: schema.RoleVolunteer,
	Pairings: []string{"p1"}, DeviceID: "d2"}

// seed writes a small district: two communities, households 张三 (c1, due
// for re-check soon), 李四 (c1, overdue) and 王五 (c2), members with ID
// numbers and income, elders e1 (paired with v1) and e2.
func seed(tb testing.TB, s *Store) {
	tb.Helper()
	db := s.DB()
	mustExec(tb, db, `INSERT INTO streets(id, name) VALUES ('s1', '解放街道')`)
	mustExec(tb, db, `INSERT INTO communities(id, street_id, name) VALUES ('c1', 's1', '民主社区'), ('c2', 's1', '焦东社区')`)
	mustExec(tb, db, `INSERT INTO staff(id, name, role, community_id) VALUES ('w1', '李娜', 'worker', 'c1'), ('v1', '赵敏', 'volunteer', 'c1')`)
	mustExec(tb, db, `INSERT INTO households(id, community_id, ref_code, address, head_name, status, class, recheck_due, caseworker_id, benefit_fen)
		VALUES ('h1', 'c1', 'JF-001', '民主路12号3单元', '张三', 'active', 'B', '2025-07-01', 'w1', 61000),
		       ('h2', 'c1', 'JF-002', '建设路8号', '李四', 'active', 'A', '2025-05-01', 'w1', 30000),
		       ('h3', 'c2', 'JF-003', '焦东路1号', '王五', 'active', 'C', '2025-06-20', 'w9', 20000)`)
	mustExec(tb, db, `INSERT INTO members(id, household_id, community_id, name, id_number, relationship, birth_date, counted)
		VALUES ('m1', 'h1', 'c1', '张三', '41080219700101001X', 'self', '1970-01-01', 1),
		       ('m2', 'h1', 'c1', '陈小红', '410802197203040026', 'spouse', '1972-03-04', 1),
		       ('m3', 'h2', 'c1', '李四', '410802196505050011', 'self', '1965-05-05', 1),
		       ('m4', 'h3', 'c2', '王五', '410802198001010017', 'self', '1980-01-01', 1)`)
	mustExec(tb, db, `INSERT INTO incomes(id, household_id, member_id, community_id, kind, monthly_fen)
		VALUES ('i1', 'h1', 'm1', 'c1', 'wages', 80000), ('i2', 'h1', 'm2', 'c1', 'pension', 50000)`)
	mustExec(tb, db, `INSERT INTO assets(id, household_id, community_id, kind, floor_area) VALUES ('a1', 'h1', 'c1', 'dwelling', 48.5)`)
	mustExec(tb, db, `INSERT INTO elders(id, community_id, name, address, phone, needs)
		VALUES ('e1', 'c1', '孙奶奶', '民主路3号', '13800000001', '["emotional_comfort"]'),
		       ('e2', 'c1', '周爷爷', '民主路5号', '13800000002', '[]')`)
	mustExec(tb, db, `INSERT INTO volunteer_pairings(id, elder_id, community_id, mode, volunteer_ids, started_on)
		VALUES ('p1', 'e1', 'c1', 'one_to_one', '["v1"]', '2025-01-01'),
		       ('p2', 'e2', 'c1', 'one_to_one', '["v7"]', '2025-01-01')`)
	mustExec(tb, db, `INSERT INTO volunteer_visits(id, pairing_id, elder_id, community_id, volunteer_id, started_at, ended_at, next_visit, risk_flags)
		VALUES ('vv1', 'p1', 'e1', 'c1', 'v1', '2025-06-10T02:00:00Z', '2025-06-10T03:00:00Z', '2025-06-17', '["fall"]')`)
}

// seedMany writes n synthetic households with 1–4 members each into one
// community, with names drawn from common surnames and given names.
func seedMany(tb testing.TB, s *Store, n int) {
	tb.Helper()
	surnames := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕聂柴焦向柳")
	given := []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红梅鑫波斌宇浩凯健俊帆帅旭宁龙林欣")
	r := rand.New(rand.NewPCG(1, 2))
	ctx := context.Background()
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT OR IGNORE INTO communities(id, name) VALUES ('c1', '民主社区')`); err != nil {
		tb.Fatal(err)
	}
	name := func() string {
		g := string(given[r.IntN(len(given))])
		if r.IntN(2) == 0 {
			g += string(given[r.IntN(len(given))])
		}
		return string(surnames[r.IntN(len(surnames))]) + g
	}
	for i := range n {
		hid := fmt.Sprintf("hh%05d", i)
		head := name()
		if _, err := tx.Exec(`INSERT INTO households(id, community_id, ref_code, address, head_name, status)
			VALUES (?, 'c1', ?, ?, ?, 'active')`, hid, fmt.Sprintf("JF-%05d", i),
			fmt.Sprintf("民主路%d号%d单元", r.IntN(300)+1, r.IntN(6)+1), head); err != nil {
			tb.Fatal(err)
		}
		for j := range 1 + r.IntN(4) {
			mn := head
			if j > 0 {
				mn = name()
			}
			if _, err := tx.Exec(`INSERT INTO members(id, household_id, community_id, name, id_number)
				VALUES (?, ?, 'c1', ?, ?)`, fmt.Sprintf("%s-%d", hid, j), hid, mn,
				fmt.Sprintf("4108021960%08d", r.IntN(100000000))); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}
