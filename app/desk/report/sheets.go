package report

import (
	"math"

	"doorstep/app/desk/sheet"
)

// Sheets returns the report as tables for export: the summary of every
// figure, then one table per breakdown. Names and headers are
// translation keys; codes become "code.<list>.<value>" keys, except
// Barthel grades, which stay schema/rules codes ("barthel.grade.mild").
func (r Report) Sheets() []sheet.Sheet {
	d, e, v, a := r.Dibao, r.Elders, r.Volunteers, r.Activities
	fig := func(key string, value any) []any { return []any{sheet.Msg{Key: "desk.report." + key}, value} }
	summary := sheet.Sheet{Name: "desk.report.sheet.summary", Columns: []string{"desk.col.figure", "desk.col.value"},
		Rows: [][]any{
			fig("period", r.Period.String()),
			fig("households", d.Households),
			fig("people", d.People),
			fig("monthly_payout", sheet.Money(d.MonthlyPayoutFen)),
			fig("per_person", sheet.Money(d.PerPersonFen())),
			fig("paid", sheet.Money(d.PaidFen)),
			fig("added", d.Added),
			fig("cancelled", d.Cancelled),
			fig("price_subsidy_monthly", sheet.Money(d.PriceSubsidyMonthlyFen)),
			fig("price_subsidy", sheet.Money(d.PriceSubsidyFen)),
			fig("elders_screened", e.Screened),
			fig("monetary_care", e.MonetaryCare),
			fig("home_care", e.HomeCare),
			fig("pairings", v.Pairings),
			fig("volunteer_visits", v.Visits),
			fig("volunteer_hours", round1(v.Hours)),
			fig("activities", a.Count),
			fig("person_times", a.PersonTimes),
			fig("institutions", r.Institutions.Count),
			fig("institutions_public", r.Institutions.Public),
			fig("institutions_private", r.Institutions.Private),
			fig("beds", r.Institutions.Beds),
			fig("residents", r.Institutions.Residents),
			fig("occupancy", r.Institutions.OccupancyPct()),
			fig("institution_staff", r.Institutions.Staff),
			fig("institution_assets", sheet.Money(r.Institutions.AssetsFen)),
			fig("institutions_assessed", r.Institutions.Assessed),
			fig("awards", sheet.Money(r.Institutions.AwardFen)),
			fig("medical_cases", r.Medical.Cases),
			fig("medical_amount", sheet.Money(r.Medical.AmountFen)),
			fig("evidence_visits", r.Evidence.Visits),
			fig("evidence_verified", r.Evidence.Verified),
			fig("evidence_flagged", r.Evidence.Flagged),
			fig("evidence_unchecked", r.Evidence.Pending+r.Evidence.Unchecked),
			fig("evidence_short", r.Evidence.Short),
			fig("evidence_flagged_or_short", r.Evidence.FlaggedOrShort),
		}}
	places := sheet.Sheet{Name: "desk.report.sheet.places", Columns: []string{"desk.col.place",
		"desk.col.households", "desk.col.people", "desk.col.payout", "desk.col.added", "desk.col.cancelled"}}
	for _, p := range r.Places {
		places.Rows = append(places.Rows, []any{p.Name, p.Households, p.People, sheet.Money(p.MonthlyPayoutFen),
			p.Added, p.Cancelled})
	}
	counts := func(name, list, col string, cs []Count) sheet.Sheet {
		s := sheet.Sheet{Name: name, Columns: []string{col, "desk.col.count"}}
		for _, c := range cs {
			s.Rows = append(s.Rows, []any{sheet.Code(list + c.Code), c.N})
		}
		return s
	}
	modes := sheet.Sheet{Name: "desk.report.sheet.volunteers", Columns: []string{"desk.col.mode",
		"desk.col.pairings", "desk.col.visits", "desk.col.hours"}}
	for _, m := range v.ByMode {
		modes.Rows = append(modes.Rows, []any{sheet.Code("code.pairing_mode." + m.Code), m.Pairings, m.Visits, round1(m.Hours)})
	}
	acts := func(name, list, col string, as []Activity) sheet.Sheet {
		s := sheet.Sheet{Name: name, Columns: []string{col, "desk.col.count", "desk.col.person_times"}}
		for _, x := range as {
			s.Rows = append(s.Rows, []any{sheet.Code(list + x.Code), x.Count, x.PersonTimes})
		}
		return s
	}
	return []sheet.Sheet{
		summary,
		places,
		counts("desk.report.sheet.cancel_reasons", "code.cancel_reason.", "desk.col.reason", d.CancelReasons),
		counts("desk.report.sheet.grades", "", "desk.col.grade", e.ByGrade),
		counts("desk.report.sheet.care_groups", "desk.care_group.", "desk.col.care_group", e.ByGroup),
		modes,
		acts("desk.report.sheet.activity_kinds", "code.activity_kind.", "desk.col.kind", a.ByKind),
		acts("desk.report.sheet.activity_themes", "code.activity_theme.", "desk.col.theme", a.ByTheme),
		counts("desk.report.sheet.medical_causes", "code.medical_cause.", "desk.col.cause", r.Medical.ByCause),
	}
}

// round1 rounds hours to one decimal.
func round1(h float64) float64 { return math.Round(h*10) / 10 }
