package demo

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"doorstep/schema/rules"
)

// Figures are the district's totals, counted from the rows alone (not from
// the generator's plan), as a report over the half-year would count them.
type Figures struct {
	// From and To bound the half-year ("2006-01-02").
	From, To string
	// Rows counts rows per table.
	Rows map[string]int

	// Streets and Communities count those rows.
	Streets, Communities int
	// Staff counts staff rows by role.
	Staff map[string]int

	// Households counts households by status.
	Households map[string]int
	// ActiveHouseholds is the number of households with status active.
	ActiveHouseholds int
	// People is the number of counted members of active households.
	People int
	// CoveredMembers is Σ covered_members of active households (= People).
	CoveredMembers int
	// NotCounted is the number of members of active households not counted.
	NotCounted int
	// MonthlyPayoutFen is Σ benefit_fen of active households.
	MonthlyPayoutFen int64
	// PriceSubsidyFen is the monthly price subsidy: People × the district's
	// per-person amount.
	PriceSubsidyFen int64
	// ActiveByClass counts active households by class A/B/C.
	ActiveByClass map[string]int
	// StaffRelative counts active households flagged as staff relatives.
	StaffRelative int
	// Added counts households approved in the half-year; Cancelled those
	// with status cancelled and cancelled in the half-year, by reason in
	// CancelReasons.
	Added, Cancelled int
	CancelReasons    map[string]int

	// MeansVisits counts means-test visit records; VisitsPending the
	// submitted ones without a review decision, VisitsReturned those returned.
	MeansVisits, VisitsPending, VisitsReturned int

	// EldersScreened counts elders with a screening; the rest use each
	// elder's latest screening: EldersByGrade by Barthel grade code,
	// MonetaryCare those with a care group (CareGroups by group), HomeCare
	// those eligible for home-based care.
	EldersScreened int
	EldersByGrade  map[string]int
	MonetaryCare   int
	CareGroups     map[int64]int
	HomeCare       int

	// Pairings counts volunteer pairings, by mode in PairingsByMode;
	// VolunteerVisits the visit logs and VolunteerHours their duration.
	Pairings        int
	PairingsByMode  map[string]int
	VolunteerVisits int
	VolunteerHours  float64

	// Activities counts "三小" activities; ActivityHeadcount adds their headcounts.
	Activities        int
	ActivityHeadcount int64
}

// Totals counts d's figures from its rows.
func Totals(d *District) Figures {
	t := Figures{
		From: dateStr(d.From), To: dateStr(d.To),
		Rows: map[string]int{}, Staff: map[string]int{}, Households: map[string]int{},
		ActiveByClass: map[string]int{}, CancelReasons: map[string]int{},
		EldersByGrade: map[string]int{}, CareGroups: map[int64]int{}, PairingsByMode: map[string]int{},
	}
	in := func(v any) bool {
		s, ok := v.(string)
		return ok && s >= t.From && s <= t.To
	}
	active := map[string]bool{}
	reviewed := map[string]string{} // record id → last action
	latest := map[string]Row{}      // elder id → latest screening
	for _, r := range d.Rows {
		t.Rows[r.Table]++
		v := r.Values
		switch r.Table {
		case "streets":
			t.Streets++
		case "communities":
			t.Communities++
		case "staff":
			t.Staff[v["role"].(string)]++
		case "households":
			st := v["status"].(string)
			t.Households[st]++
			if st == "active" {
				active[r.ID] = true
				t.ActiveHouseholds++
				t.CoveredMembers += int(v["covered_members"].(int64))
				t.MonthlyPayoutFen += v["benefit_fen"].(int64)
				t.ActiveByClass[v["class"].(string)]++
				t.StaffRelative += int(v["staff_relative"].(int64))
			}
			if in(v["approved_on"]) {
				t.Added++
			}
			if st == "cancelled" && in(v["cancelled_on"]) {
				t.Cancelled++
				t.CancelReasons[v["cancel_reason"].(string)]++
			}
		case "review_events":
			reviewed[v["record_id"].(string)] = v["action"].(string)
			if v["action"] == "return" {
				t.VisitsReturned++
			}
		case "elder_screenings":
			e := v["elder_id"].(string)
			if old, ok := latest[e]; !ok || v["screened_on"].(string) >= old.Values["screened_on"].(string) {
				latest[e] = r
			}
		case "volunteer_pairings":
			t.Pairings++
			t.PairingsByMode[v["mode"].(string)]++
		case "volunteer_visits":
			t.VolunteerVisits++
			t.VolunteerHours += hoursBetween(v["started_at"], v["ended_at"])
		case "group_activities":
			t.Activities++
			t.ActivityHeadcount += v["headcount"].(int64)
		}
	}
	for _, r := range d.Rows {
		v := r.Values
		switch r.Table {
		case "members":
			if active[v["household_id"].(string)] {
				if v["counted"] == int64(1) {
					t.People++
				} else {
					t.NotCounted++
				}
			}
		case "means_visits":
			t.MeansVisits++
			if v["state"] == "submitted" && reviewed[r.ID] == "" {
				t.VisitsPending++
			}
		}
	}
	t.PriceSubsidyFen = int64(t.People) * d.Config.Dibao.PriceSubsidyFen
	t.EldersScreened = len(latest)
	for _, r := range latest {
		v := r.Values
		t.EldersByGrade[v["barthel_grade"].(string)]++
		if g, ok := v["care_group"].(int64); ok {
			t.MonetaryCare++
			t.CareGroups[g]++
		}
		t.HomeCare += int(v["home_care"].(int64))
	}
	return t
}

