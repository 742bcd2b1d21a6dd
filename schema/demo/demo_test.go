package demo_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rs/xid"

	"doorstep/schema"
	"doorstep/schema/demo"
	"doorstep/schema/rules"
)

// ref is the reference date of the tests: the district covers 2026's first half.
var ref = time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)

var (
	defaultOnce sync.Once
	defaultD    *demo.District
)

// testDistrict returns the default-seed district, generated once per test binary.
// Tests must not modify it.
func testDistrict(t testing.TB) *demo.District {
	t.Helper()
	defaultOnce.Do(func() { defaultD = demo.Generate(demo.DefaultSeed, ref) })
	return defaultD
}

// index maps table → id → values.
func index(d *demo.District) map[string]map[string]map[string]any {
	out := map[string]map[string]map[string]any{}
	for _, r := range d.Rows {
		if out[r.Table] == nil {
			out[r.Table] = map[string]map[string]any{}
		}
		out[r.Table][r.ID] = r.Values
	}
	return out
}

func TestTotals(t *testing.T) {
	d := testDistrict(t)
	f := demo.Totals(d)
	t.Log("\n" + f.String())
	checks := []struct {
		name      string
		got, want int
	}{
		{"active households", f.ActiveHouseholds, 2522},
		{"people", f.People, 6708},
		{"covered members", f.CoveredMembers, 6708},
		{"cancelled in the half-year", f.Cancelled, 182},
		{"added in the half-year", f.Added, 220},
		{"elders in a monetary-care group", f.MonetaryCare, 155},
		{"elders 70+ (home-based care)", f.HomeCare, 46},
		{"volunteer pairings", f.Pairings, 60},
		{"activities", f.Activities, 16},
		{"streets", f.Streets, 9},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	const want = 73_900_000
	if diff := f.MonthlyPayoutFen - want; diff*1000 > want*5 || -diff*1000 > want*5 {
		t.Errorf("monthly payout = %d fen, want 739,000 yuan ±0.5%%", f.MonthlyPayoutFen)
	}
	if f.PriceSubsidyFen != 6708*1500 {
		t.Errorf("price subsidy = %d fen, want 6708 × 15 yuan", f.PriceSubsidyFen)
	}
	if f.ActivityHeadcount < 1200 || f.ActivityHeadcount >= 1260 {
		t.Errorf("activity headcount = %d, want 1,200-odd", f.ActivityHeadcount)
	}
	for _, mode := range schema.PairingModes {
		if f.PairingsByMode[mode] == 0 {
			t.Errorf("no pairing in mode %s", mode)
		}
	}
	if f.VolunteerVisits < 4*f.Pairings {
		t.Errorf("only %d volunteer visits for %d pairings", f.VolunteerVisits, f.Pairings)
	}
	if f.StaffRelative == 0 || f.StaffRelative*50 > f.ActiveHouseholds {
		t.Errorf("staff relatives = %d of %d, want about 1 %%", f.StaffRelative, f.ActiveHouseholds)
	}
	if f.VisitsPending == 0 || f.VisitsReturned == 0 {
		t.Errorf("want some visits awaiting review (%d) and some returned (%d)", f.VisitsPending, f.VisitsReturned)
	}
}

func TestDeterministic(t *testing.T) {
	a := testDistrict(t)
	b := demo.Generate(demo.DefaultSeed, ref)
	if len(a.Rows) != len(b.Rows) {
		t.Fatalf("same seed: %d rows, then %d", len(a.Rows), len(b.Rows))
	}
	for i := range a.Rows {
		if !reflect.DeepEqual(a.Rows[i], b.Rows[i]) {
			t.Fatalf("same seed: row %d differs:\n%v\n%v", i, a.Rows[i], b.Rows[i])
		}
	}
	// Another seed gives another district with the same guaranteed totals.
	c := demo.Generate(2, ref)
	if c.Rows[len(c.Rows)/2].ID == a.Rows[len(a.Rows)/2].ID {
		t.Error("seeds 1 and 2 gave the same ids")
	}
	fa, fc := demo.Totals(a), demo.Totals(c)
	if fa.ActiveHouseholds != fc.ActiveHouseholds || fa.People != fc.People ||
		fa.MonthlyPayoutFen != fc.MonthlyPayoutFen || fa.Added != fc.Added || fa.Cancelled != fc.Cancelled {
		t.Errorf("seed 2 totals differ from seed 1:\n%v\n%v", fa, fc)
	}
}

func TestHalfYear(t *testing.T) {
	cases := []struct {
		ref      time.Time
		from, to string
	}{
		{time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), "2026-01-01", "2026-06-30"},
		{time.Date(2026, 11, 29, 4, 0, 0, 0, time.UTC), "2026-01-01", "2026-06-30"},
		{time.Date(2026, 6, 30, 16, 0, 0, 0, time.UTC), "2026-01-01", "2026-06-30"},  // 1 July 00:00 in China
		{time.Date(2026, 6, 30, 15, 59, 0, 0, time.UTC), "2025-01-01", "2025-06-30"}, // still 30 June there
	}
	for _, c := range cases {
		from, to := demo.HalfYear(c.ref)
		if from.Format("2006-01-02") != c.from || to.Format("2006-01-02") != c.to {
			t.Errorf("HalfYear(%v) = %v – %v, want %s – %s", c.ref, from, to, c.from, c.to)
		}
	}
}

