package district

import (
	"errors"
	"fmt"
	"slices"
)

// FieldError is one problem found by Validate: Field is the JSON path of the
// offending value (e.g. "dibao.benefit.bands[1].from_fen").
type FieldError struct {
	Field   string // JSON path, e.g. "dibao.standard_urban_fen"
	Problem string // what is wrong with it
}

// Error returns "district: <field>: <problem>".
func (e *FieldError) Error() string {
	return "district: " + e.Field + ": " + e.Problem
}

type checker struct{ errs []error }

func (k *checker) fail(field, format string, args ...any) {
	k.errs = append(k.errs, &FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
}

func (k *checker) positive(field string, v int64) {
	if v <= 0 {
		k.fail(field, "must be positive, got %d", v)
	}
}

func (k *checker) nonNegative(field string, v int64) {
	if v < 0 {
		k.fail(field, "must not be negative, got %d", v)
	}
}

func (k *checker) age(field string, v int) {
	if v <= 0 || v > 130 {
		k.fail(field, "must be an age between 1 and 130, got %d", v)
	}
}

// Validate reports every problem in c at once, joined with errors.Join; each
// is a *FieldError naming the JSON path. It returns nil for a usable Config.
func (c Config) Validate() error {
	var k checker
	c.validateRegion(&k)
	c.validateDibao(&k)
	c.validateRecheck(&k)
	c.validateProcess(&k)
	c.validateBarthel(&k)
	c.validateElderCare(&k)
	c.validateInstitutions(&k)
	return errors.Join(k.errs...)
}

func (c Config) validateRegion(k *checker) {
	if len(c.Region.Code) != 6 || !allDigits(c.Region.Code) {
		k.fail("region.code", "must be a 6-digit division code, got %q", c.Region.Code)
	}
	if c.Region.Setting != SettingUrban && c.Region.Setting != SettingRural {
		k.fail("region.setting", "must be %q or %q, got %q", SettingUrban, SettingRural, c.Region.Setting)
	}
}

func (c Config) validateDibao(k *checker) {
	d := c.Dibao
	k.positive("dibao.standard_urban_fen", d.StandardUrbanFen)
	k.positive("dibao.standard_rural_fen", d.StandardRuralFen)
	k.nonNegative("dibao.price_subsidy_fen", d.PriceSubsidyFen)
	noBlanksOrDups(k, "dibao.excluded_income_kinds", d.ExcludedIncomeKinds)

	switch d.Benefit.Method {
	case MethodDifference, MethodBanded:
	default:
		k.fail("dibao.benefit.method", "must be %q or %q, got %q", MethodDifference, MethodBanded, d.Benefit.Method)
	}
	if d.Benefit.Method == MethodBanded && len(d.Benefit.Bands) == 0 {
		k.fail("dibao.benefit.bands", "must not be empty when method is %q", MethodBanded)
	}
	var next int64
	for i, b := range d.Benefit.Bands {
		f := fmt.Sprintf("dibao.benefit.bands[%d]", i)
		if b.FromFen != next {
			k.fail(f+".from_fen", "must be %d (bands start at 0 and are contiguous), got %d", next, b.FromFen)
		}
		if b.ToFen <= b.FromFen {
			k.fail(f+".to_fen", "must be above from_fen %d, got %d", b.FromFen, b.ToFen)
		}
		k.nonNegative(f+".amount_fen", b.AmountFen)
		next = b.ToFen
	}

	t := d.TopUps
	if t.Combine != CombineSum && t.Combine != CombineMax {
		k.fail("dibao.top_ups.combine", "must be %q or %q, got %q", CombineSum, CombineMax, t.Combine)
	}
	k.age("dibao.top_ups.elder_age", t.ElderAge)
	k.age("dibao.top_ups.old_elder_age", t.OldElderAge)
	if t.OldElderAge < t.ElderAge {
		k.fail("dibao.top_ups.old_elder_age", "must not be below elder_age %d, got %d", t.ElderAge, t.OldElderAge)
	}
	k.age("dibao.top_ups.minor_under_age", t.MinorUnderAge)
	k.nonNegative("dibao.top_ups.elder_fen", t.ElderFen)
	k.nonNegative("dibao.top_ups.old_elder_fen", t.OldElderFen)
	k.nonNegative("dibao.top_ups.minor_fen", t.MinorFen)
	k.nonNegative("dibao.top_ups.disabled_fen", t.DisabledFen)
	k.nonNegative("dibao.top_ups.serious_illness_fen", t.SeriousIllnessFen)

	a := d.Assets
	noBlanksOrDups(k, "dibao.assets.disqualifying_vehicle_kinds", a.DisqualifyingVehicleKinds)
	if a.MaxDwellings < 0 {
		k.fail("dibao.assets.max_dwellings", "must not be negative, got %d", a.MaxDwellings)
	}
	if !(a.MaxDwellingAreaPerPersonM2 > 0) || a.MaxDwellingAreaPerPersonM2 > 1e6 {
		k.fail("dibao.assets.max_dwelling_area_per_person_m2", "must be a positive area in m², got %v", a.MaxDwellingAreaPerPersonM2)
	}
	if a.FinancialAssetsMonths <= 0 || a.FinancialAssetsMonths > 1200 {
		k.fail("dibao.assets.financial_assets_months", "must be between 1 and 1200, got %d", a.FinancialAssetsMonths)
	}
	if a.FinancialAssetsBasis != BasisPerCapita && a.FinancialAssetsBasis != BasisHousehold {
		k.fail("dibao.assets.financial_assets_basis", "must be %q or %q, got %q", BasisPerCapita, BasisHousehold, a.FinancialAssetsBasis)
	}
}

func (c Config) validateRecheck(k *checker) {
	if len(c.Recheck.Classes) == 0 {
		k.fail("recheck.classes", "must not be empty")
	}
	seen := map[string]bool{}
	for i, r := range c.Recheck.Classes {
		f := fmt.Sprintf("recheck.classes[%d]", i)
		switch {
		case r.Class == "":
			k.fail(f+".class", "must not be empty")
		case seen[r.Class]:
			k.fail(f+".class", "duplicate class %q", r.Class)
		}
		seen[r.Class] = true
		if r.Months < 1 || r.Months > 120 {
			k.fail(f+".months", "must be between 1 and 120, got %d", r.Months)
		}
		if r.RuralMonths < 0 || r.RuralMonths > 120 {
			k.fail(f+".rural_months", "must be between 0 (same as months) and 120, got %d", r.RuralMonths)
		}
	}
	flags := map[string]bool{}
	for i, o := range c.Recheck.Overrides {
		f := fmt.Sprintf("recheck.overrides[%d]", i)
		switch {
		case o.Flag == "":
			k.fail(f+".flag", "must not be empty")
		case flags[o.Flag]:
			k.fail(f+".flag", "duplicate flag %q", o.Flag)
		}
		flags[o.Flag] = true
		if o.Months < 1 || o.Months > 120 {
			k.fail(f+".months", "must be between 1 and 120, got %d", o.Months)
		}
	}
}

func (c Config) validateProcess(k *checker) {
	p := c.Process
	if p.MinVisitStaff < 1 {
		k.fail("process.min_visit_staff", "must be at least 1, got %d", p.MinVisitStaff)
	}
	fraction(k, "process.review_attend", p.ReviewAttend)
	fraction(k, "process.review_approve", p.ReviewApprove)
	if p.PublicNoticeDays < 1 {
		k.fail("process.public_notice_days", "must be at least 1, got %d", p.PublicNoticeDays)
	}
	if p.RefusalNoticeWorkingDays < 1 {
		k.fail("process.refusal_notice_working_days", "must be at least 1, got %d", p.RefusalNoticeWorkingDays)
	}
	percent(k, "process.spot_check_rate_percent", p.SpotCheckRatePercent)
	percent(k, "process.staff_relative_spot_check_percent", p.StaffRelativeSpotCheckPercent)
	if p.MinSpotCheckInspectors < 1 {
		k.fail("process.min_spot_check_inspectors", "must be at least 1, got %d", p.MinSpotCheckInspectors)
	}
	if p.ShortVisitMinutes < 0 || p.ShortVisitMinutes > 24*60 {
		k.fail("process.short_visit_minutes", "must be between 0 (the default) and 1440, got %d", p.ShortVisitMinutes)
	}
	if p.ClosedCaseRetentionDays < 0 {
		k.fail("process.closed_case_retention_days", "must be 0 (the default) or more, got %d", p.ClosedCaseRetentionDays)
	}
}

func (c Config) validateBarthel(k *checker) {
	if len(c.Barthel.Versions) == 0 {
		k.fail("barthel.versions", "must not be empty")
	}
	keys := map[string]bool{}
	for i, v := range c.Barthel.Versions {
		f := fmt.Sprintf("barthel.versions[%d]", i)
		switch {
		case v.Key == "":
			k.fail(f+".key", "must not be empty")
		case keys[v.Key]:
			k.fail(f+".key", "duplicate version %q", v.Key)
		}
		keys[v.Key] = true
		if len(v.Bands) == 0 {
			k.fail(f+".bands", "must not be empty")
			continue
		}
		for j, b := range v.Bands {
			bf := fmt.Sprintf("%s.bands[%d]", f, j)
			if !slices.Contains(BarthelGrades, b.Grade) {
				k.fail(bf+".grade", "unknown grade %q (known: %v)", b.Grade, BarthelGrades)
			}
			if b.Min < 0 || b.Max > 100 || b.Min > b.Max {
				k.fail(bf, "needs 0 <= min <= max <= 100, got %d..%d", b.Min, b.Max)
			}
		}
		// Every reachable total (a multiple of 5) must fall in exactly one band.
		for total := 0; total <= 100; total += 5 {
			n := 0
			for _, b := range v.Bands {
				if b.Min <= total && total <= b.Max {
					n++
				}
			}
			if n != 1 {
				k.fail(f+".bands", "total %d falls in %d bands, want exactly 1", total, n)
			}
		}
	}
	if c.Barthel.DefaultVersion == "" {
		k.fail("barthel.default_version", "must not be empty")
	} else if !keys[c.Barthel.DefaultVersion] {
		k.fail("barthel.default_version", "names no version: %q", c.Barthel.DefaultVersion)
	}
}

func (c Config) validateElderCare(k *checker) {
	e := c.ElderCare
	k.age("elder_care.home_care_min_age", e.HomeCareMinAge)
	k.age("elder_care.group1_min_age", e.Group1MinAge)
	k.age("elder_care.group2_min_age", e.Group2MinAge)
	k.age("elder_care.group3_min_age", e.Group3MinAge)
	k.positive("elder_care.group2_income_below_fen", e.Group2IncomeBelowFen)
	p := slices.Clone(e.GroupPriority)
	slices.Sort(p)
	if !slices.Equal(p, []int{1, 2, 3}) {
		k.fail("elder_care.group_priority", "must list 1, 2 and 3 once each, got %v", e.GroupPriority)
	}
}

func fraction(k *checker, field string, f Fraction) {
	if f.Den < 1 || f.Num < 0 || f.Num > f.Den {
		k.fail(field, "needs 0 <= num <= den and den >= 1, got %d/%d", f.Num, f.Den)
	}
}

func percent(k *checker, field string, v int) {
	if v < 0 || v > 100 {
		k.fail(field, "must be a percentage 0..100, got %d", v)
	}
}

func noBlanksOrDups(k *checker, field string, list []string) {
	seen := map[string]bool{}
	for i, s := range list {
		switch {
		case s == "":
			k.fail(fmt.Sprintf("%s[%d]", field, i), "must not be empty")
		case seen[s]:
			k.fail(fmt.Sprintf("%s[%d]", field, i), "duplicate %q", s)
		}
		seen[s] = true
	}
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
