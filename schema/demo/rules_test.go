package demo_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"doorstep/schema/demo"
	"doorstep/schema/district"
	"doorstep/schema/rules"
)

// household rebuilds the rules' input from rows (as the app does): members
// with any disability category count as disabled, "serious" health as a
// serious illness; business assets are registered and employ others when
// employs_others is 1.
func rulesHousehold(t *testing.T, hh map[string]any, members, incomes, assets []map[string]any) rules.Household {
	t.Helper()
	h := rules.Household{Setting: district.SettingUrban, LocalHukou: hh["hukou_local"] == int64(1)}
	for _, m := range members {
		birth, err := time.Parse("2006-01-02", m["birth_date"].(string))
		if err != nil {
			t.Fatal(err)
		}
		h.Members = append(h.Members, rules.Member{ID: m["id"].(string), Counted: m["counted"] == int64(1),
			Birth: birth, Disabled: m["disability_category"] != nil, SeriousIllness: m["health"] == "serious"})
	}
	for _, in := range incomes {
		h.Income = append(h.Income, rules.IncomeRow{MemberID: in["member_id"].(string), Kind: in["kind"].(string),
			MonthlyFen: in["monthly_fen"].(int64)})
	}
	for _, a := range assets {
		switch a["kind"] {
		case "dwelling":
			h.Assets.Dwellings = append(h.Assets.Dwellings, rules.Dwelling{AreaM2: a["floor_area"].(float64)})
		case "vehicle":
			h.Assets.Vehicles = append(h.Assets.Vehicles, rules.Vehicle{Kind: a["vehicle_type"].(string),
				DisabilityVehicle: a["disability_vehicle"] == int64(1), ValueFen: a["value_fen"].(int64)})
		case "financial":
			h.Assets.FinancialFen += a["value_fen"].(int64)
		case "business":
			h.Assets.Businesses = append(h.Assets.Businesses, rules.Business{Registered: true,
				Employees: int(a["employs_others"].(int64))})
		}
	}
	return h
}

// withID returns the row's values plus its id.
func withID(id string, v map[string]any) map[string]any {
	out := map[string]any{"id": id}
	for k, x := range v {
		out[k] = x
	}
	return out
}

// TestBenefitsFromRows recomputes every active household's means test and
// benefit from its member, income and asset rows with schema/rules.
func TestBenefitsFromRows(t *testing.T) {
	d := testDistrict(t)
	byHH := map[string]map[string][]map[string]any{}
	for _, table := range []string{"members", "incomes", "assets"} {
		for _, r := range d.Table(table) {
			h := r.Values["household_id"].(string)
			if byHH[h] == nil {
				byHH[h] = map[string][]map[string]any{}
			}
			byHH[h][table] = append(byHH[h][table], withID(r.ID, r.Values))
		}
	}
	excluded := 0
	for _, r := range d.Table("incomes") {
		if d.Config.IncomeExcluded(r.Values["kind"].(string)) {
			excluded++
		}
	}
	if excluded == 0 {
		t.Error("no excluded income kinds in the district")
	}
	var total int64
	for _, r := range d.Table("households") {
		v := r.Values
		if v["status"] != "active" {
			if v["benefit_fen"] != int64(0) {
				t.Errorf("household %s (%s) has benefit %v", r.ID, v["status"], v["benefit_fen"])
			}
			continue
		}
		rows := byHH[r.ID]
		h := rulesHousehold(t, v, rows["members"], rows["incomes"], rows["assets"])
		e, err := rules.CheckEligibility(h, d.Config)
		if err != nil {
			t.Fatalf("household %s: %v", r.ID, err)
		}
		if !e.Eligible {
			t.Errorf("active household %s fails the means test: %v", r.ID, e.Reasons)
		}
		b, err := rules.MonthlyBenefit(h, d.To, d.Config)
		if err != nil {
			t.Fatalf("household %s: %v", r.ID, err)
		}
		if b.TotalFen != v["benefit_fen"] || int64(b.CoveredMembers) != v["covered_members"] {
			t.Errorf("household %s: benefit %v for %v members stored, rules give %d for %d",
				r.ID, v["benefit_fen"], v["covered_members"], b.TotalFen, b.CoveredMembers)
		}
		total += b.TotalFen
	}
	if total != demo.TargetPayoutFen {
		t.Errorf("recomputed payout %d fen, want %d", total, demo.TargetPayoutFen)
	}
}