func TestRowsMatchRegistry(t *testing.T) {
	d := testDistrict(t)
	seen := map[string]bool{}
	for _, r := range d.Rows {
		tb, ok := schema.Reg.Table(r.Table)
		if !ok {
			t.Fatalf("row %s: table %q not in the registry", r.ID, r.Table)
		}
		if seen[r.ID] {
			t.Errorf("%s: duplicate id %s", r.Table, r.ID)
		}
		seen[r.ID] = true
		u, err := uuid.Parse(r.ID)
		if err != nil || u.Version() != 7 || u.Variant() != uuid.RFC4122 || u.String() != r.ID {
			t.Errorf("%s: id %q is not a canonical UUID v7 (%v)", r.Table, r.ID, err)
		}
		if len(r.Values) != len(tb.Columns) {
			t.Errorf("%s %s: %d values for %d columns", r.Table, r.ID, len(r.Values), len(tb.Columns))
		}
		for _, c := range tb.Columns {
			v, ok := r.Values[c.Name]
			if !ok {
				t.Errorf("%s %s: no value for %s", r.Table, r.ID, c.Name)
				continue
			}
			var good bool
			switch v.(type) {
			case nil:
				good = true
			case string:
				good = c.Type == schema.TypeText
			case int64:
				good = c.Type == schema.TypeInt
			case float64:
				good = c.Type == schema.TypeReal
			}
			if !good {
				t.Errorf("%s %s: %s (%s) holds %T", r.Table, r.ID, c.Name, c.Type, v)
			}
		}
	}
	// Reference codes are xids, unique per table.
	for _, table := range []string{"households", "means_visits"} {
		codes := map[string]bool{}
		for _, r := range d.Table(table) {
			code := r.Values["ref_code"].(string)
			if _, err := xid.FromString(code); err != nil {
				t.Errorf("%s %s: ref_code %q: %v", table, r.ID, code, err)
			}
			if codes[code] {
				t.Errorf("%s: duplicate ref_code %s", table, code)
			}
			codes[code] = true
		}
	}
}

// codeColumns lists each coded column with its code list (nil allowed where
// the column is optional).
var codeColumns = []struct {
	table, column string
	codes         []string
	optional      bool
}{
	{"staff", "role", roles(), false},
	{"households", "status", schema.HouseholdStatuses, false},
	{"households", "class", schema.HouseholdClasses, false},
	{"households", "hardship_cause", schema.HardshipCauses, false},
	{"households", "cancel_reason", schema.CancelReasons, true},
	{"members", "sex", schema.Sexes, false},
	{"members", "relationship", schema.Relationships, false},
	{"members", "marital", schema.MaritalStatuses, false},
	{"members", "health", schema.HealthStates, false},
	{"members", "disability_category", schema.DisabilityCategories, true},
	{"members", "labour_capacity", schema.LabourCapacities, false},
	{"members", "employment", schema.Employments, false},
	{"members", "not_counted_reason", schema.NotCountedReasons, true},
	{"incomes", "kind", schema.IncomeKinds, false},
	{"assets", "kind", schema.AssetKinds, false},
	{"assets", "dwelling_type", schema.DwellingTypes, true},
	{"assets", "renovation", schema.RenovationLevels, true},
	{"assets", "vehicle_type", schema.VehicleKinds, true},
	{"means_visits", "purpose", schema.VisitPurposes, false},
	{"means_visits", "method", schema.VisitMethods, false},
	{"means_visits", "state", schema.VisitStates, false},
	{"review_events", "action", schema.ReviewActions, false},
	{"meeting_decisions", "decision", schema.MeetingDecisions, false},
	{"elders", "sex", schema.Sexes, false},
	{"elder_screenings", "reason", schema.ScreeningReasons, false},
	{"elder_screenings", "living_arrangement", schema.LivingArrangements, false},
	{"elder_screenings", "income_band", schema.ElderIncomeBands, false},
	{"elder_screenings", "pairing_advice", schema.PairingModes, true},
	{"elder_screenings", "state", schema.VisitStates, false},
	{"volunteer_pairings", "mode", schema.PairingModes, false},
	{"volunteer_visits", "need", schema.ElderNeeds, false},
	{"volunteer_visits", "wellbeing", schema.Wellbeings, false},
	{"volunteer_visits", "state", schema.VisitStates, false},
	{"group_activities", "kind", schema.ActivityKinds, false},
	{"group_activities", "theme", schema.ActivityThemes, false},
}

