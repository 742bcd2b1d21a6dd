package meeting

import (
	"strconv"
	"time"

	"doorstep/app/desk/review"
	"doorstep/schema/district"
	"doorstep/schema/rules"
)

// snapshotBenefit computes the difference-method benefit (with class
// top-ups) of a visit's snapshot on day: its members and recorded incomes,
// whatever its assets. Rows that cannot be read are left out.
func snapshotBenefit(snap string, day time.Time, cfg district.Config) (rules.Benefit, error) {
	s, err := review.ParseSnapshot(snap)
	if err != nil {
		return rules.Benefit{}, err
	}
	h := rules.Household{Setting: district.SettingUrban, LocalHukou: true}
	if review.Value(s.Household["urban"]) == "0" {
		h.Setting = district.SettingRural
	}
	for _, m := range s.Members {
		birth, _ := time.Parse("2006-01-02", review.Value(m["birth_date"]))
		h.Members = append(h.Members, rules.Member{ID: review.Value(m["id"]),
			Counted:  review.Value(m["counted"]) == "1",
			Birth:    birth,
			Disabled: review.Value(m["disability_category"]) != "", SeriousIllness: review.Value(m["health"]) == "serious"})
	}
	for _, in := range s.Incomes {
		fen, err := strconv.ParseInt(review.Value(in["monthly_fen"]), 10, 64)
		if err != nil || review.Value(in["kind"]) == "" {
			continue
		}
		h.Income = append(h.Income, rules.IncomeRow{MemberID: review.Value(in["member_id"]),
			Kind: review.Value(in["kind"]), MonthlyFen: fen})
	}
	return rules.MonthlyBenefit(h, day, cfg)
}

// split divides an approved monthly amount into base benefit and class
// top-ups: the top-ups the rules give the visit's members, up to the
// amount, and the rest as base.
func split(amount int64, b rules.Benefit) (base, topUp int64) {
	topUp = min(b.TopUpFen, amount)
	return amount - topUp, topUp
}