// TestVisitSnapshots recomputes each visit's per-capita income, eligibility
// and benefit from the snapshot it holds, on the visit's day.
func TestVisitSnapshots(t *testing.T) {
	d := testDistrict(t)
	idx := index(d)
	china := time.FixedZone("CST", 8*3600)
	for _, r := range d.Table("means_visits") {
		v := r.Values
		var s struct {
			Household map[string]any   `json:"household"`
			Members   []map[string]any `json:"members"`
			Incomes   []map[string]any `json:"incomes"`
			Assets    []map[string]any `json:"assets"`
		}
		if err := json.Unmarshal([]byte(v["snapshot"].(string)), &s); err != nil {
			t.Fatalf("visit %s: snapshot: %v", r.ID, err)
		}
		if s.Household["id"] != v["household_id"] {
			t.Fatalf("visit %s: snapshot of household %v", r.ID, s.Household["id"])
		}
		for _, list := range [][]map[string]any{s.Members, s.Incomes, s.Assets} {
			for _, m := range list {
				for k, x := range m {
					if f, ok := x.(float64); ok && k != "floor_area" {
						m[k] = int64(f) // JSON numbers; only floor_area is REAL
					}
				}
			}
		}
		h := rulesHousehold(t, idx["households"][v["household_id"].(string)], s.Members, s.Incomes, s.Assets)
		start, err := time.Parse(time.RFC3339, v["started_at"].(string))
		if err != nil {
			t.Fatal(err)
		}
		y, m, dd := start.In(china).Date()
		day := time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
		e, err := rules.CheckEligibility(h, d.Config)
		if err != nil {
			t.Fatalf("visit %s: %v", r.ID, err)
		}
		var want int64
		if e.Eligible {
			b, err := rules.MonthlyBenefit(h, day, d.Config)
			if err != nil {
				t.Fatal(err)
			}
			want = b.TotalFen
		}
		if e.Income.PerCapitaFen != v["per_capita_fen"] || want != v["benefit_fen"] || (e.Eligible != (v["eligible"] == int64(1))) {
			t.Errorf("visit %s: stored per capita %v, benefit %v, eligible %v; snapshot gives %d, %d, %v",
				r.ID, v["per_capita_fen"], v["benefit_fen"], v["eligible"], e.Income.PerCapitaFen, want, e.Eligible)
		}
		var reasons []rules.Message
		if err := json.Unmarshal([]byte(v["reasons"].(string)), &reasons); err != nil {
			t.Fatalf("visit %s: reasons: %v", r.ID, err)
		}
		if len(reasons) != len(e.Reasons) {
			t.Errorf("visit %s: reasons %v, rules give %v", r.ID, reasons, e.Reasons)
		}
	}
}

