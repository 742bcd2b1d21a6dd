package rules

import (
	"errors"
	"math"
	"slices"

	"doorstep/schema/district"
)

// ErrNegativeAsset means a household's financial assets or a dwelling's area
// is negative or not a number.
var ErrNegativeAsset = errors.New("asset value is negative")

// Codes of the 低保 means-test failure reasons, in the order CheckEligibility
// reports them, and of its input error.
const (
	// CodeIncomeNotBelowStandard: per-capita income is at or above the
	// standard. Args: per-capita yuan, standard yuan.
	CodeIncomeNotBelowStandard Code = "dibao.income_not_below_standard"
	// CodeHukouNotLocal: the household has no local 户籍.
	CodeHukouNotLocal Code = "dibao.hukou_not_local"
	// CodeVehicle: the household owns disqualifying vehicles. Args: count.
	CodeVehicle Code = "dibao.vehicle"
	// CodeDwellingCount: too many dwellings. Args: count, limit.
	CodeDwellingCount Code = "dibao.dwelling_count"
	// CodeDwellingArea: too much floor area per counted member. Args: m² per
	// person, limit.
	CodeDwellingArea Code = "dibao.dwelling_area"
	// CodeFinancialPerCapita: financial assets per counted member above the
	// limit. Args: yuan per person (rounded up), limit yuan.
	CodeFinancialPerCapita Code = "dibao.financial_assets_per_capita"
	// CodeFinancialHousehold: the household's financial assets above the
	// limit. Args: yuan, limit yuan.
	CodeFinancialHousehold Code = "dibao.financial_assets_household"
	// CodeBusinessEmploysOthers: a registered business employs others. Args:
	// number of such businesses.
	CodeBusinessEmploysOthers Code = "dibao.business_employs_others"
	// CodeNegativeAsset is the message code of ErrNegativeAsset.
	CodeNegativeAsset Code = "dibao.asset_negative"
)

// Eligibility is the advisory result of the 低保 means test: the app
// recommends, the review meeting decides.
type Eligibility struct {
	// Eligible is true when Reasons is empty.
	Eligible bool
	// Income is the per-capita income computation the decision used.
	Income IncomeSummary
	// StandardFen is the monthly standard applied (urban or rural).
	StandardFen int64
	// Reasons lists every failed rule, one Message each, in a fixed order:
	// income, hukou, vehicles, dwelling count, dwelling area, financial
	// assets, business.
	Reasons []Message
}

// CheckEligibility runs the 低保 means test on h with cfg's thresholds and
// reports every rule that fails, not just the first:
//
//   - income: eligible only when per-capita income is strictly BELOW the
//     standard; income exactly equal to the standard fails;
//   - 户籍: must be local when cfg requires it;
//   - vehicles: any vehicle of a disqualifying kind that is not a disability
//     vehicle fails;
//   - dwellings: more than MaxDwellings fails; total floor area ÷ counted
//     members above the per-person limit fails (equal passes; areas are
//     compared to the 0.01 m²);
//   - financial assets: above FinancialAssetsMonths × standard, per counted
//     member or for the household as configured (equal passes);
//   - a registered business with Employees > 0 fails when configured.
//
// Errors: those of PerCapitaIncome, and ErrNegativeAsset.
func CheckEligibility(h Household, cfg district.Config) (Eligibility, error) {
	inc, err := PerCapitaIncome(h.Members, h.Income, cfg)
	if err != nil {
		return Eligibility{}, err
	}
	a := h.Assets
	if a.FinancialFen < 0 {
		return Eligibility{}, newError(ErrNegativeAsset, CodeNegativeAsset, yuan(a.FinancialFen))
	}
	var areaCenti int64
	for _, d := range a.Dwellings {
		if !(d.AreaM2 >= 0) || d.AreaM2 > 1e9 {
			return Eligibility{}, newError(ErrNegativeAsset, CodeNegativeAsset, lit(formatArea(d.AreaM2)))
		}
		areaCenti += int64(math.Round(d.AreaM2 * 100))
	}

	std := cfg.StandardFen(h.Setting)
	n := int64(inc.CountedMembers)
	rules := cfg.Dibao.Assets
	e := Eligibility{Income: inc, StandardFen: std}
	fail := func(m Message) { e.Reasons = append(e.Reasons, m) }

	if inc.PerCapitaFen >= std {
		fail(msg(CodeIncomeNotBelowStandard, yuan(inc.PerCapitaFen), yuan(std)))
	}
	if cfg.Dibao.LocalHukouRequired && !h.LocalHukou {
		fail(msg(CodeHukouNotLocal))
	}
	cars := 0
	for _, v := range a.Vehicles {
		if !v.DisabilityVehicle && slices.Contains(rules.DisqualifyingVehicleKinds, v.Kind) {
			cars++
		}
	}
	if cars > 0 {
		fail(msg(CodeVehicle, litInt(cars)))
	}
	if len(a.Dwellings) > rules.MaxDwellings {
		fail(msg(CodeDwellingCount, litInt(len(a.Dwellings)), litInt(rules.MaxDwellings)))
	}
	maxCenti := int64(math.Round(rules.MaxDwellingAreaPerPersonM2 * 100))
	if areaCenti > maxCenti*n {
		perPerson := float64(areaCenti) / 100 / float64(n)
		fail(msg(CodeDwellingArea, lit(formatArea(perPerson)), lit(formatArea(rules.MaxDwellingAreaPerPersonM2))))
	}
	limit := int64(rules.FinancialAssetsMonths) * std
	switch rules.FinancialAssetsBasis {
	case district.BasisHousehold:
		if a.FinancialFen > limit {
			fail(msg(CodeFinancialHousehold, yuan(a.FinancialFen), yuan(limit)))
		}
	default:
		if a.FinancialFen > limit*n {
			perPerson := (a.FinancialFen + n - 1) / n
			fail(msg(CodeFinancialPerCapita, yuan(perPerson), yuan(limit)))
		}
	}
	if rules.BusinessEmployingOthersDisqualifies {
		biz := 0
		for _, b := range a.Businesses {
			if b.Registered && b.Employees > 0 {
				biz++
			}
		}
		if biz > 0 {
			fail(msg(CodeBusinessEmploysOthers, litInt(biz)))
		}
	}
	e.Eligible = len(e.Reasons) == 0
	return e, nil
}
