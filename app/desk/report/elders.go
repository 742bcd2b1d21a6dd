package report

import (
	"context"
	"database/sql"
	"sort"
	"strconv"

	"doorstep/app/desk"
	"doorstep/schema/district"
)

// Elders is the elderly-care part of the report: elders screened in the
// period, each counted once with their latest screening in it.
type Elders struct {
	Screened int
	// ByGrade counts them by Barthel grade, a schema/rules code such as
	// "barthel.grade.mild" (most able first).
	ByGrade []Count
	// MonetaryCare counts those in a monetary-care group (货币化养老),
	// ByGroup by group "1", "2", "3".
	MonetaryCare int
	ByGroup      []Count
	// HomeCare counts those eligible for home-based care (居家养老, 70+).
	HomeCare int
}

// gradeOrder is the order grades are listed in: the stored rules codes
// ("barthel.grade.<key>") of the district config's grade keys, most able
// first.
var gradeOrder = func() []string {
	out := make([]string, len(district.BarthelGrades))
	for i, g := range district.BarthelGrades {
		out[i] = "barthel.grade." + g
	}
	return out
}()

func elders(ctx context.Context, o *desk.Office, p Params) (Elders, error) {
	from, to := p.dates()
	cond, cargs := o.Filter("s.community_id", p.Area)
	q := `WITH latest AS (
		SELECT s.* FROM elder_screenings s
		WHERE s.deleted = 0 AND s.state = 'submitted' AND s.screened_on BETWEEN ? AND ?` + cond + `
		AND NOT EXISTS (SELECT 1 FROM elder_screenings n WHERE n.elder_id = s.elder_id AND n.deleted = 0
			AND n.state = 'submitted' AND n.screened_on BETWEEN ? AND ?
			AND (n.screened_on > s.screened_on OR n.screened_on = s.screened_on AND n.id > s.id)))
		SELECT coalesce(barthel_grade,''), coalesce(care_group,0), coalesce(home_care,0), count(*)
		FROM latest GROUP BY 1, 2, 3`
	args := append(append([]any{from, to}, cargs...), from, to)
	var e Elders
	grades, groups := map[string]int{}, map[string]int{}
	err := desk.Query(ctx, o.DB, "elders screened", q, args, func(r *sql.Rows) error {
		var grade string
		var group, home, n int
		if err := r.Scan(&grade, &group, &home, &n); err != nil {
			return err
		}
		e.Screened += n
		grades[grade] += n
		if group > 0 {
			e.MonetaryCare += n
			groups[strconv.Itoa(group)] += n
		}
		if home == 1 {
			e.HomeCare += n
		}
		return nil
	})
	if err != nil {
		return Elders{}, err
	}
	e.ByGrade = ordered(grades, gradeOrder)
	e.ByGroup = ordered(groups, []string{"1", "2", "3"})
	return e, nil
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
