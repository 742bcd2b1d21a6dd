package conflict

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/internal/testdb"
)

var ctx = context.Background()

var now = time.Date(2025, 7, 10, 2, 0, 0, 0, time.UTC)

// hlc makes a clock value at a wall time (counter 0).
func hlc(t time.Time) int64 { return t.UnixMilli() << 16 }

var (
	t1 = time.Date(2025, 7, 9, 1, 0, 0, 0, time.UTC)
	t2 = time.Date(2025, 7, 9, 1, 5, 0, 0, time.UTC)
)

func fixture(t *testing.T) *desk.Office {
	t.Helper()
	db := testdb.Open(t)
	testdb.Org(t, db)
	conflict := func(id, tbl, row, col, comm, wv, lv string) testdb.Row {
		return testdb.Row{Table: "conflicts", ID: id, Values: map[string]any{"tbl": tbl, "row_id": row,
			"col": col, "community_id": comm, "winner_value": wv, "loser_value": lv,
			"winner_hlc": hlc(t2), "loser_hlc": hlc(t1), "winner_site": "dev-b", "loser_site": "dev-a",
			"winner_user": "w2", "loser_user": "w1", "detected_at": "2025-07-09T02:00:00Z", "resolved": 0}}
	}
	testdb.Insert(t, db,
		testdb.Row{Table: "households", ID: "h1", Values: map[string]any{"community_id": "c1",
			"head_name": "刘大", "address": "解放路2号", "benefit_fen": 30000}},
		testdb.Row{Table: "members", ID: "m1", Values: map[string]any{"household_id": "h1",
			"community_id": "c1", "name": "刘小", "disability_grade": 2}},
		testdb.Row{Table: "households", ID: "h3", Values: map[string]any{"community_id": "c3", "head_name": "孙六"}},
		conflict("k1", "households", "h1", "address", "c1", `"解放路2号"`, `"解放路1号"`),
		conflict("k2", "households", "h1", "benefit_fen", "c1", `30000`, `28050`),
		conflict("k3", "members", "m1", "disability_grade", "c1", `2`, `null`),
		conflict("k4", "households", "h3", "head_name", "c3", `"孙六"`, `"孙陆"`),
		conflict("k5", "households", "h1", "address", "c1", `"解放路2号"`, `"解放路3号"`),
	)
	o, _ := testdb.Office(db, "sup", now)
	o.Street = "s1"
	return o
}

func TestList(t *testing.T) {
	o := fixture(t)
	cs, err := List(ctx, o, desk.Area{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 4 { // k4 is in another street
		t.Fatalf("%d conflicts, want 4", len(cs))
	}
	var k1, k2, k3 Conflict
	for _, c := range cs {
		switch c.ID {
		case "k1":
			k1 = c
		case "k2":
			k2 = c
		case "k3":
			k3 = c
		}
	}
	if k1.Label != "刘大" || k1.Community != "东社区" || k1.Winner.Text != "解放路2号" || k1.Loser.Text != "解放路1号" ||
		k1.Winner.User != "李二" || k1.Loser.User != "王一" || !k1.Winner.At.Equal(t2) || !k1.Loser.At.Equal(t1) ||
		k1.Current != "解放路2号" || k1.Loser.Site != "dev-a" {
		t.Fatalf("k1 %+v", k1)
	}
	if k2.Winner.Value != int64(30000) || k2.Loser.Text != "280.50" || k2.Current != int64(30000) {
		t.Fatalf("k2 %+v", k2)
	}
	if k3.Label != "刘小" || k3.Loser.Value != nil || k3.Loser.Text != "" {
		t.Fatalf("k3 %+v", k3)
	}
	if _, err := Get(ctx, o, "k4"); !errors.Is(err, desk.ErrNotFound) {
		t.Fatalf("conflict in another street: %v", err)
	}
}

func TestResolve(t *testing.T) {
	o := fixture(t)
	// Restore the overwritten address: both open conflicts on it close.
	if err := Choose(ctx, o, "k1", false); err != nil {
		t.Fatal(err)
	}
	var addr string
	if err := o.DB.QueryRow(`SELECT address FROM households WHERE id = 'h1'`).Scan(&addr); err != nil {
		t.Fatal(err)
	}
	if addr != "解放路1号" {
		t.Fatalf("address %q after choosing the loser", addr)
	}
	open, _ := List(ctx, o, desk.Area{}, false)
	var ids []string
	for _, c := range open {
		ids = append(ids, c.ID)
	}
	if !reflect.DeepEqual(ids, []string{"k2", "k3"}) {
		t.Fatalf("open after resolving the address: %v", ids)
	}
	all, _ := List(ctx, o, desk.Area{CommunityID: "c1"}, true)
	if len(all) != 4 {
		t.Fatalf("all conflicts: %d", len(all))
	}
	c, _ := Get(ctx, o, "k5")
	if !c.Resolved || c.ResolvedBy != "周主任" || c.ResolvedAt.IsZero() {
		t.Fatalf("k5 after resolving k1: %+v", c)
	}
	if err := Choose(ctx, o, "k1", true); !isCode(err, "resolved") {
		t.Fatalf("resolving twice: %v", err)
	}

	// A typed amount, in yuan.
	if err := Enter(ctx, o, "k2", "12x"); !isCode(err, "value") {
		t.Fatalf("bad amount: %v", err)
	}
	if err := Enter(ctx, o, "k2", " 290.5 "); err != nil {
		t.Fatal(err)
	}
	var fen int64
	if err := o.DB.QueryRow(`SELECT benefit_fen FROM households WHERE id = 'h1'`).Scan(&fen); err != nil {
		t.Fatal(err)
	}
	if fen != 29050 {
		t.Fatalf("benefit %d fen, want 29050", fen)
	}
	// Keeping the winner writes its value back (a no-op for the data).
	if err := Choose(ctx, o, "k3", true); err != nil {
		t.Fatal(err)
	}
	if open, _ := List(ctx, o, desk.Area{}, false); len(open) != 0 {
		t.Fatalf("still open: %+v", open)
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		table, col, text string
		want             any
		ok               bool
	}{
		{"households", "address", " 解放路 ", " 解放路 ", true},
		{"households", "address", "  ", nil, true},
		{"households", "benefit_fen", "-0.5", int64(-50), true},
		{"households", "benefit_fen", "1.234", nil, false},
		{"households", "covered_members", "3", int64(3), true},
		{"households", "covered_members", "3.5", nil, false},
		{"households", "deleted", "", nil, false},
		{"assets", "floor_area", "45.5", 45.5, true},
		{"assets", "floor_area", "NaN", nil, false},
	} {
		got, err := Parse(c.table, c.col, c.text)
		if (err == nil) != c.ok || c.ok && got != c.want {
			t.Errorf("Parse(%s.%s, %q) = %v, %v; want %v ok=%v", c.table, c.col, c.text, got, err, c.want, c.ok)
		}
	}
	if _, err := Parse("nope", "x", "1"); err == nil {
		t.Error("unknown table accepted")
	}
}

func isCode(err error, code string) bool {
	var ie *desk.InputError
	return errors.As(err, &ie) && ie.Code == code
}
