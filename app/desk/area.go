package desk

import (
	"context"
	"database/sql"
	"fmt"
)

// Area narrows a list or report to a street or one community. The zero
// value is the supervisor's whole area.
type Area struct {
	StreetID    string // "" = every street of the office
	CommunityID string // "" = every community of the street
}

// Filter returns an SQL condition (" AND …", or "" for no limit) that keeps
// rows whose community column col lies in the area and in the office's
// street, and its arguments. col is a column reference written by the
// caller, never input.
func (o *Office) Filter(col string, a Area) (string, []any) {
	var cond string
	var args []any
	if a.CommunityID != "" {
		cond += " AND " + col + " = ?"
		args = append(args, a.CommunityID)
	}
	for _, s := range []string{o.Street, a.StreetID} {
		if s != "" {
			cond += " AND " + col + " IN (SELECT id FROM communities WHERE street_id = ?)"
			args = append(args, s)
		}
	}
	return cond, args
}

// Place is a street or community as lists show it.
type Place struct {
	ID, Name string
	StreetID string // communities only
}

// Streets returns the streets in the office's area, by name.
func (o *Office) Streets(ctx context.Context) ([]Place, error) {
	q := `SELECT id, coalesce(name,'') FROM streets WHERE deleted = 0`
	var args []any
	if o.Street != "" {
		q += ` AND id = ?`
		args = append(args, o.Street)
	}
	return o.places(ctx, "streets", q+` ORDER BY name, id`, args)
}

// Communities returns the communities of a street ("" = every street of the
// office), by name.
func (o *Office) Communities(ctx context.Context, street string) ([]Place, error) {
	cond, args := o.Filter("id", Area{StreetID: street})
	return o.places(ctx, "communities", `SELECT id, coalesce(name,''), coalesce(street_id,'')
		FROM communities WHERE deleted = 0`+cond+` ORDER BY name, id`, args)
}

func (o *Office) places(ctx context.Context, what, q string, args []any) ([]Place, error) {
	var out []Place
	err := Query(ctx, o.DB, what, q, args, func(r *sql.Rows) error {
		var p Place
		dest := []any{&p.ID, &p.Name}
		if what == "communities" {
			dest = append(dest, &p.StreetID)
		}
		if err := r.Scan(dest...); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

// Staff returns the names of every staff member by id (workers,
// volunteers and supervisors), for showing who did what.
func (o *Office) Staff(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	err := Query(ctx, o.DB, "staff", `SELECT id, coalesce(name,'') FROM staff`, nil, func(r *sql.Rows) error {
		var id, name string
		if err := r.Scan(&id, &name); err != nil {
			return err
		}
		out[id] = name
		return nil
	})
	return out, err
}

// Query runs q and calls scan for every row; what names the query in errors.
func Query(ctx context.Context, db *sql.DB, what, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("query %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("scan %s: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", what, err)
	}
	return nil
}

// Workers returns the community workers and volunteers of an area (whose
// records the review queue holds), by name.
func (o *Office) Workers(ctx context.Context, a Area) ([]Place, error) {
	cond, args := o.Filter("community_id", a)
	return o.places(ctx, "workers", `SELECT id, coalesce(name,'') FROM staff
		WHERE deleted = 0 AND role IN ('worker','volunteer')`+cond+` ORDER BY role DESC, name, id`, args)
}
