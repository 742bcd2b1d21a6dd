package care

import (
	"context"
	"testing"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/internal/testdb"
)

var ctx = context.Background()

// day and isCode: testdb.Day, testdb.IsCode.
var day, isCode = testdb.Day, testdb.IsCode

// fullScores scores every item of the standard at its maximum less off
// points taken from the first items.
func fullScores(o *desk.Office, off int) map[string]int {
	s := map[string]int{}
	for _, it := range Standard(o).Items() {
		take := min(off, it.Max)
		off -= take
		s[it.Key] = it.Max - take
	}
	return s
}

func TestRegisterCountsAssess(t *testing.T) {
	db := testdb.Open(t)
	testdb.Org(t, db)
	o, clock := testdb.Office(db, "sup", time.Date(2025, 2, 10, 2, 0, 0, 0, time.UTC))
	o.Street = "s1"
	if _, err := Register(ctx, o, Institution{Name: " ", Ownership: "private", CommunityID: "c1", OpenedOn: day("2020-01-01")}); !isCode(err, "name_required") {
		t.Fatalf("no name: %v", err)
	}
	if _, err := Register(ctx, o, Institution{Name: "康乐老年公寓", Ownership: "state", CommunityID: "c1", OpenedOn: day("2020-01-01")}); !isCode(err, "ownership") {
		t.Fatalf("bad ownership: %v", err)
	}
	if _, err := Register(ctx, o, Institution{Name: "康乐老年公寓", Ownership: "private", CommunityID: "c3", OpenedOn: day("2020-01-01")}); !isCode(err, "community") {
		t.Fatalf("another street's community: %v", err)
	}
	priv, err := Register(ctx, o, Institution{Name: "康乐老年公寓", Ownership: "private", CommunityID: "c1", OpenedOn: day("2020-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := Register(ctx, o, Institution{Name: "解放区敬老院", Ownership: "public", CommunityID: "c2", OpenedOn: day("2010-05-01")})
	if err != nil {
		t.Fatal(err)
	}
	if err := RecordCounts(ctx, o, priv.ID, day("2025-01-15"), 100, 120, 10); !isCode(err, "counts") {
		t.Fatalf("more residents than beds: %v", err)
	}
	for _, c := range []struct {
		id        string
		on        string
		beds, res int
	}{{priv.ID, "2025-01-15", 100, 46}, {pub.ID, "2025-01-15", 80, 50}} {
		if err := RecordCounts(ctx, o, c.id, day(c.on), c.beds, c.res, 12); err != nil {
			t.Fatal(err)
		}
	}
	if err := RecordFinances(ctx, o, priv.ID, day("2025-01-15"), 1000000, 2000000); !isCode(err, "assets") {
		t.Fatalf("net above total: %v", err)
	}
	if err := RecordFinances(ctx, o, priv.ID, day("2025-01-15"), 88000000, 70000000); err != nil {
		t.Fatal(err)
	}
	// A later count (after the day asked) does not change an earlier list.
	clock.T = time.Date(2025, 7, 20, 2, 0, 0, 0, time.UTC)
	if err := RecordCounts(ctx, o, priv.ID, day("2025-07-01"), 100, 60, 12); err != nil {
		t.Fatal(err)
	}
	ins, err := List(ctx, o, desk.Area{}, day("2025-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != 2 || ins[0].Name != "康乐老年公寓" || ins[0].Residents != 46 || ins[0].OccupancyPct() != 46 {
		t.Fatalf("institutions on 30 June %+v", ins)
	}
	if ins, _ := List(ctx, o, desk.Area{}, day("2025-07-31")); ins[0].Residents != 60 {
		t.Fatalf("institutions on 31 July %+v", ins)
	}
	fin, err := Finances(ctx, o, desk.Area{}, day("2025-06-30"))
	if err != nil || fin[priv.ID].TotalAssetsFen != 88000000 || len(fin) != 1 {
		t.Fatalf("finances %+v %v", fin, err)
	}

	good := Assessment{InstitutionID: priv.ID, Half: "2025H1", AssessedOn: day("2025-07-15"),
		Assessors: []string{"周主任", "王一"}, Scores: fullScores(o, 8)}
	for _, c := range []struct {
		code string
		edit func(*Assessment)
	}{
		{"half", func(a *Assessment) { a.Half = "2025Q1" }},
		{"assessed_on", func(a *Assessment) { a.AssessedOn = day("2025-07-21") }},
		{"assessed_on", func(a *Assessment) { a.AssessedOn = day("2024-12-31") }},
		{"assessors", func(a *Assessment) { a.Assessors = []string{"周主任", " 周主任"} }},
		{"score", func(a *Assessment) { delete(a.Scores, "licences") }},
		{"score", func(a *Assessment) { a.Scores["survey"] = 11 }},
		{"score", func(a *Assessment) { a.Scores["bogus"] = 1 }},
	} {
		a := good
		a.Scores = fullScores(o, 8)
		c.edit(&a)
		if _, err := Assess(ctx, o, a); !isCode(err, c.code) {
			t.Fatalf("%s: got %v", c.code, err)
		}
	}
	// 92 points: excellent, 6,000.00 yuan for a private institution.
	got, err := Assess(ctx, o, good)
	if err != nil {
		t.Fatal(err)
	}
	if got.Total != 92 || got.Band != "excellent" || got.AwardFen != 600000 {
		t.Fatalf("private assessment %+v", got)
	}
	if _, err := Assess(ctx, o, good); !isCode(err, "already_assessed") {
		t.Fatalf("assessed twice: %v", err)
	}
	// A public institution scoring 85 is in band "good" but earns nothing.
	pa := good
	pa.InstitutionID, pa.Scores = pub.ID, fullScores(o, 15)
	got, err = Assess(ctx, o, pa)
	if err != nil {
		t.Fatal(err)
	}
	if got.Total != 85 || got.Band != "good" || got.AwardFen != 0 {
		t.Fatalf("public assessment %+v", got)
	}
	as, err := Assessments(ctx, o, desk.Area{}, desk.Period{From: day("2025-07-01"), To: day("2025-07-31")})
	if err != nil || len(as) != 2 || as[0].Scores["survey"] != 10 || len(as[0].Assessors) != 2 {
		t.Fatalf("assessments %+v %v", as, err)
	}
}

func TestSheets(t *testing.T) {
	ins := []Institution{{ID: "i1", Name: "康乐老年公寓", Ownership: "private", Community: "东社区", Beds: 260, Residents: 118, Staff: 34}}
	s := RegisterSheet(ins, map[string]Finance{"i1": {TotalAssetsFen: 180_000_000, NetAssetsFen: 140_000_000}})
	rows := s.Strings(func(k string, _ ...any) string { return k })
	if len(s.Columns) != 9 || rows[0][1] != "code.ownership.private" || rows[0][5] != "45.38" || rows[0][7] != "1800000.00" {
		t.Fatalf("register sheet %q", rows)
	}
	if s := RegisterSheet(ins, nil); len(s.Columns) != 7 || len(s.Rows[0]) != 7 {
		t.Fatalf("register sheet without finances %+v", s)
	}
	a := AssessmentSheet([]Assessment{{InstitutionID: "i1", AssessedOn: day("2025-06-20"), Total: 92, Band: "excellent", AwardFen: 600000}},
		map[string]string{"i1": "康乐老年公寓"})
	if got := a.Strings(func(k string, _ ...any) string { return k }); got[0][0] != "康乐老年公寓" || got[0][3] != "code.award_band.excellent" || got[0][4] != "6000.00" {
		t.Fatalf("assessment sheet %q", got)
	}
}
