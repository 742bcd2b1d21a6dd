package care

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"doorstep/app/desk"
	"doorstep/schema"
)

// Institution is one care institution with its counts as of a day.
type Institution struct {
	ID          string
	CommunityID string
	Community   string
	Name        string
	Ownership   string // schema.InstitutionOwnerships
	Address     string
	Phone       string
	OpenedOn    time.Time
	ClosedOn    time.Time // zero while it operates
	Note        string
	// Counts as of CountsAsOf (the latest count on or before the day asked).
	Beds, Residents, Staff int
	CountsAsOf             time.Time
}

// OccupancyPct is residents ÷ beds in percent (0 without beds).
func (i Institution) OccupancyPct() float64 {
	if i.Beds == 0 {
		return 0
	}
	return 100 * float64(i.Residents) / float64(i.Beds)
}

// Operating reports whether the institution operates on day.
func (i Institution) Operating(day time.Time) bool {
	return !i.OpenedOn.After(day) && (i.ClosedOn.IsZero() || i.ClosedOn.After(day))
}

// Register adds an institution (empty ID) or updates its register entry,
// and returns it as stored. Refusals are desk.ErrInvalid: name_required,
// ownership, community (none, or outside the office's street), opened_on
// (missing, after today, or after closed_on).
func Register(ctx context.Context, o *desk.Office, in Institution) (Institution, error) {
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.Name == "":
		return Institution{}, desk.Invalid("name_required", "an institution needs its name")
	case !slices.Contains(schema.InstitutionOwnerships, in.Ownership):
		return Institution{}, desk.Invalid("ownership", "ownership %q", in.Ownership)
	case in.OpenedOn.IsZero() || in.OpenedOn.After(o.Today()) || !in.ClosedOn.IsZero() && in.ClosedOn.Before(in.OpenedOn):
		return Institution{}, desk.Invalid("opened_on", "opened %v, closed %v", in.OpenedOn, in.ClosedOn)
	}
	if err := checkCommunity(ctx, o, in.CommunityID); err != nil {
		return Institution{}, err
	}
	var closed any
	if !in.ClosedOn.IsZero() {
		closed = in.ClosedOn.Format(desk.DateLayout)
	}
	values := map[string]any{"community_id": in.CommunityID, "name": in.Name, "ownership": in.Ownership,
		"address": strings.TrimSpace(in.Address), "phone": strings.TrimSpace(in.Phone),
		"opened_on": in.OpenedOn.Format(desk.DateLayout), "closed_on": closed, "note": strings.TrimSpace(in.Note)}
	var err error
	if in.ID == "" {
		in.ID = o.ID()
		err = desk.Insert(ctx, o.DB, "care_institutions", in.ID, values)
	} else {
		err = desk.Update(ctx, o.DB, "care_institutions", in.ID, values)
	}
	if err != nil {
		return Institution{}, fmt.Errorf("register institution %s: %w", in.Name, err)
	}
	return in, nil
}

// checkCommunity refuses a community that is missing or outside the
// office's street.
func checkCommunity(ctx context.Context, o *desk.Office, community string) error {
	if community == "" {
		return desk.Invalid("community", "no community")
	}
	cond, args := o.Filter("id", desk.Area{})
	var n int
	err := o.DB.QueryRowContext(ctx, `SELECT count(*) FROM communities WHERE deleted = 0 AND id = ?`+cond,
		append([]any{community}, args...)...).Scan(&n)
	if err != nil {
		return fmt.Errorf("check community %s: %w", community, err)
	}
	if n == 0 {
		return desk.Invalid("community", "community %s is not in the office's area", community)
	}
	return nil
}

// RecordCounts records an institution's beds, residents and staff as of a
// day (a survey, 摸底); earlier counts stay in the register's history.
// Refusals are desk.ErrInvalid: date (missing or after today), counts
// (negative, or more residents than beds).
func RecordCounts(ctx context.Context, o *desk.Office, institutionID string, asOf time.Time, beds, residents, staff int) error {
	if asOf.IsZero() || asOf.After(o.Today()) {
		return desk.Invalid("date", "counts as of %v", asOf)
	}
	if beds < 0 || residents < 0 || staff < 0 || residents > beds {
		return desk.Invalid("counts", "%d beds, %d residents, %d staff", beds, residents, staff)
	}
	in, err := get(ctx, o, institutionID)
	if err != nil {
		return err
	}
	err = desk.Insert(ctx, o.DB, "institution_counts", o.ID(), map[string]any{"institution_id": in.ID,
		"community_id": in.CommunityID, "as_of": asOf.Format(desk.DateLayout), "beds": beds,
		"residents": residents, "staff": staff, "recorded_by": o.Me})
	if err != nil {
		return fmt.Errorf("record counts of %s: %w", in.Name, err)
	}
	return nil
}

// Finance is an institution's assets as of a day (office only).
type Finance struct {
	InstitutionID  string
	AsOf           time.Time
	TotalAssetsFen int64
	NetAssetsFen   int64
}

