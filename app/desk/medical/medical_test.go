package medical

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/internal/testdb"
	"doorstep/app/desk/sheet"
	"doorstep/schema/rules"
)

func TestRecordAndList(t *testing.T) {
	ctx := context.Background()
	_, o := streetOffice(t)
	id := rules.MakeID("410802", time.Date(1958, 3, 2, 0, 0, 0, 0, time.UTC), 21)
	good := Case{CommunityID: "c1", Person: "赵六", IDNumber: id, Category: "dibao", Cause: "serious_illness",
		Hospital: "焦作市人民医院", MedicalCostFen: 4_000_000, AmountFen: 300_000, GrantedOn: time.Date(2025, 5, 12, 0, 0, 0, 0, time.UTC)}
	for _, c := range []struct {
		code string
		edit func(*Case)
	}{
		{"person_required", func(c *Case) { c.Person = "" }},
		{"id_number", func(c *Case) { c.IDNumber = "410802195803020210" }},
		{"category", func(c *Case) { c.Category = "rich" }},
		{"cause", func(c *Case) { c.Cause = "flu" }},
		{"amount", func(c *Case) { c.AmountFen = 0 }},
		{"amount", func(c *Case) { c.AmountFen = 5_000_000 }},
		{"date", func(c *Case) { c.GrantedOn = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC) }},
		{"community", func(c *Case) { c.CommunityID = "c3" }},
	} {
		x := good
		c.edit(&x)
		_, err := Record(ctx, o, x)
		var ie *desk.InputError
		if !errors.As(err, &ie) || ie.Code != c.code {
			t.Fatalf("%s: got %v", c.code, err)
		}
	}
	if _, err := Record(ctx, o, good); err != nil {
		t.Fatal(err)
	}
	acc := good
	acc.Cause, acc.AmountFen, acc.GrantedOn = "sudden_accident", 120_000, time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC)
	if _, err := Record(ctx, o, acc); err != nil {
		t.Fatal(err)
	}
	cs, err := List(ctx, o, desk.Area{}, desk.Period{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)})
	if err != nil || len(cs) != 2 || cs[0].Cause != "sudden_accident" || cs[1].AmountFen != 300_000 || cs[1].Community != "东社区" {
		t.Fatalf("list %+v %v", cs, err)
	}
	s := Sheet(cs)
	rows := s.Strings(sheet.Identity)
	if len(rows) != 2 || rows[1][7] != "3000.00" || rows[0][4] != "code.medical_cause.sudden_accident" {
		t.Fatalf("sheet %q", rows)
	}
}

