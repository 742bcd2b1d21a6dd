package rules

import "doorstep/schema/district"

// IncomeBand is an elder's monthly income band from a needs screening. The
// values match the elder_screenings.income_band column.
type IncomeBand string

// The income bands. The threshold between Below and AtOrAbove is the
// district's ElderCare.Group2IncomeBelowFen (500 yuan in the report).
const (
	// IncomeNone: no income at all.
	IncomeNone IncomeBand = "none"
	// IncomeBelow: some income, under the threshold.
	IncomeBelow IncomeBand = "below"
	// IncomeAtOrAbove: income at or above the threshold (exactly 500 yuan is here).
	IncomeAtOrAbove IncomeBand = "at_or_above"
)

// Codes naming the income bands, for labels.
const (
	CodeIncomeNone      Code = "care.income.none"
	CodeIncomeBelow     Code = "care.income.below"
	CodeIncomeAtOrAbove Code = "care.income.at_or_above"
)

// Codes naming the elder-care results, for labels.
const (
	CodeHomeCare   Code = "care.home_care"
	CodeCareGroup1 Code = "care.group.1"
	CodeCareGroup2 Code = "care.group.2"
	CodeCareGroup3 Code = "care.group.3"
)

// Label returns the code naming b, with the threshold as argument; an
// unknown band gives an empty Message.
func (b IncomeBand) Label(cfg district.Config) Message {
	switch b {
	case IncomeNone:
		return msg(CodeIncomeNone)
	case IncomeBelow:
		return msg(CodeIncomeBelow, yuan(cfg.ElderCare.Group2IncomeBelowFen))
	case IncomeAtOrAbove:
		return msg(CodeIncomeAtOrAbove, yuan(cfg.ElderCare.Group2IncomeBelowFen))
	}
	return Message{}
}

// IncomeBandOf returns the band of a monthly income in fen: 0 (or less) is
// IncomeNone, under the threshold IncomeBelow, else IncomeAtOrAbove.
func IncomeBandOf(monthlyFen int64, cfg district.Config) IncomeBand {
	switch {
	case monthlyFen <= 0:
		return IncomeNone
	case monthlyFen < cfg.ElderCare.Group2IncomeBelowFen:
		return IncomeBelow
	default:
		return IncomeAtOrAbove
	}
}

// HomeCareEligible reports whether an elder of age (whole years on the
// reference date, see Age) may receive home-based care: age at least
// HomeCareMinAge (70). An elder turns 70 on the birthday and is eligible
// that day.
func HomeCareEligible(age int, cfg district.Config) bool {
	return age >= cfg.ElderCare.HomeCareMinAge
}

// CareGroup is a monetary elderly-care (货币化养老) group, 1–3; 0 means none.
type CareGroup int

// Code returns the code naming g ("care.group.1" …), or "" for none.
func (g CareGroup) Code() Code {
	switch g {
	case 1:
		return CodeCareGroup1
	case 2:
		return CodeCareGroup2
	case 3:
		return CodeCareGroup3
	}
	return ""
}

// CareGroups is the monetary-care result for one elder.
type CareGroups struct {
	// Reported is the group to report and pay: the first of Matched in the
	// district's priority order; 0 when Matched is empty.
	Reported CareGroup
	// Matched lists every group the elder qualifies for, ascending.
	Matched []CareGroup
}

// MonetaryCareGroups decides the monetary-care groups of an elder of age
// (whole years on the reference date) with income band income, in a
// single-child family or not:
//
//   - group 1: age ≥ Group1MinAge (70) and no income;
//   - group 2: age ≥ Group2MinAge (70) and income under the threshold
//     (some income, below 500 yuan; exactly 500 is not below);
//   - group 3: age ≥ Group3MinAge (60) and a single-child family.
//
// Groups 1 and 2 exclude each other, as an income band is either none or
// below. Group 3 may overlap either; the district's GroupPriority picks the
// one reported (default 1, 2, 3: groups 1 and 2 win over 3).
func MonetaryCareGroups(age int, income IncomeBand, singleChild bool, cfg district.Config) CareGroups {
	e := cfg.ElderCare
	var r CareGroups
	if age >= e.Group1MinAge && income == IncomeNone {
		r.Matched = append(r.Matched, 1)
	}
	if age >= e.Group2MinAge && income == IncomeBelow {
		r.Matched = append(r.Matched, 2)
	}
	if age >= e.Group3MinAge && singleChild {
		r.Matched = append(r.Matched, 3)
	}
	for _, p := range e.GroupPriority {
		for _, g := range r.Matched {
			if int(g) == p {
				r.Reported = g
				return r
			}
		}
	}
	return r
}
