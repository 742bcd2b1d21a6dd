package report

import (
	"context"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/roll"
	"doorstep/schema"
	"doorstep/schema/rules"
)

// Dibao is the minimum living guarantee (低保) part of the report, from
// the benefit history as known on the period's last day: decisions made
// later never change it.
type Dibao struct {
	// Households under 低保 and paid on the period's last day (a suspended
	// household is not counted) and the people they cover.
	Households int
	People     int
	// MonthlyPayoutFen is their monthly benefit (base and top-ups) then.
	MonthlyPayoutFen int64
	// PaidFen is the 低保金 paid for the months whose first day lies in the
	// period (Months): each closed month's roll as stored, back-payments
	// and recoveries included; a month not closed yet as the history says.
	PaidFen int64
	Months  int
	// Added counts households with an approval or re-approval taking
	// effect in the period; Cancelled those with a cancellation, by reason
	// in CancelReasons (schema.CancelReasons order). A household cancelled
	// and re-approved counts once in each.
	Added, Cancelled int
	CancelReasons    []Count
	// PriceSubsidyMonthlyFen is the price subsidy of the households
	// counted; PriceSubsidyFen the subsidy paid over the period's months.
	PriceSubsidyMonthlyFen int64
	PriceSubsidyFen        int64
}

// PerPersonFen returns the average monthly benefit per person.
func (d Dibao) PerPersonFen() int64 {
	if d.People == 0 {
		return 0
	}
	return (d.MonthlyPayoutFen + int64(d.People)/2) / int64(d.People)
}

// figures are one household's 低保 figures in a period.
type figures struct {
	households, people, added, cancelled int
	payoutFen, subsidyFen                int64
	reason                               string
}

// householdFigures computes what one household adds to the period's
// figures, from its history as known on the period's last day.
func householdFigures(rows []rules.Entitlement, from, to time.Time) figures {
	var f figures
	if e, ok := rules.InForce(rows, to, to); ok && e.Paid() {
		f.households, f.people, f.payoutFen, f.subsidyFen = 1, e.Covered, e.BenefitFen(), e.SubsidyFen
	}
	if _, ok := rules.EventIn(rows, from, to, to, rules.KindApprove, rules.KindReapprove); ok {
		f.added = 1
	}
	if e, ok := rules.EventIn(rows, from, to, to, rules.KindCancel); ok {
		f.cancelled, f.reason = 1, e.Reason
	}
	return f
}

func dibao(ctx context.Context, o *desk.Office, p Params) (Dibao, []Place, error) {
	b, err := roll.OpenForPeriod(ctx, o, p.Area, p.Period.From, p.Period.To)
	if err != nil {
		return Dibao{}, nil, err
	}
	from, to := p.Period.From, p.Period.To
	var d Dibao
	reasons := map[string]int{}
	byPlace := map[string]*Place{}
	district := p.Area.StreetID == "" && p.Area.CommunityID == "" && o.Street == ""
	for h, rows := range b.History() {
		c := b.Community(h)
		if !b.InArea(c) {
			continue
		}
		f := householdFigures(rows, from, to)
		d.Households += f.households
		d.People += f.people
		d.MonthlyPayoutFen += f.payoutFen
		d.PriceSubsidyMonthlyFen += f.subsidyFen
		d.Added += f.added
		d.Cancelled += f.cancelled
		if f.cancelled > 0 {
			reasons[f.reason]++
		}
		key := c
		if district {
			key = b.Street(c)
		}
		pl := byPlace[key]
		if pl == nil {
			pl = &Place{ID: key, Name: b.Name(key)}
			byPlace[key] = pl
		}
		pl.Households += f.households
		pl.People += f.people
		pl.MonthlyPayoutFen += f.payoutFen
		pl.Added += f.added
		pl.Cancelled += f.cancelled
	}
	paid := b.Paid(from, to, to)
	d.PaidFen, d.PriceSubsidyFen = paid.BenefitFen(), paid.AllSubsidyFen()
	for m := rules.MonthStart(from); !m.After(to); m = m.AddDate(0, 1, 0) {
		if !m.Before(from) {
			d.Months++
		}
	}
	d.CancelReasons = ordered(reasons, schema.CancelReasons)
	return d, sortPlaces(byPlace), nil
}

// ordered turns counts into a list in the order of codes, then any other
// codes met (e.g. empty) at the end in the order found.
func ordered(m map[string]int, codes []string) []Count {
	var out []Count
	for _, c := range codes {
		if n, ok := m[c]; ok {
			out = append(out, Count{c, n})
			delete(m, c)
		}
	}
	for _, c := range sortedKeys(m) {
		out = append(out, Count{c, m[c]})
	}
	return out
}
