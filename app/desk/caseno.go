package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"doorstep/schema"
)

// Case numbers (证号, schema.CaseNumber) are allocated here, on the
// supervisor desk that approves a household: the next sequence of the
// district and year among the numbers this desk knows. Two desks that
// approve offline at the same time may allocate the same number; after
// sync CaseNumberClashes finds such pairs and RenumberClashes settles them
// the same way on every desk — the earlier approval (approved_on, then
// household id) keeps the number, the later gets the next free one.

// Querier reads rows; *sql.DB and *sql.Tx are Queriers.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DistrictCodeOf returns the district code of a household's street, or
// fallback (the district configuration's code) when the street has none.
func DistrictCodeOf(ctx context.Context, db Querier, householdID, fallback string) (string, error) {
	var code string
	err := db.QueryRowContext(ctx, `SELECT coalesce(s.district_code,'') FROM households h
		JOIN communities c ON c.id = h.community_id JOIN streets s ON s.id = c.street_id
		WHERE h.id = ?`, householdID).Scan(&code)
	if (errors.Is(err, sql.ErrNoRows) || err == nil && code == "") && fallback != "" {
		return fallback, nil
	}
	if errors.Is(err, sql.ErrNoRows) || err == nil && code == "" {
		return "", fmt.Errorf("district code of household %s: %w", householdID, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("district code of household %s: %w", householdID, err)
	}
	return code, nil
}

// NextCaseNumber returns the next free case number of district and year.
func NextCaseNumber(ctx context.Context, db Querier, district string, year int) (string, error) {
	prefix := schema.CaseNumber(district, year, 1)
	prefix = prefix[:len(prefix)-5]
	var max sql.NullString
	err := db.QueryRowContext(ctx, `SELECT max(case_no) FROM households WHERE case_no LIKE ? || '_____'`,
		prefix).Scan(&max)
	if err != nil {
		return "", fmt.Errorf("next case number %s: %w", prefix, err)
	}
	seq := 0
	if max.Valid {
		if _, _, n, ok := schema.ParseCaseNumber(max.String); ok {
			seq = n
		}
	}
	return schema.CaseNumber(district, year, seq+1), nil
}

// Clash is a case number held by more than one household: Keep keeps it,
// Renumber (the later approvals) need new ones.
type Clash struct {
	CaseNo   string
	Keep     string
	Renumber []string
}

// CaseNumberClashes lists the case numbers given to more than one live
// household.
func CaseNumberClashes(ctx context.Context, db Querier) ([]Clash, error) {
	rows, err := db.QueryContext(ctx, `SELECT case_no, id FROM households
		WHERE deleted = 0 AND coalesce(case_no,'') <> '' AND case_no IN (
			SELECT case_no FROM households WHERE deleted = 0 AND coalesce(case_no,'') <> ''
			GROUP BY case_no HAVING count(*) > 1)
		ORDER BY case_no, coalesce(approved_on,''), id`)
	if err != nil {
		return nil, fmt.Errorf("case number clashes: %w", err)
	}
	defer rows.Close()
	var out []Clash
	for rows.Next() {
		var no, id string
		if err := rows.Scan(&no, &id); err != nil {
			return nil, fmt.Errorf("case number clashes: %w", err)
		}
		if n := len(out); n > 0 && out[n-1].CaseNo == no {
			out[n-1].Renumber = append(out[n-1].Renumber, id)
		} else {
			out = append(out, Clash{CaseNo: no, Keep: id})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("case number clashes: %w", err)
	}
	return out, nil
}

// RenumberClashes gives every later holder of a clashing case number the
// next free number of its district and year, and returns the clashes it
// settled.
func RenumberClashes(ctx context.Context, db *sql.DB) ([]Clash, error) {
	clashes, err := CaseNumberClashes(ctx, db)
	if err != nil {
		return nil, err
	}
	for _, c := range clashes {
		district, year, _, ok := schema.ParseCaseNumber(c.CaseNo)
		if !ok {
			continue
		}
		for _, id := range c.Renumber {
			next, err := NextCaseNumber(ctx, db, district, year)
			if err != nil {
				return nil, err
			}
			if err := Update(ctx, db, "households", id, map[string]any{"case_no": next}); err != nil {
				return nil, fmt.Errorf("renumber household %s: %w", id, err)
			}
		}
	}
	return clashes, nil
}