func hoursBetween(a, b any) float64 {
	s, err1 := time.Parse(time.RFC3339, a.(string))
	e, err2 := time.Parse(time.RFC3339, b.(string))
	if err1 != nil || err2 != nil {
		return 0
	}
	return e.Sub(s).Hours()
}

// String renders the figures for people, in Chinese and English.
func (t Figures) String() string {
	var b strings.Builder
	line := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	line("焦作市解放区 demo district, half-year %s – %s", t.From, t.To)
	line("  streets 街道 %d, communities 社区 %d, staff 工作人员 %s", t.Streets, t.Communities, counts(t.Staff))
	line("  低保 active households 在保户数      %d", t.ActiveHouseholds)
	line("  低保 people 在保人数                %d (covered %d; %d listed members not counted)", t.People, t.CoveredMembers, t.NotCounted)
	line("  monthly payout 月发放低保金          %s yuan", rules.FormatYuan(t.MonthlyPayoutFen))
	line("  price subsidy 物价补贴 (monthly)     %s yuan", rules.FormatYuan(t.PriceSubsidyFen))
	line("  added 新增 / cancelled 取消          +%d / -%d (net %+d)", t.Added, t.Cancelled, t.Added-t.Cancelled)
	line("  cancel reasons                      %s", counts(t.CancelReasons))
	line("  households by status                %s", counts(t.Households))
	line("  active by class                     %s; staff relatives %d", counts(t.ActiveByClass), t.StaffRelative)
	line("  means visits 入户调查记录            %d (%d awaiting review, %d returned)", t.MeansVisits, t.VisitsPending, t.VisitsReturned)
	line("  elders screened 筛查老人             %d: %s", t.EldersScreened, counts(t.EldersByGrade))
	groups := map[string]int{}
	for g, n := range t.CareGroups {
		groups[fmt.Sprint(g)] = n
	}
	line("  monetary care 货币化养老             %d (groups %s)", t.MonetaryCare, counts(groups))
	line("  home-based care 居家养老 (70+)       %d", t.HomeCare)
	line("  volunteer pairings 结对              %d (%s)", t.Pairings, counts(t.PairingsByMode))
	line("  volunteer visits 志愿服务记录         %d, %.1f hours", t.VolunteerVisits, t.VolunteerHours)
	line("  \"三小\" activities 活动             %d, %d person-times 人次", t.Activities, t.ActivityHeadcount)
	total := 0
	for _, n := range t.Rows {
		total += n
	}
	line("  rows %d: %s", total, counts(t.Rows))
	return b.String()
}

// counts renders a map as "k1 n1, k2 n2" sorted by key.
func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