// TestScreenings checks Barthel items against their allowed values, the
// stored totals and grades, and the derived home-care eligibility and
// monetary-care groups, all recomputed with schema/rules from the rows.
func TestScreenings(t *testing.T) {
	d := testDistrict(t)
	idx := index(d)
	items := rules.BarthelItems()
	grades := map[string]bool{}
	gbt := 0
	for _, r := range d.Table("elder_screenings") {
		v := r.Values
		var b rules.Barthel
		sum := 0
		for _, it := range items {
			x := int(v["b_"+it.Key].(int64))
			if !slices.Contains(it.Allowed, x) {
				t.Errorf("screening %s: b_%s = %d, allowed %v", r.ID, it.Key, x, it.Allowed)
				continue
			}
			if err := b.Set(it.Key, x); err != nil {
				t.Fatal(err)
			}
			sum += x
		}
		g, err := b.Grade(v["barthel_version"].(string), d.Config)
		if err != nil {
			t.Fatalf("screening %s: %v", r.ID, err)
		}
		if int64(sum) != v["barthel_total"] || string(g.Grade) != v["barthel_grade"] {
			t.Errorf("screening %s: total %v grade %v stored, rules give %d %s", r.ID, v["barthel_total"], v["barthel_grade"], sum, g.Grade)
		}
		grades[string(g.Grade)] = true
		if v["gbt_items"] != nil {
			gbt++
			var a rules.Ability
			if err := json.Unmarshal([]byte(v["gbt_items"].(string)), &a); err != nil {
				t.Fatal(err)
			}
			res, err := a.Assess()
			if err != nil {
				t.Fatalf("screening %s: GB/T: %v", r.ID, err)
			}
			if int64(res.Total) != v["gbt_total"] || string(res.Level) != v["gbt_level"] {
				t.Errorf("screening %s: GB/T %v %v stored, rules give %d %s", r.ID, v["gbt_total"], v["gbt_level"], res.Total, res.Level)
			}
		}
		e := idx["elders"][v["elder_id"].(string)]
		birth, _ := time.Parse("2006-01-02", e["birth_date"].(string))
		on, _ := time.Parse("2006-01-02", v["screened_on"].(string))
		age := rules.Age(birth, on)
		if age < 60 {
			t.Errorf("screening %s: elder aged %d", r.ID, age)
		}
		cg := rules.MonetaryCareGroups(age, rules.IncomeBand(v["income_band"].(string)), v["single_child"] == int64(1), d.Config)
		var stored []int
		if err := json.Unmarshal([]byte(v["care_groups"].(string)), &stored); err != nil {
			t.Fatal(err)
		}
		var matched []int
		for _, m := range cg.Matched {
			matched = append(matched, int(m))
		}
		var reported any
		if cg.Reported != 0 {
			reported = int64(cg.Reported)
		}
		if reported != v["care_group"] || !slices.Equal(stored, matched) {
			t.Errorf("screening %s: care group %v %v stored, rules give %v %v", r.ID, v["care_group"], stored, reported, matched)
		}
		if rules.HomeCareEligible(age, d.Config) != (v["home_care"] == int64(1)) {
			t.Errorf("screening %s: home_care %v at age %d", r.ID, v["home_care"], age)
		}
	}
	if len(grades) < 4 {
		t.Errorf("only grades %v appear", grades)
	}
	if gbt == 0 {
		t.Error("no GB/T 42195 assessments")
	}
}