// listColumns are JSON list columns with their code lists.
var listColumns = []struct {
	table, column string
	codes         []string
}{
	{"elders", "needs", schema.ElderNeeds},
	{"elder_screenings", "needs", schema.ElderNeeds},
	{"elder_screenings", "risk_events", schema.CareRiskEvents},
	{"volunteer_visits", "services", schema.VolunteerServices},
	{"volunteer_visits", "risk_flags", schema.VisitRiskFlags},
}

func roles() []string {
	var out []string
	for _, r := range schema.Roles {
		out = append(out, string(r))
	}
	return out
}

func TestCodes(t *testing.T) {
	d := testDistrict(t)
	for _, c := range codeColumns {
		used := map[string]bool{}
		for _, r := range d.Table(c.table) {
			v := r.Values[c.column]
			if v == nil && c.optional {
				continue
			}
			s, _ := v.(string)
			if !slices.Contains(c.codes, s) {
				t.Errorf("%s.%s = %v, not one of %v", c.table, c.column, v, c.codes)
			}
			used[s] = true
		}
		if len(used) < 2 && len(c.codes) > 1 && c.table != "means_visits" && c.column != "state" {
			t.Errorf("%s.%s uses only %v", c.table, c.column, used)
		}
	}
	for _, c := range listColumns {
		for _, r := range d.Table(c.table) {
			var list []string
			if err := json.Unmarshal([]byte(r.Values[c.column].(string)), &list); err != nil {
				t.Fatalf("%s.%s %s: %v", c.table, c.column, r.ID, err)
			}
			for _, s := range list {
				if !slices.Contains(c.codes, s) {
					t.Errorf("%s.%s holds %q, not one of %v", c.table, c.column, s, c.codes)
				}
			}
		}
	}
}

// TestCodeListsMatchRules keeps schema's code lists and the rules' constants
// in step where both define the same values.
func TestCodeListsMatchRules(t *testing.T) {
	same := func(name string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("schema.%s = %v, rules say %v", name, got, want)
		}
	}
	same("Sexes", schema.Sexes, []string{string(rules.SexMale), string(rules.SexFemale)})
	same("IncomeKinds", schema.IncomeKinds, rules.IncomeKinds)
	same("ElderIncomeBands", schema.ElderIncomeBands,
		[]string{string(rules.IncomeNone), string(rules.IncomeBelow), string(rules.IncomeAtOrAbove)})
	same("VehicleKinds", schema.VehicleKinds,
		[]string{rules.VehicleCar, rules.VehicleMotorcycle, rules.VehicleTruck, rules.VehicleOther})
	for _, k := range testDistrict(t).Config.Dibao.ExcludedIncomeKinds {
		if !slices.Contains(schema.IncomeKinds, k) {
			t.Errorf("excluded income kind %q is not in schema.IncomeKinds", k)
		}
	}
}

