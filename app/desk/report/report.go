package report

import (
	"context"
	"fmt"
	"time"

	"doorstep/app/desk"
)

// Params choose a report: an area and a period (both ends required).
type Params struct {
	Area   desk.Area
	Period desk.Period
}

// Report holds every figure of the district report for one period and area.
type Report struct {
	Params
	Dibao      Dibao
	Places     []Place
	Elders     Elders
	Volunteers Volunteers
	Activities Activities
	// Institutions and Medical are the care-institution and
	// medical-assistance parts.
	Institutions Institutions
	Medical      Medical
	// Evidence counts the period's visits by evidence verdict.
	Evidence Evidence
}

// Count is a number of something named by a code (a grade, a mode, …).
type Count struct {
	Code string
	N    int
}

// Compute runs every figure for p. Refusals are desk.ErrInvalid with code
// "period" (an end missing, or From after To).
func Compute(ctx context.Context, o *desk.Office, p Params) (Report, error) {
	if p.Period.From.IsZero() || p.Period.To.IsZero() || !p.Period.Valid() {
		return Report{}, desk.Invalid("period", "period %s", p.Period)
	}
	r := Report{Params: p}
	var err error
	if r.Dibao, r.Places, err = dibao(ctx, o, p); err != nil {
		return Report{}, err
	}
	if r.Elders, err = elders(ctx, o, p); err != nil {
		return Report{}, err
	}
	if r.Volunteers, err = volunteers(ctx, o, p); err != nil {
		return Report{}, err
	}
	if r.Activities, err = activities(ctx, o, p); err != nil {
		return Report{}, err
	}
	if r.Institutions, err = institutions(ctx, o, p); err != nil {
		return Report{}, err
	}
	if r.Medical, err = medicalAid(ctx, o, p); err != nil {
		return Report{}, err
	}
	if r.Evidence, err = evidenceCounts(ctx, o, p); err != nil {
		return Report{}, err
	}
	return r, nil
}

// dates returns the period's ends as stored dates.
func (p Params) dates() (from, to string) {
	return p.Period.From.Format(desk.DateLayout), p.Period.To.Format(desk.DateLayout)
}

// instants returns the period as a half-open range of stored instants
// [from, to): midnight of From to midnight after To, in loc, as UTC.
func (p Params) instants(loc *time.Location) (from, to string) {
	at := func(d time.Time) string {
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc).UTC().Format(time.RFC3339)
	}
	return at(p.Period.From), at(p.Period.To.AddDate(0, 0, 1))
}

// scalar runs a query returning one row.
func scalar(ctx context.Context, o *desk.Office, what, q string, args []any, dest ...any) error {
	if err := o.DB.QueryRowContext(ctx, q, args...).Scan(dest...); err != nil {
		return fmt.Errorf("report %s: %w", what, err)
	}
	return nil
}