// TestReferences checks that every id a row names exists, in the right
// table, community and role.
func TestReferences(t *testing.T) {
	d := testDistrict(t)
	idx := index(d)
	must := func(where, table string, id any) map[string]any {
		t.Helper()
		s, _ := id.(string)
		row, ok := idx[table][s]
		if !ok {
			t.Errorf("%s: %v is not a %s row", where, id, table)
		}
		return row
	}
	sameComm := func(where string, a, b map[string]any) {
		t.Helper()
		if a != nil && b != nil && a["community_id"] != b["community_id"] {
			t.Errorf("%s: communities differ (%v, %v)", where, a["community_id"], b["community_id"])
		}
	}
	list := func(s any) []string {
		var out []string
		if err := json.Unmarshal([]byte(s.(string)), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, r := range d.Table("communities") {
		must("community", "streets", r.Values["street_id"])
	}
	for _, r := range d.Table("households") {
		v := r.Values
		must("household "+r.ID, "communities", v["community_id"])
		cw := must("household caseworker", "staff", v["caseworker_id"])
		sameComm("household caseworker", v, cw)
		if cw != nil && cw["role"] != "worker" {
			t.Errorf("household %s: caseworker is a %v", r.ID, cw["role"])
		}
		if v["last_visit_id"] != nil {
			lv := must("household last visit", "means_visits", v["last_visit_id"])
			if lv != nil && lv["household_id"] != r.ID {
				t.Errorf("household %s: last visit belongs to %v", r.ID, lv["household_id"])
			}
		} else if v["status"] == "active" {
			t.Errorf("active household %s has no approved visit", r.ID)
		}
	}
	for _, table := range []string{"members", "incomes", "assets", "means_visits"} {
		for _, r := range d.Table(table) {
			sameComm(table+" "+r.ID, r.Values, must(table+" "+r.ID, "households", r.Values["household_id"]))
		}
	}
	for _, r := range d.Table("incomes") {
		m := must("income member", "members", r.Values["member_id"])
		if m != nil && m["household_id"] != r.Values["household_id"] {
			t.Errorf("income %s: member of another household", r.ID)
		}
	}
	for _, r := range d.Table("assets") {
		must("asset owner", "members", r.Values["owner_member_id"])
	}
	for _, r := range d.Table("means_visits") {
		v := r.Values
		staff := list(v["staff_ids"])
		if len(staff) < d.Config.Process.MinVisitStaff {
			t.Errorf("visit %s: %d staff present", r.ID, len(staff))
		}
		for _, s := range staff {
			must("visit staff", "staff", s)
		}
		must("visit author", "staff", v["author_id"])
		if v["supersedes_id"] != nil {
			must("visit supersedes", "means_visits", v["supersedes_id"])
		}
	}
	for _, r := range d.Table("review_events") {
		v := r.Values
		rec := must("review record", v["record_table"].(string), v["record_id"])
		sameComm("review "+r.ID, v, rec)
		if rv := must("reviewer", "staff", v["reviewer_id"]); rv != nil && rv["role"] != "supervisor" {
			t.Errorf("review %s by a %v", r.ID, rv["role"])
		}
	}
	for _, r := range d.Table("meeting_decisions") {
		must("decision meeting", "approval_meetings", r.Values["meeting_id"])
		must("decision household", "households", r.Values["household_id"])
		must("decision visit", "means_visits", r.Values["visit_id"])
	}
	sizes := map[string][2]int{"one_to_one": {1, 1}, "two_to_one": {2, 2}, "many_to_one": {3, 5}}
	for _, r := range d.Table("volunteer_pairings") {
		v := r.Values
		sameComm("pairing elder", v, must("pairing elder", "elders", v["elder_id"]))
		vols := list(v["volunteer_ids"])
		if n, s := len(vols), sizes[v["mode"].(string)]; n < s[0] || n > s[1] {
			t.Errorf("pairing %s (%v) has %d volunteers", r.ID, v["mode"], n)
		}
		for _, id := range vols {
			st := must("pairing volunteer", "staff", id)
			sameComm("pairing volunteer", v, st)
			if st != nil && st["role"] != "volunteer" {
				t.Errorf("pairing %s: %s is a %v", r.ID, id, st["role"])
			}
		}
	}
	for _, r := range d.Table("volunteer_visits") {
		v := r.Values
		p := must("visit pairing", "volunteer_pairings", v["pairing_id"])
		if p != nil && (!slices.Contains(list(p["volunteer_ids"]), v["volunteer_id"].(string)) || p["elder_id"] != v["elder_id"]) {
			t.Errorf("volunteer visit %s does not match its pairing", r.ID)
		}
	}
	for _, r := range d.Table("elder_screenings") {
		sameComm("screening", r.Values, must("screening elder", "elders", r.Values["elder_id"]))
	}
}

// TestNothingAfterHalfYear: every event lies within or before the half-year.
func TestNothingAfterHalfYear(t *testing.T) {
	d := testDistrict(t)
	to := d.To.Format("2006-01-02")
	cols := map[string][]string{
		"households":         {"applied_on", "approved_on", "cancelled_on"},
		"means_visits":       {"started_at", "ended_at", "submitted_at"},
		"review_events":      {"at"},
		"elder_screenings":   {"screened_on", "submitted_at"},
		"volunteer_pairings": {"started_on", "ended_on"},
		"volunteer_visits":   {"started_at", "ended_at"},
		"group_activities":   {"held_on"},
		"approval_meetings":  {"held_on"},
	}
	china := time.FixedZone("CST", 8*3600)
	for table, cs := range cols {
		for _, r := range d.Table(table) {
			for _, c := range cs {
				s, ok := r.Values[c].(string)
				if !ok {
					continue
				}
				if len(s) > 10 {
					tm, err := time.Parse(time.RFC3339, s)
					if err != nil {
						t.Fatalf("%s.%s = %q: %v", table, c, s, err)
					}
					s = tm.In(china).Format("2006-01-02")
				}
				if s > to {
					t.Errorf("%s %s: %s = %s, after %s", table, r.ID, c, s, to)
				}
			}
		}
	}
}