// RecordFinances records an institution's total and net assets as of a
// day. Refusals are desk.ErrInvalid: date, assets (negative, or net above
// total).
func RecordFinances(ctx context.Context, o *desk.Office, institutionID string, asOf time.Time, totalFen, netFen int64) error {
	if asOf.IsZero() || asOf.After(o.Today()) {
		return desk.Invalid("date", "finances as of %v", asOf)
	}
	if totalFen < 0 || netFen < 0 || netFen > totalFen {
		return desk.Invalid("assets", "total %d, net %d", totalFen, netFen)
	}
	in, err := get(ctx, o, institutionID)
	if err != nil {
		return err
	}
	err = desk.Insert(ctx, o.DB, "institution_finances", o.ID(), map[string]any{"institution_id": in.ID,
		"community_id": in.CommunityID, "as_of": asOf.Format(desk.DateLayout), "total_assets_fen": totalFen,
		"net_assets_fen": netFen, "recorded_by": o.Me})
	if err != nil {
		return fmt.Errorf("record finances of %s: %w", in.Name, err)
	}
	return nil
}

// get returns one institution of the office's area (counts as of today).
func get(ctx context.Context, o *desk.Office, id string) (Institution, error) {
	ins, err := list(ctx, o, desk.Area{}, o.Today(), id)
	if err != nil {
		return Institution{}, err
	}
	if len(ins) == 0 {
		return Institution{}, fmt.Errorf("institution %s: %w", id, desk.ErrNotFound)
	}
	return ins[0], nil
}

// List returns the institutions of the area registered by day asOf, by
// name, each with its latest counts on or before asOf.
func List(ctx context.Context, o *desk.Office, a desk.Area, asOf time.Time) ([]Institution, error) {
	return list(ctx, o, a, asOf, "")
}

func list(ctx context.Context, o *desk.Office, a desk.Area, asOf time.Time, id string) ([]Institution, error) {
	day := asOf.Format(desk.DateLayout)
	cond, args := o.Filter("i.community_id", a)
	q := `SELECT i.id, coalesce(i.community_id,''), coalesce(c.name,''), coalesce(i.name,''),
		coalesce(i.ownership,''), coalesce(i.address,''), coalesce(i.phone,''), coalesce(i.opened_on,''),
		coalesce(i.closed_on,''), coalesce(i.note,''), coalesce(n.beds,0), coalesce(n.residents,0),
		coalesce(n.staff,0), coalesce(n.as_of,'')
		FROM care_institutions i LEFT JOIN communities c ON c.id = i.community_id
		LEFT JOIN institution_counts n ON n.id = (SELECT x.id FROM institution_counts x
			WHERE x.institution_id = i.id AND x.deleted = 0 AND x.as_of <= ? ORDER BY x.as_of DESC, x.id DESC LIMIT 1)
		WHERE i.deleted = 0 AND coalesce(i.opened_on,'') <= ?` + cond
	args = append([]any{day, day}, args...)
	if id != "" {
		q += ` AND i.id = ?`
		args = append(args, id)
	}
	var out []Institution
	err := desk.Query(ctx, o.DB, "institutions", q+` ORDER BY i.name, i.id`, args, func(r *sql.Rows) error {
		var in Institution
		var opened, closed, counted string
		if err := r.Scan(&in.ID, &in.CommunityID, &in.Community, &in.Name, &in.Ownership, &in.Address, &in.Phone,
			&opened, &closed, &in.Note, &in.Beds, &in.Residents, &in.Staff, &counted); err != nil {
			return err
		}
		in.OpenedOn, _ = desk.ParseDate(opened)
		if closed != "" {
			in.ClosedOn, _ = desk.ParseDate(closed)
		}
		if counted != "" {
			in.CountsAsOf, _ = desk.ParseDate(counted)
		}
		out = append(out, in)
		return nil
	})
	return out, err
}

// Finances returns the latest finances on or before asOf of the area's
// institutions, by institution id.
func Finances(ctx context.Context, o *desk.Office, a desk.Area, asOf time.Time) (map[string]Finance, error) {
	cond, args := o.Filter("f.community_id", a)
	out := map[string]Finance{}
	err := desk.Query(ctx, o.DB, "institution finances", `SELECT f.institution_id, f.as_of,
		coalesce(f.total_assets_fen,0), coalesce(f.net_assets_fen,0) FROM institution_finances f
		WHERE f.deleted = 0 AND f.as_of <= ?`+cond+` ORDER BY f.as_of, f.id`,
		append([]any{asOf.Format(desk.DateLayout)}, args...), func(r *sql.Rows) error {
			var f Finance
			var day string
			if err := r.Scan(&f.InstitutionID, &day, &f.TotalAssetsFen, &f.NetAssetsFen); err != nil {
				return err
			}
			f.AsOf, _ = desk.ParseDate(day)
			out[f.InstitutionID] = f // later rows replace earlier ones
			return nil
		})
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	return out, nil
}
