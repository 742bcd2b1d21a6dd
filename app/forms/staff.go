package forms

import (
	"context"
	"database/sql"
)

// Staff is a staff member who can be present at a visit or spot check.
type Staff struct {
	ID   string
	Name string
	Role string
}

// StaffOf lists the staff who work in community communityID — its own
// workers and the staff of its street's office — by name; volunteers are
// not staff. The signed-in user (userID) is always listed, first.
func StaffOf(ctx context.Context, db *sql.DB, communityID, userID string) ([]Staff, error) {
	var out []Staff
	err := query(ctx, db, `SELECT s.id, coalesce(s.name,''), coalesce(s.role,'')
		FROM staff s
		WHERE s.deleted = 0 AND coalesce(s.role,'') <> 'volunteer' AND (s.id = ? OR s.community_id = ?
			OR coalesce(s.community_id,'') = '' AND s.street_id = (SELECT street_id FROM communities WHERE id = ?))
		ORDER BY s.id <> ?, s.name, s.id`, []any{userID, communityID, communityID, userID}, func(r *sql.Rows) error {
		var s Staff
		err := r.Scan(&s.ID, &s.Name, &s.Role)
		out = append(out, s)
		return err
	})
	return out, err
}