// TestCorrectAndWithdraw: a grant typed wrong is corrected twice and
// another withdrawn; the register and its total follow, each change is an
// audit event with the reason and the values before and after, and what
// may not be corrected is refused without changing anything.
func TestCorrectAndWithdraw(t *testing.T) {
	ctx := context.Background()
	db, o := streetOffice(t)
	half := desk.Period{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)}
	id := rules.MakeID("410802", time.Date(1958, 3, 2, 0, 0, 0, 0, time.UTC), 21)
	g, err := Record(ctx, o, Case{CommunityID: "c1", Person: "赵六", IDNumber: id, Category: "dibao", Cause: "serious_illness",
		Hospital: "焦作市人民医院", MedicalCostFen: 4_000_000, AmountFen: 30_000, GrantedOn: time.Date(2025, 5, 12, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	wrong, err := Record(ctx, o, Case{CommunityID: "c1", Person: "赵六", IDNumber: id, Category: "dibao", Cause: "serious_illness",
		AmountFen: 30_000, GrantedOn: time.Date(2025, 5, 12, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	total := func() (int, int64) {
		t.Helper()
		cs, err := List(ctx, o, desk.Area{}, half)
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, c := range cs {
			sum += c.AmountFen
		}
		return len(cs), sum
	}
	if n, sum := total(); n != 2 || sum != 60_000 {
		t.Fatalf("before: %d grants, %d fen", n, sum)
	}

	// 300.00 was typed for 3,000.00; then the date, a day off.
	fix := g
	fix.AmountFen = 300_000
	if _, err := Correct(ctx, o, fix, "金额录入错误"); err != nil {
		t.Fatal(err)
	}
	fix.GrantedOn = time.Date(2025, 5, 13, 0, 0, 0, 0, time.UTC)
	if _, err := Correct(ctx, o, fix, "日期"); err != nil {
		t.Fatal(err)
	}
	if err := Withdraw(ctx, o, wrong.ID, "重复录入"); err != nil {
		t.Fatal(err)
	}
	if n, sum := total(); n != 1 || sum != 300_000 {
		t.Fatalf("after: %d grants, %d fen; want 1, 300000", n, sum)
	}
	got, err := Get(ctx, o, g.ID)
	if err != nil || got.AmountFen != 300_000 || !got.GrantedOn.Equal(fix.GrantedOn) || got.Hospital != "焦作市人民医院" {
		t.Fatalf("corrected grant %+v %v", got, err)
	}

	type event struct{ action, subject, detail string }
	var events []event
	rows, err := db.QueryContext(ctx, `SELECT action, subject_id, detail FROM audit_events WHERE user_id = 'sup' ORDER BY at, rowid`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var e event
		if err := rows.Scan(&e.action, &e.subject, &e.detail); err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	want := []event{
		{ActionCorrect, g.ID, `{"reason":"金额录入错误","before":{"amount_fen":30000},"after":{"amount_fen":300000}}`},
		{ActionCorrect, g.ID, `{"reason":"日期","before":{"granted_on":"2025-05-12"},"after":{"granted_on":"2025-05-13"}}`},
	}
	if len(events) != 3 || events[0] != want[0] || events[1] != want[1] ||
		events[2].action != ActionWithdraw || events[2].subject != wrong.ID || !strings.Contains(events[2].detail, `"reason":"重复录入"`) {
		t.Fatalf("audit events:\n%q\nwant\n%q and a withdrawal", events, want)
	}

	refused := func(code string, err error) {
		t.Helper()
		var ie *desk.InputError
		if code == "" {
			if !errors.Is(err, desk.ErrNotFound) {
				t.Errorf("want not found, got %v", err)
			}
			return
		}
		if !errors.As(err, &ie) || ie.Code != code {
			t.Errorf("want %s, got %v", code, err)
		}
	}
	_, err = Correct(ctx, o, fix, "")
	refused("reason_required", err)
	_, err = Correct(ctx, o, fix, "再改一次")
	refused("unchanged", err)
	bad := fix
	bad.AmountFen = 0
	_, err = Correct(ctx, o, bad, "清零")
	refused("amount", err)
	back := wrong
	back.AmountFen = 1
	_, err = Correct(ctx, o, back, "撤销后再改")
	refused("", err)
	refused("", Withdraw(ctx, o, wrong.ID, "再撤一次"))
	refused("reason_required", Withdraw(ctx, o, g.ID, " "))
	other, _ := testdb.Office(db, "sup2", time.Date(2025, 6, 30, 2, 0, 0, 0, time.UTC))
	other.Street = "s2"
	refused("", Withdraw(ctx, other, g.ID, "不在本街道"))
	if n, sum := total(); n != 1 || sum != 300_000 {
		t.Fatalf("after the refusals: %d grants, %d fen; want 1, 300000", n, sum)
	}
}

// streetOffice opens an empty district database with its organisation and
// the office of supervisor "sup" of street s1 on 30 June 2025.
func streetOffice(t *testing.T) (*sql.DB, *desk.Office) {
	t.Helper()
	db := testdb.Open(t)
	testdb.Org(t, db)
	o, _ := testdb.Office(db, "sup", time.Date(2025, 6, 30, 2, 0, 0, 0, time.UTC))
	o.Street = "s1"
	return db, o
}
