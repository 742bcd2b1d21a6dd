package report

import (
	"context"
	"database/sql"

	"doorstep/app/desk"
)

// Place is one street's or community's 低保 figures.
type Place struct {
	ID, Name         string
	Households       int
	People           int
	MonthlyPayoutFen int64
	Added, Cancelled int
}

// places breaks the 低保 figures down by street when the area spans
// several streets, else by community, by name.
func places(ctx context.Context, o *desk.Office, p Params) ([]Place, error) {
	from, to := p.dates()
	cond, cargs := o.Filter("h.community_id", p.Area)
	key, name, join := `c.id`, `c.name`, ``
	if p.Area.StreetID == "" && p.Area.CommunityID == "" && o.Street == "" {
		key, name, join = `s.id`, `s.name`, ` LEFT JOIN streets s ON s.id = c.street_id`
	}
	q := `SELECT coalesce(` + key + `,''), coalesce(` + name + `,''),
		coalesce(sum(CASE WHEN ` + underDibao + ` THEN 1 ELSE 0 END),0),
		coalesce(sum(CASE WHEN ` + underDibao + ` THEN h.covered_members ELSE 0 END),0),
		coalesce(sum(CASE WHEN ` + underDibao + ` THEN h.benefit_fen ELSE 0 END),0),
		coalesce(sum(CASE WHEN h.approved_on BETWEEN ? AND ? THEN 1 ELSE 0 END),0),
		coalesce(sum(CASE WHEN h.status = 'cancelled' AND h.cancelled_on BETWEEN ? AND ? THEN 1 ELSE 0 END),0)
		FROM households h LEFT JOIN communities c ON c.id = h.community_id` + join + `
		WHERE h.deleted = 0` + cond + ` GROUP BY 1, 2 ORDER BY 2, 1`
	args := append([]any{to, to, to, to, to, to, from, to, from, to}, cargs...)
	var out []Place
	err := desk.Query(ctx, o.DB, "report places", q, args, func(r *sql.Rows) error {
		var pl Place
		if err := r.Scan(&pl.ID, &pl.Name, &pl.Households, &pl.People, &pl.MonthlyPayoutFen,
			&pl.Added, &pl.Cancelled); err != nil {
			return err
		}
		out = append(out, pl)
		return nil
	})
	return out, err
}
