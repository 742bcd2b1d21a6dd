package report

import (
	"context"
	"database/sql"

	"doorstep/app/desk"
	"doorstep/schema"
)

// Dibao is the minimum living guarantee (低保) part of the report.
type Dibao struct {
	// Households under 低保 at the end of the period (approved by then and
	// not cancelled by then) and the people they cover.
	Households int
	People     int
	// MonthlyPayoutFen is their monthly benefit at the end of the period.
	MonthlyPayoutFen int64
	// PaidFen is the benefit paid over the period's months at the
	// households' current amounts (see Months).
	PaidFen int64
	// Months counts the months whose first day lies in the period; each
	// pays the households approved in an earlier month and not cancelled
	// before it began.
	Months int
	// Added counts households approved in the period; Cancelled those
	// cancelled in it, by reason in CancelReasons (schema.CancelReasons order).
	Added, Cancelled int
	CancelReasons    []Count
	// PriceSubsidyMonthlyFen is People × the district's price subsidy per
	// person; PriceSubsidyFen the subsidy over the period's months.
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

// underDibao is the condition "household h is under 低保 on date ?".
const underDibao = `h.deleted = 0 AND h.status IN ('active','cancelled') AND coalesce(h.approved_on,'') <> ''
	AND h.approved_on <= ? AND (coalesce(h.cancelled_on,'') = '' OR h.cancelled_on > ?)`

// paidInMonth is the condition "household h is paid for the month starting
// m.m": approved in an earlier month and not cancelled before it began.
const paidInMonth = `h.deleted = 0 AND h.status IN ('active','cancelled') AND coalesce(h.approved_on,'') <> ''
	AND h.approved_on < m.m AND (coalesce(h.cancelled_on,'') = '' OR h.cancelled_on >= m.m)`

// months lists m, the first days of the months that begin in the period
// (args: from, from, from, to, to).
const months = `WITH RECURSIVE months(m) AS (
	SELECT CASE WHEN strftime('%d', ?) = '01' THEN ? ELSE date(?, 'start of month', '+1 month') END
	UNION ALL SELECT date(m, '+1 month') FROM months WHERE date(m, '+1 month') <= ?),
	m AS (SELECT m FROM months WHERE m <= ?)`

func dibao(ctx context.Context, o *desk.Office, p Params) (Dibao, error) {
	from, to := p.dates()
	cond, cargs := o.Filter("h.community_id", p.Area)
	var d Dibao
	err := scalar(ctx, o, "低保 households", `SELECT count(*), coalesce(sum(h.covered_members),0),
		coalesce(sum(h.benefit_fen),0) FROM households h WHERE `+underDibao+cond,
		append([]any{to, to}, cargs...), &d.Households, &d.People, &d.MonthlyPayoutFen)
	if err != nil {
		return Dibao{}, err
	}
	var personMonths int64
	err = scalar(ctx, o, "低保 paid", months+`
		SELECT (SELECT count(*) FROM m), coalesce(sum(h.benefit_fen),0), coalesce(sum(h.covered_members),0)
		FROM m JOIN households h ON `+paidInMonth+cond,
		append([]any{from, from, from, to, to}, cargs...), &d.Months, &d.PaidFen, &personMonths)
	if err != nil {
		return Dibao{}, err
	}
	subsidy := o.Rules().Dibao.PriceSubsidyFen
	d.PriceSubsidyMonthlyFen = int64(d.People) * subsidy
	d.PriceSubsidyFen = personMonths * subsidy
	err = scalar(ctx, o, "低保 added", `SELECT count(*) FROM households h WHERE h.deleted = 0
		AND h.approved_on BETWEEN ? AND ?`+cond, append([]any{from, to}, cargs...), &d.Added)
	if err != nil {
		return Dibao{}, err
	}
	reasons := map[string]int{}
	err = desk.Query(ctx, o.DB, "cancellations", `SELECT coalesce(h.cancel_reason,''), count(*)
		FROM households h WHERE h.deleted = 0 AND h.status = 'cancelled'
		AND h.cancelled_on BETWEEN ? AND ?`+cond+` GROUP BY 1`, append([]any{from, to}, cargs...),
		func(r *sql.Rows) error {
			var reason string
			var n int
			if err := r.Scan(&reason, &n); err != nil {
				return err
			}
			reasons[reason] += n
			d.Cancelled += n
			return nil
		})
	if err != nil {
		return Dibao{}, err
	}
	d.CancelReasons = ordered(reasons, schema.CancelReasons)
	return d, nil
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
