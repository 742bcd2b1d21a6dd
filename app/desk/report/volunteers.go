package report

import (
	"context"
	"database/sql"

	"doorstep/app/desk"
	"doorstep/schema"
)

// Volunteers is the volunteer part of the report, by pairing mode
// (一对一, 二对一, 多对一).
type Volunteers struct {
	// Pairings counts the elders paired at some time in the period, each
	// once however many pairings (modes) they had; Visits the visit logs
	// started in it; Hours their length.
	Pairings int
	Visits   int
	Hours    float64
	ByMode   []Mode
}

// Mode is one pairing mode's figures.
type Mode struct {
	Code string // schema.PairingModes
	// Pairings counts the elders paired in this mode in the period.
	Pairings int
	Visits   int
	Hours    float64
}

func volunteers(ctx context.Context, o *desk.Office, p Params) (Volunteers, error) {
	from, to := p.dates()
	start, end := p.instants(o.Location())
	byMode := map[string]*Mode{}
	mode := func(code string) *Mode {
		if byMode[code] == nil {
			byMode[code] = &Mode{Code: code}
		}
		return byMode[code]
	}
	cond, cargs := o.Filter("vp.community_id", p.Area)
	const active = `vp.deleted = 0 AND coalesce(vp.started_on,'') <= ?
		AND (coalesce(vp.ended_on,'') = '' OR vp.ended_on >= ?)`
	var elders int
	if err := scalar(ctx, o, "paired elders", `SELECT count(DISTINCT coalesce(vp.elder_id, vp.id))
		FROM volunteer_pairings vp WHERE `+active+cond, append([]any{to, from}, cargs...), &elders); err != nil {
		return Volunteers{}, err
	}
	err := desk.Query(ctx, o.DB, "pairings", `SELECT coalesce(vp.mode,''), count(DISTINCT coalesce(vp.elder_id, vp.id)) FROM volunteer_pairings vp
		WHERE vp.deleted = 0 AND coalesce(vp.started_on,'') <= ?
		AND (coalesce(vp.ended_on,'') = '' OR vp.ended_on >= ?)`+cond+` GROUP BY 1`,
		append([]any{to, from}, cargs...), func(r *sql.Rows) error {
			var code string
			var n int
			if err := r.Scan(&code, &n); err != nil {
				return err
			}
			mode(code).Pairings += n
			return nil
		})
	if err != nil {
		return Volunteers{}, err
	}
	cond, cargs = o.Filter("v.community_id", p.Area)
	err = desk.Query(ctx, o.DB, "volunteer visits", `SELECT coalesce(vp.mode,''), count(*),
		coalesce(sum(CASE WHEN v.ended_at > v.started_at
			THEN (julianday(v.ended_at) - julianday(v.started_at)) * 24 ELSE 0 END),0)
		FROM volunteer_visits v LEFT JOIN volunteer_pairings vp ON vp.id = v.pairing_id
		WHERE v.deleted = 0 AND v.state = 'submitted' AND v.started_at >= ? AND v.started_at < ?`+cond+`
		GROUP BY 1`, append([]any{start, end}, cargs...), func(r *sql.Rows) error {
		var code string
		var n int
		var h float64
		if err := r.Scan(&code, &n, &h); err != nil {
			return err
		}
		m := mode(code)
		m.Visits += n
		m.Hours += h
		return nil
	})
	if err != nil {
		return Volunteers{}, err
	}
	counts := map[string]int{}
	for k, m := range byMode {
		counts[k] = m.Visits
	}
	var v Volunteers
	for _, c := range ordered(counts, schema.PairingModes) {
		m := byMode[c.Code]
		v.ByMode = append(v.ByMode, *m)
		v.Visits += m.Visits
		v.Hours += m.Hours
	}
	v.Pairings = elders
	return v, nil
}