func TestIDNumbers(t *testing.T) {
	d := testDistrict(t)
	idx := index(d)
	numbers := map[string]string{}
	check := func(where, number, birth, sex string) {
		t.Helper()
		info, err := rules.ParseID(number, d.To)
		if err != nil {
			t.Errorf("%s: ID %s: %v", where, number, err)
			return
		}
		if got := info.Birth.Format("2006-01-02"); got != birth {
			t.Errorf("%s: ID %s encodes birth %s, birth_date is %s", where, number, got, birth)
		}
		if string(info.Sex) != sex {
			t.Errorf("%s: ID %s encodes sex %s, sex is %s", where, number, info.Sex, sex)
		}
		if prev, dup := numbers[number]; dup && prev != where {
			t.Errorf("ID %s used by %s and %s", number, prev, where)
		}
		numbers[number] = where
	}
	for _, r := range d.Table("members") {
		v := r.Values
		check("member "+r.ID, v["id_number"].(string), v["birth_date"].(string), v["sex"].(string))
	}
	for _, r := range d.Table("elder_screenings") {
		e := idx["elders"][r.Values["elder_id"].(string)]
		check("elder "+r.Values["elder_id"].(string), r.Values["id_number"].(string), e["birth_date"].(string), e["sex"].(string))
	}
	if len(numbers) < 7000 {
		t.Errorf("only %d distinct ID numbers", len(numbers))
	}
	// A wrong check digit must be caught by the same check.
	bad := []byte(d.Table("members")[0].Values["id_number"].(string))
	bad[17] = "10X98765432"[(indexByte("10X98765432", bad[17])+1)%11]
	if _, err := rules.ParseID(string(bad), d.To); err == nil {
		t.Errorf("ParseID accepted %s with a wrong check digit", bad)
	}
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// TestVariety: the district holds the less common cases the app must show.
func TestVariety(t *testing.T) {
	d := testDistrict(t)
	count := func(table string, pred func(v map[string]any) bool) int {
		n := 0
		for _, r := range d.Table(table) {
			if pred(r.Values) {
				n++
			}
		}
		return n
	}
	cases := []struct {
		name string
		n    int
	}{
		{"members not counted", count("members", func(v map[string]any) bool { return v["counted"] == int64(0) })},
		{"members with a disability", count("members", func(v map[string]any) bool { return v["disability_category"] != nil })},
		{"disability vehicles", count("assets", func(v map[string]any) bool { return v["disability_vehicle"] == int64(1) })},
		{"other vehicles", count("assets", func(v map[string]any) bool { return v["disability_vehicle"] == int64(0) })},
		{"dwellings", count("assets", func(v map[string]any) bool { return v["kind"] == "dwelling" })},
		{"scholarships", count("incomes", func(v map[string]any) bool { return v["kind"] == "scholarship" })},
		{"ineligible visits", count("means_visits", func(v map[string]any) bool { return v["eligible"] == int64(0) })},
		{"draft visits", count("means_visits", func(v map[string]any) bool { return v["state"] == "draft" })},
		{"resubmitted visits", count("means_visits", func(v map[string]any) bool { return v["supersedes_id"] != nil })},
		{"returned reviews", count("review_events", func(v map[string]any) bool { return v["action"] == "return" })},
		{"three-no elders", count("elder_screenings", func(v map[string]any) bool { return v["three_no"] == int64(1) })},
		{"re-screenings", count("elder_screenings", func(v map[string]any) bool { return v["reason"] == "immediate" })},
		{"volunteer risk flags", count("volunteer_visits", func(v map[string]any) bool { return v["risk_flags"] != "[]" })},
		{"ended pairings", count("volunteer_pairings", func(v map[string]any) bool { return v["ended_on"] != nil })},
		{"rare surnames", count("members", func(v map[string]any) bool {
			s := v["name"].(string)
			for _, p := range []string{"禚", "蔺", "郜", "昝", "亓", "逯", "訾", "司马", "欧阳", "上官"} {
				if strings.HasPrefix(s, p) {
					return true
				}
			}
			return false
		})},
	}
	for _, c := range cases {
		if c.n == 0 {
			t.Errorf("no %s", c.name)
		}
	}
}

// TestReturnsAwaitCorrection: on the reference date caseworkers have visits
// returned for correction that no resubmission supersedes yet — at most one
// each — and every such visit keeps its household's earlier approved visit.
func TestReturnsAwaitCorrection(t *testing.T) {
	d := testDistrict(t)
	ix := index(d)
	superseded := map[string]bool{}
	for _, v := range ix["means_visits"] {
		if s, ok := v["supersedes_id"].(string); ok {
			superseded[s] = true
		}
	}
	perAuthor := map[string]int{}
	for _, r := range d.Table("review_events") {
		v := r.Values
		if v["action"] != "return" || superseded[v["record_id"].(string)] {
			continue
		}
		visit := ix["means_visits"][v["record_id"].(string)]
		perAuthor[visit["author_id"].(string)]++
		h := ix["households"][visit["household_id"].(string)]
		if h["last_visit_id"] == nil || h["last_visit_id"] == r.Values["record_id"] {
			t.Errorf("household %v: last visit %v, the waiting return is %v", visit["household_id"], h["last_visit_id"], v["record_id"])
		}
	}
	if len(perAuthor) < 10 {
		t.Errorf("%d caseworkers have a returned visit waiting, want most of them", len(perAuthor))
	}
	for a, n := range perAuthor {
		if n > 1 {
			t.Errorf("caseworker %s has %d returned visits waiting, want one", a, n)
		}
	}
}

// TestServicesDistinct: a volunteer visit lists each service once.
func TestServicesDistinct(t *testing.T) {
	for _, r := range testDistrict(t).Table("volunteer_visits") {
		var s []string
		if err := json.Unmarshal([]byte(r.Values["services"].(string)), &s); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, x := range s {
			if seen[x] {
				t.Errorf("volunteer visit %s lists %s twice: %v", r.ID, x, s)
			}
			seen[x] = true
		}
	}
}
