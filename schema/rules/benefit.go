package rules

import (
	"time"

	"doorstep/schema/district"
)

// Codes of the class top-ups (分类施保), used as TopUp.Class.
const (
	CodeTopUpElder          Code = "topup.elder"
	CodeTopUpOldElder       Code = "topup.old_elder"
	CodeTopUpMinor          Code = "topup.minor"
	CodeTopUpDisabled       Code = "topup.disabled"
	CodeTopUpSeriousIllness Code = "topup.serious_illness"
)

// TopUp is one class top-up paid for one member, monthly, in fen.
type TopUp struct {
	MemberID string // the member paid for
	Class    Code   // one of the CodeTopUp… codes
	Fen      int64  // the monthly amount
}

// Benefit is a household's monthly 低保 payment, in fen. It is never negative.
type Benefit struct {
	// Method is the district's benefit method (district.MethodDifference or
	// district.MethodBanded).
	Method string
	// Income is the per-capita income computation used.
	Income IncomeSummary
	// StandardFen is the standard applied.
	StandardFen int64
	// CoveredMembers is the number of members paid for: the counted members
	// when the household is below the standard, else 0.
	CoveredMembers int
	// BaseFen is the difference or banded amount for all covered members.
	BaseFen int64
	// TopUps lists each class top-up paid.
	TopUps []TopUp
	// TopUpFen is the sum of TopUps.
	TopUpFen int64
	// TotalFen is BaseFen + TopUpFen: the 低保金 paid each month.
	TotalFen int64
	// PriceSubsidyFen is the price subsidy (物价补贴) for the covered
	// members, paid beside the benefit and not included in TotalFen.
	PriceSubsidyFen int64
}

// MonthlyBenefit computes the monthly benefit of household h, with members'
// ages taken on ref (for age top-ups). It does not judge eligibility beyond
// income: a household whose per-capita income is not below the standard gets
// a zero Benefit; otherwise every counted member is covered and
//
//   - difference method: BaseFen = (standard − per-capita income) × covered;
//   - banded method: BaseFen = amount of the band holding the per-capita
//     income × covered (0 if no band holds it);
//
// plus, for each covered member, the class top-ups: elder (ElderAge up to
// OldElderAge), old elder (OldElderAge and over, instead of elder), minor
// (under MinorUnderAge), disabled, serious illness; added up, or only the
// largest when TopUps.Combine is district.CombineMax. A member with an
// unknown (zero) birth date gets no age top-up.
//
// Errors: those of PerCapitaIncome.
func MonthlyBenefit(h Household, ref time.Time, cfg district.Config) (Benefit, error) {
	inc, err := PerCapitaIncome(h.Members, h.Income, cfg)
	if err != nil {
		return Benefit{}, err
	}
	std := cfg.StandardFen(h.Setting)
	b := Benefit{Method: cfg.Dibao.Benefit.Method, Income: inc, StandardFen: std}
	if inc.PerCapitaFen >= std {
		return b, nil
	}
	b.CoveredMembers = inc.CountedMembers
	n := int64(b.CoveredMembers)
	switch b.Method {
	case district.MethodBanded:
		for _, band := range cfg.Dibao.Benefit.Bands {
			if band.FromFen <= inc.PerCapitaFen && inc.PerCapitaFen < band.ToFen {
				b.BaseFen = band.AmountFen * n
				break
			}
		}
	default:
		b.BaseFen = (std - inc.PerCapitaFen) * n
	}
	for _, m := range h.Members {
		if !m.Counted {
			continue
		}
		for _, t := range memberTopUps(m, ref, cfg.Dibao.TopUps) {
			b.TopUps = append(b.TopUps, t)
			b.TopUpFen += t.Fen
		}
	}
	b.BaseFen = max(b.BaseFen, 0)
	b.TotalFen = b.BaseFen + b.TopUpFen
	b.PriceSubsidyFen = PriceSubsidy(h.Members, cfg)
	return b, nil
}

// memberTopUps returns the top-ups paid for m, omitting zero amounts.
func memberTopUps(m Member, ref time.Time, t district.TopUps) []TopUp {
	var all []TopUp
	add := func(c Code, fen int64) {
		if fen > 0 {
			all = append(all, TopUp{MemberID: m.ID, Class: c, Fen: fen})
		}
	}
	if !m.Birth.IsZero() {
		age := Age(m.Birth, ref)
		switch {
		case age >= t.OldElderAge:
			add(CodeTopUpOldElder, t.OldElderFen)
		case age >= t.ElderAge:
			add(CodeTopUpElder, t.ElderFen)
		case age >= 0 && age < t.MinorUnderAge:
			add(CodeTopUpMinor, t.MinorFen)
		}
	}
	if m.Disabled {
		add(CodeTopUpDisabled, t.DisabledFen)
	}
	if m.SeriousIllness {
		add(CodeTopUpSeriousIllness, t.SeriousIllnessFen)
	}
	if t.Combine == district.CombineMax && len(all) > 1 {
		best := all[0]
		for _, x := range all[1:] {
			if x.Fen > best.Fen {
				best = x
			}
		}
		return []TopUp{best}
	}
	return all
}

// PriceSubsidy returns the monthly price subsidy (物价补贴) for a 低保
// household: cfg's per-person amount (15 yuan in the report) × the number of
// counted members, in fen.
func PriceSubsidy(members []Member, cfg district.Config) int64 {
	var n int64
	for _, m := range members {
		if m.Counted {
			n++
		}
	}
	return n * cfg.Dibao.PriceSubsidyFen
}
