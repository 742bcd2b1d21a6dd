package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"doorstep/app/desk"
	"doorstep/app/desk/internal/testdb"
	"doorstep/app/desk/sheet"
	"doorstep/schema/demo"
)

var ctx = context.Background()

func date(s string) time.Time {
	t, err := time.Parse(desk.DateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

var h1 = desk.Period{From: date("2025-01-01"), To: date("2025-06-30")}

// period is an entitlements row: a decision on household h taking effect
// on from, decided on decided, paying fen a month for covered people (and
// 15.00 of price subsidy each).
func period(id, h, comm, kind, decided, from, status string, fen, covered int64, reason string) testdb.Row {
	return testdb.Row{Table: "entitlements", ID: id, Values: map[string]any{"household_id": h, "community_id": comm,
		"decision_id": id, "kind": kind, "decided_on": decided, "effective_from": from, "status": status,
		"base_fen": fen, "topup_fen": 0, "covered": covered, "subsidy_fen": covered * 1500, "reason": reason,
		"recorded_at": decided + "T02:00:00Z"}}
}

// fixture: in street s1, h1 (c1) active since 2024 (2 people, 300 yuan),
// h2 (c1) approved 15 March (1 person, 200 yuan), h3 (c2) cancelled 10
// April (moved away), h4 (c2) approved 1 July (after the half-year), h5
// (c1) applicant; h6 in street s2 active since 2024.
func fixture(t *testing.T) *desk.Office {
	t.Helper()
	db := testdb.Open(t)
	testdb.Org(t, db)
	// hh inserts a household row and its benefit history: an approval
	// (decided and effective on approved) and a cancellation.
	hh := func(id, comm, status, approved, cancelled, reason string, covered, fen int64) {
		v := map[string]any{"community_id": comm, "status": status, "covered_members": covered, "benefit_fen": fen, "head_name": "户主" + id}
		testdb.Insert(t, db, testdb.Row{Table: "households", ID: id, Values: v})
		if approved != "" {
			testdb.Insert(t, db, period(id+"a", id, comm, "approve", approved, approved, "active", fen, covered, ""))
		}
		if cancelled != "" {
			testdb.Insert(t, db, period(id+"c", id, comm, "cancel", cancelled, cancelled, "cancelled", 0, 0, reason))
		}
	}
	hh("h1", "c1", "active", "2024-05-01", "", "", 2, 30000)
	hh("h2", "c1", "active", "2025-03-15", "", "", 1, 20000)
	hh("h3", "c2", "cancelled", "2023-01-01", "2025-04-10", "moved_away", 3, 45000)
	hh("h4", "c2", "active", "2025-07-01", "", "", 4, 10000)
	hh("h5", "c1", "applicant", "", "", "", 2, 0)
	hh("h6", "c3", "active", "2024-01-01", "", "", 5, 50000)
	testdb.Insert(t, db,
		testdb.Row{Table: "elder_screenings", ID: "s1", Values: map[string]any{"elder_id": "e1", "community_id": "c1",
			"state": "submitted", "screened_on": "2025-02-01", "barthel_grade": "barthel.grade.severe", "care_group": 1, "home_care": 1}},
		testdb.Row{Table: "elder_screenings", ID: "s2", Values: map[string]any{"elder_id": "e1", "community_id": "c1",
			"state": "submitted", "screened_on": "2025-05-01", "barthel_grade": "barthel.grade.moderate", "care_group": 1, "home_care": 1}},
		testdb.Row{Table: "elder_screenings", ID: "s3", Values: map[string]any{"elder_id": "e2", "community_id": "c2",
			"state": "submitted", "screened_on": "2025-03-01", "barthel_grade": "barthel.grade.independent", "home_care": 0}},
		testdb.Row{Table: "elder_screenings", ID: "s4", Values: map[string]any{"elder_id": "e3", "community_id": "c2",
			"state": "draft", "screened_on": "2025-03-01", "barthel_grade": "barthel.grade.mild"}},
		testdb.Row{Table: "volunteer_pairings", ID: "p1", Values: map[string]any{"community_id": "c1", "mode": "one_to_one", "started_on": "2024-09-01"}},
		testdb.Row{Table: "volunteer_pairings", ID: "p2", Values: map[string]any{"community_id": "c2", "mode": "two_to_one", "started_on": "2025-01-10", "ended_on": "2025-03-01"}},
		testdb.Row{Table: "volunteer_pairings", ID: "p3", Values: map[string]any{"community_id": "c2", "mode": "many_to_one", "started_on": "2025-08-01"}},
		// 1.5 h on 1 January 07:30 China time (31 December UTC), 1 h in June, one in July (outside).
		testdb.Row{Table: "volunteer_visits", ID: "vv1", Values: map[string]any{"pairing_id": "p1", "community_id": "c1", "state": "submitted",
			"started_at": "2024-12-31T23:30:00Z", "ended_at": "2025-01-01T01:00:00Z"}},
		testdb.Row{Table: "volunteer_visits", ID: "vv2", Values: map[string]any{"pairing_id": "p2", "community_id": "c2", "state": "submitted",
			"started_at": "2025-06-30T08:00:00Z", "ended_at": "2025-06-30T09:00:00Z"}},
		testdb.Row{Table: "volunteer_visits", ID: "vv3", Values: map[string]any{"pairing_id": "p1", "community_id": "c1", "state": "submitted",
			"started_at": "2025-06-30T16:00:00Z", "ended_at": "2025-06-30T17:00:00Z"}},
		testdb.Row{Table: "group_activities", ID: "a1", Values: map[string]any{"community_id": "c1", "kind": "lecture", "theme": "health_care", "held_on": "2025-04-01", "headcount": 80}},
		testdb.Row{Table: "group_activities", ID: "a2", Values: map[string]any{"community_id": "c2", "kind": "contest", "theme": "health_care", "held_on": "2025-05-01", "headcount": 40}},
		testdb.Row{Table: "group_activities", ID: "a3", Values: map[string]any{"community_id": "c2", "kind": "lecture", "theme": "hobby_tutoring", "held_on": "2025-07-01", "headcount": 10}},
	)
	o, _ := testdb.Office(db, "sup", time.Date(2025, 7, 10, 2, 0, 0, 0, time.UTC))
	o.Street = "s1"
	return o
}

func TestFigures(t *testing.T) {
	o := fixture(t)
	r, err := Compute(ctx, o, Params{Period: h1})
	if err != nil {
		t.Fatal(err)
	}
	d := r.Dibao
	// Paid: h1 six months (6 × 300), h2 April–June (3 × 200), h3
	// January–April (4 × 450): 1800 + 600 + 1800 yuan; person-months
	// 12 + 3 + 12 = 27.
	want := Dibao{Households: 2, People: 3, MonthlyPayoutFen: 50000, PaidFen: 420000, Months: 6,
		Added: 1, Cancelled: 1, CancelReasons: []Count{{"moved_away", 1}},
		PriceSubsidyMonthlyFen: 4500, PriceSubsidyFen: 27 * 1500}
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("低保\n got %+v\nwant %+v", d, want)
	}
	if d.PerPersonFen() != 16667 {
		t.Fatalf("per person %d", d.PerPersonFen())
	}
	wantPlaces := []Place{
		{ID: "c1", Name: "东社区", Households: 2, People: 3, MonthlyPayoutFen: 50000, Added: 1},
		{ID: "c2", Name: "西社区", Cancelled: 1},
	}
	if !reflect.DeepEqual(r.Places, wantPlaces) {
		t.Fatalf("places\n got %+v\nwant %+v", r.Places, wantPlaces)
	}
	wantElders := Elders{Screened: 2, ByGrade: []Count{{"barthel.grade.independent", 1}, {"barthel.grade.moderate", 1}},
		MonetaryCare: 1, ByGroup: []Count{{"1", 1}}, HomeCare: 1}
	if !reflect.DeepEqual(r.Elders, wantElders) {
		t.Fatalf("elders\n got %+v\nwant %+v", r.Elders, wantElders)
	}
	v := r.Volunteers
	if v.Pairings != 2 || v.Visits != 2 || math.Abs(v.Hours-2.5) > 1e-6 || len(v.ByMode) != 2 ||
		v.ByMode[0].Code != "one_to_one" || v.ByMode[1].Code != "two_to_one" || math.Abs(v.ByMode[0].Hours-1.5) > 1e-6 {
		t.Fatalf("volunteers %+v", v)
	}
	a := r.Activities
	if a.Count != 2 || a.PersonTimes != 120 || !reflect.DeepEqual(a.ByKind, []Activity{{"contest", 1, 40}, {"lecture", 1, 80}}) ||
		!reflect.DeepEqual(a.ByTheme, []Activity{{"health_care", 2, 120}}) {
		t.Fatalf("activities %+v", a)
	}

	// One community; and a district supervisor sees street s2 and streets as places.
	r, _ = Compute(ctx, o, Params{Period: h1, Area: desk.Area{CommunityID: "c2"}})
	if r.Dibao.Households != 0 || r.Dibao.Cancelled != 1 || r.Activities.Count != 1 {
		t.Fatalf("community c2: %+v", r.Dibao)
	}
	o.Street = ""
	r, _ = Compute(ctx, o, Params{Period: h1})
	if r.Dibao.Households != 3 || len(r.Places) != 2 || r.Places[0].Name != "民主街道" || r.Places[0].People != 5 {
		t.Fatalf("district: %+v %+v", r.Dibao, r.Places)
	}
	// A period inside one month has no payment month.
	r, _ = Compute(ctx, o, Params{Period: desk.Period{From: date("2025-03-02"), To: date("2025-03-20")}})
	if r.Dibao.Months != 0 || r.Dibao.PaidFen != 0 || r.Dibao.Added != 1 {
		t.Fatalf("mid-month period: %+v", r.Dibao)
	}
	_, err = Compute(ctx, o, Params{Period: desk.Period{From: date("2025-03-02")}})
	var ie *desk.InputError
	if !errors.As(err, &ie) || ie.Code != "period" {
		t.Fatalf("open period: %v", err)
	}
}

// TestDemoHalfYear is the proof the issue asks for: on the demo district,
// the half-year report reproduces the district report's figures.
func TestDemoHalfYear(t *testing.T) {
	db, d := testdb.Demo(t, time.Date(2025, 7, 10, 0, 0, 0, 0, time.UTC))
	o, _ := testdb.Office(db, "", time.Date(2025, 7, 10, 2, 0, 0, 0, time.UTC))
	r, err := Compute(ctx, o, Params{Period: desk.Period{From: d.From, To: d.To}})
	if err != nil {
		t.Fatal(err)
	}
	b := r.Dibao
	t.Logf("half-year %s: %d households, %d people, %s yuan a month (%s per person), +%d / -%d, paid %s, price subsidy %s (%s a month)",
		r.Period, b.Households, b.People, sheet.Yuan(b.MonthlyPayoutFen), sheet.Yuan(b.PerPersonFen()), b.Added, b.Cancelled,
		sheet.Yuan(b.PaidFen), sheet.Yuan(b.PriceSubsidyFen), sheet.Yuan(b.PriceSubsidyMonthlyFen))
	if b.Households != 2522 || b.People != 6708 || b.Added != 220 || b.Cancelled != 182 {
		t.Fatalf("got %d households, %d people, +%d / -%d; want 2522, 6708, +220 / -182", b.Households, b.People, b.Added, b.Cancelled)
	}
	if dev := math.Abs(float64(b.MonthlyPayoutFen)-73_900_000) / 73_900_000; dev > 0.005 {
		t.Fatalf("monthly payout %s yuan, %.2f %% from 739,000", sheet.Yuan(b.MonthlyPayoutFen), 100*dev)
	}
	if b.PriceSubsidyMonthlyFen != 6708*1500 {
		t.Fatalf("price subsidy %d", b.PriceSubsidyMonthlyFen)
	}
	// 1—6月份累计发放低保金401万元: the six closed rolls.
	if dev := math.Abs(float64(b.PaidFen)-401_000_000) / 401_000_000; dev > 0.005 || b.Months != 6 {
		t.Fatalf("paid in the half-year %s yuan over %d months, %.2f %% from 4,010,000", sheet.Yuan(b.PaidFen), b.Months, 100*dev)
	}
	// Care institutions and medical assistance, as the seed reports them.
	if in := r.Institutions; in != (Institutions{Count: 7, Public: 2, Private: 5, Beds: 1066, Residents: 498, Staff: 152,
		AssetsFen: 819_000_000, NetAssetsFen: in.NetAssetsFen, Assessed: 7, AwardFen: 2_040_000}) || in.OccupancyPct() != 46 {
		t.Fatalf("institutions %+v, occupancy %d %%", in, in.OccupancyPct())
	}
	if m := r.Medical; m.Cases != 33 || m.AmountFen != 5_630_000 || len(m.ByCause) != 2 {
		t.Fatalf("medical assistance %+v", m)
	}
	// The rest agrees with the generator's own count.
	f := demo.Totals(d)
	e, v, a := r.Elders, r.Volunteers, r.Activities
	if e.Screened != f.EldersScreened || e.MonetaryCare != f.MonetaryCare || e.HomeCare != f.HomeCare ||
		e.MonetaryCare != demo.TargetMonetaryCare || e.HomeCare != demo.TargetHomeCare {
		t.Fatalf("elders %+v, generator %d screened, %d monetary care, %d home care", e, f.EldersScreened, f.MonetaryCare, f.HomeCare)
	}
	for _, g := range e.ByGrade {
		if f.EldersByGrade[g.Code] != g.N {
			t.Fatalf("grade %s: %d, generator %d", g.Code, g.N, f.EldersByGrade[g.Code])
		}
	}
	if v.Pairings != f.Pairings || v.Visits != f.VolunteerVisits || math.Abs(v.Hours-f.VolunteerHours) > 0.01 {
		t.Fatalf("volunteers %+v, generator %d pairings, %d visits, %.2f h", v, f.Pairings, f.VolunteerVisits, f.VolunteerHours)
	}
	for _, m := range v.ByMode {
		if f.PairingsByMode[m.Code] != m.Pairings {
			t.Fatalf("mode %s: %d pairings, generator %d", m.Code, m.Pairings, f.PairingsByMode[m.Code])
		}
	}
	if a.Count != demo.TargetActivities || int64(a.PersonTimes) != f.ActivityHeadcount {
		t.Fatalf("activities %d, %d person-times; generator %d, %d", a.Count, a.PersonTimes, f.Activities, f.ActivityHeadcount)
	}
	sum := 0
	for _, p := range r.Places {
		sum += p.Households
	}
	if sum != 2522 || len(r.Places) != 9 {
		t.Fatalf("places add up to %d households over %d streets", sum, len(r.Places))
	}

	t.Run("ExportsReadBack", func(t *testing.T) { exportsReadBack(t, r) })
}

// tr stands in for the UI's translation, so the test sees it applied.
func tr(key string, data ...any) string { return "«" + key + "»" }

// exportsReadBack writes every sheet of r as XLSX and CSV, reads them back
// with excelize and encoding/csv, and compares with the report.
func exportsReadBack(t *testing.T, r Report) {
	sheets := r.Sheets()
	var xb bytes.Buffer
	if err := sheet.WriteXLSX(&xb, sheets, tr); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&xb)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tabs := f.GetSheetList()
	if len(tabs) != len(sheets) {
		t.Fatalf("%d tabs for %d sheets", len(tabs), len(sheets))
	}
	for i, s := range sheets {
		want := append([][]string{s.Header(tr)}, s.Strings(tr)...)
		got, err := f.GetRows(tabs[i])
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(pad(got, len(s.Columns)), pad(want, len(s.Columns))) {
			t.Fatalf("xlsx %s\n got %q\nwant %q", s.Name, got, want)
		}
		var cb bytes.Buffer
		if err := sheet.WriteCSV(&cb, s, tr); err != nil {
			t.Fatal(err)
		}
		text, ok := strings.CutPrefix(cb.String(), "\uFEFF")
		if !ok {
			t.Fatalf("csv %s has no BOM", s.Name)
		}
		recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(recs, want) {
			t.Fatalf("csv %s\n got %q\nwant %q", s.Name, recs, want)
		}
	}
	// The figures themselves, read back from the summary tab.
	rows, _ := f.GetRows(tabs[0])
	figures := map[string]string{}
	for _, row := range rows[1:] {
		figures[row[0]] = row[1]
	}
	for key, want := range map[string]string{"households": "2522", "people": "6708", "added": "220", "cancelled": "182",
		"monthly_payout": sheet.Yuan(r.Dibao.MonthlyPayoutFen)} {
		if got := figures["«desk.report."+key+"»"]; got != want {
			t.Fatalf("xlsx summary %s = %q, want %q", key, got, want)
		}
	}
}

// pad makes every row n cells long (excelize drops trailing empty cells).
func pad(rows [][]string, n int) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = append(append([]string{}, r...), make([]string, max(0, n-len(r)))...)
	}
	return out
}
