package care

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"doorstep/app/desk"
	"doorstep/schema/district"
	"doorstep/sync/evidence"
)

// Assessment is one institution's half-yearly assessment (以奖代补考核):
// a score for every item of the district's standard, the total, the award
// band it reaches and the award it earns.
type Assessment struct {
	ID            string
	InstitutionID string
	CommunityID   string
	// Half is the half year assessed, "2025H1" or "2025H2".
	Half       string
	AssessedOn time.Time
	// Assessors are the supervisors present (at least two).
	Assessors []string
	// Scores maps each item key of the standard to its score.
	Scores   map[string]int
	Total    int
	Band     string // the award band's key, "" below every band
	AwardFen int64
	Note     string
	// OpenedAt is when the assessment form was opened (zero: unknown); it
	// goes into the assessment's evidence entry.
	OpenedAt time.Time
}

// Standard returns the district's assessment standard, for the form.
func Standard(o *desk.Office) district.Assessment { return o.Rules().Institutions.Assessment }

var halfPattern = regexp.MustCompile(`^[0-9]{4}H[12]$`)

// Assess scores an institution against the district's standard and
// records the assessment with its total, band and award (nothing for a
// public institution when the standard pays private ones only). One
// assessment per institution and half year. Refusals are desk.ErrInvalid:
// half, assessed_on (missing, after today, or before the half
// begins), assessors (fewer than two), score (an item missing, unknown or
// out of 0–max), already_assessed.
func Assess(ctx context.Context, o *desk.Office, a Assessment) (Assessment, error) {
	std := Standard(o)
	if !halfPattern.MatchString(a.Half) {
		return Assessment{}, desk.Invalid("half", "half %q", a.Half)
	}
	start := halfStart(a.Half)
	if a.AssessedOn.IsZero() || a.AssessedOn.After(o.Today()) || a.AssessedOn.Before(start) {
		return Assessment{}, desk.Invalid("assessed_on", "assessed on %v for %s", a.AssessedOn, a.Half)
	}
	var names []string
	for _, s := range a.Assessors {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(names, s) {
			names = append(names, s)
		}
	}
	if len(names) < 2 {
		return Assessment{}, desk.Invalid("assessors", "%d assessors", len(names))
	}
	a.Assessors = names
	a.Total = 0
	for _, it := range std.Items() {
		s, ok := a.Scores[it.Key]
		if !ok || s < 0 || s > it.Max {
			return Assessment{}, desk.Invalid("score", "item %s: %d (max %d, given %v)", it.Key, s, it.Max, ok)
		}
		a.Total += s
	}
	if len(a.Scores) != len(std.Items()) {
		return Assessment{}, desk.Invalid("score", "%d scores for %d items", len(a.Scores), len(std.Items()))
	}
	in, err := get(ctx, o, a.InstitutionID)
	if err != nil {
		return Assessment{}, err
	}
	var n int
	if err := o.DB.QueryRowContext(ctx, `SELECT count(*) FROM institution_assessments WHERE deleted = 0
		AND institution_id = ? AND half = ?`, in.ID, a.Half).Scan(&n); err != nil {
		return Assessment{}, fmt.Errorf("assess %s: %w", in.Name, err)
	}
	if n > 0 {
		return Assessment{}, desk.Invalid("already_assessed", "%s is assessed for %s", in.Name, a.Half)
	}
	a.Band, a.AwardFen = "", 0
	if b, ok := std.Band(a.Total); ok {
		a.Band = b.Key
		if !std.PrivateOnly || in.Ownership == "private" {
			a.AwardFen = b.AwardFen
		}
	}
	a.ID, a.CommunityID = o.ID(), in.CommunityID
	assessors, _ := json.Marshal(a.Assessors)
	scores, _ := json.Marshal(a.Scores)
	tx, err := o.DB.BeginTx(ctx, nil)
	if err != nil {
		return Assessment{}, fmt.Errorf("assess %s: %w", in.Name, err)
	}
	defer tx.Rollback()
	err = desk.Insert(ctx, tx, "institution_assessments", a.ID, map[string]any{
		"institution_id": in.ID, "community_id": in.CommunityID, "half": a.Half,
		"assessed_on": a.AssessedOn.Format(desk.DateLayout), "assessors": string(assessors),
		"scores": string(scores), "total": a.Total, "band": a.Band, "award_fen": a.AwardFen,
		"note": strings.TrimSpace(a.Note), "author_id": o.Me,
	})
	if err != nil {
		return Assessment{}, fmt.Errorf("assess %s: %w", in.Name, err)
	}
	// The evidence entry is the submit's last write: it covers the row as
	// written, and goes if the transaction rolls back.
	if o.Sign != nil {
		opened := a.OpenedAt
		if opened.After(o.Clock()) {
			opened = time.Time{}
		}
		if err := o.Sign(ctx, tx, evidence.Submit{Table: "institution_assessments", ID: a.ID, OpenedAt: opened}); err != nil {
			return Assessment{}, fmt.Errorf("assess %s: %w", in.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return Assessment{}, fmt.Errorf("assess %s: %w", in.Name, err)
	}
	return a, nil
}

// halfStart returns the first day of a half year "2025H1".
func halfStart(half string) time.Time {
	y, _ := time.Parse("2006", half[:4])
	if half[5] == '2' {
		return y.AddDate(0, 6, 0)
	}
	return y
}

// Assessments returns the assessments of the area's institutions done in
// a period, by day.
func Assessments(ctx context.Context, o *desk.Office, a desk.Area, p desk.Period) ([]Assessment, error) {
	cond, args := o.Filter("x.community_id", a)
	from, to := "", "9999-12-31"
	if !p.From.IsZero() {
		from = p.From.Format(desk.DateLayout)
	}
	if !p.To.IsZero() {
		to = p.To.Format(desk.DateLayout)
	}
	var out []Assessment
	err := desk.Query(ctx, o.DB, "institution assessments", `SELECT x.id, coalesce(x.institution_id,''),
		coalesce(x.community_id,''), coalesce(x.half,''), coalesce(x.assessed_on,''), coalesce(x.assessors,''),
		coalesce(x.scores,''), coalesce(x.total,0), coalesce(x.band,''), coalesce(x.award_fen,0), coalesce(x.note,'')
		FROM institution_assessments x WHERE x.deleted = 0 AND x.assessed_on BETWEEN ? AND ?`+cond+`
		ORDER BY x.assessed_on, x.id`, append([]any{from, to}, args...), func(r *sql.Rows) error {
		var x Assessment
		var day, assessors, scores string
		if err := r.Scan(&x.ID, &x.InstitutionID, &x.CommunityID, &x.Half, &day, &assessors, &scores, &x.Total,
			&x.Band, &x.AwardFen, &x.Note); err != nil {
			return err
		}
		x.AssessedOn, _ = desk.ParseDate(day)
		_ = json.Unmarshal([]byte(assessors), &x.Assessors)
		_ = json.Unmarshal([]byte(scores), &x.Scores)
		out = append(out, x)
		return nil
	})
	return out, err
}
