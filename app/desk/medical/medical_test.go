package medical

import (
	"context"
	"errors"
	"testing"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/internal/testdb"
	"doorstep/app/desk/sheet"
	"doorstep/schema/rules"
)

func TestRecordAndList(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t)
	testdb.Org(t, db)
	o, _ := testdb.Office(db, "sup", time.Date(2025, 6, 30, 2, 0, 0, 0, time.UTC))
	o.Street = "s1"
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
