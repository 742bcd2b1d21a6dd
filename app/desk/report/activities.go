package report

import (
	"context"
	"database/sql"

	"doorstep/app/desk"
	"doorstep/schema"
)

// Activities is the "三小" group activity part of the report: small
// contests, performances and lectures held in the period.
type Activities struct {
	Count       int
	PersonTimes int // Σ headcount (人次)
	ByKind      []Activity
	ByTheme     []Activity
}

// Activity is the figures of one kind or theme.
type Activity struct {
	Code        string
	Count       int
	PersonTimes int
}

func activities(ctx context.Context, o *desk.Office, p Params) (Activities, error) {
	from, to := p.dates()
	cond, cargs := o.Filter("a.community_id", p.Area)
	kinds, themes := map[string]*Activity{}, map[string]*Activity{}
	var out Activities
	err := desk.Query(ctx, o.DB, "activities", `SELECT coalesce(a.kind,''), coalesce(a.theme,''), count(*),
		coalesce(sum(a.headcount),0) FROM group_activities a
		WHERE a.deleted = 0 AND a.held_on BETWEEN ? AND ?`+cond+` GROUP BY 1, 2`,
		append([]any{from, to}, cargs...), func(r *sql.Rows) error {
			var kind, theme string
			var n, heads int
			if err := r.Scan(&kind, &theme, &n, &heads); err != nil {
				return err
			}
			out.Count += n
			out.PersonTimes += heads
			for _, x := range []struct {
				m    map[string]*Activity
				code string
			}{{kinds, kind}, {themes, theme}} {
				if x.m[x.code] == nil {
					x.m[x.code] = &Activity{Code: x.code}
				}
				x.m[x.code].Count += n
				x.m[x.code].PersonTimes += heads
			}
			return nil
		})
	if err != nil {
		return Activities{}, err
	}
	out.ByKind = orderedActivities(kinds, schema.ActivityKinds)
	out.ByTheme = orderedActivities(themes, schema.ActivityThemes)
	return out, nil
}

func orderedActivities(m map[string]*Activity, codes []string) []Activity {
	counts := map[string]int{}
	for k, a := range m {
		counts[k] = a.Count
	}
	var out []Activity
	for _, c := range ordered(counts, codes) {
		out = append(out, *m[c.Code])
	}
	return out
}
