package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"doorstep/schema"
	"doorstep/sync/client/api"
)

// User is a person who may enroll devices. Its id is also the id of the
// user's row in the synced staff table.
type User struct {
	ID   string
	Name string
	Role schema.Role
	// Street is a supervisor's street; "" means the whole district.
	Street string
	// Communities a worker (or street supervisor) covers.
	Communities []string
	// Pairings a volunteer belongs to (volunteer_pairings ids).
	Pairings  []string
	CreatedAt time.Time
}

// API returns the user as devices see it.
func (u User) API() api.User {
	return api.User{ID: u.ID, Name: u.Name, Role: u.Role, Street: u.Street,
		Communities: nonNil(u.Communities), Pairings: nonNil(u.Pairings)}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// validate checks a user's fields before it is stored.
func (u *User) validate() error {
	u.Name = strings.TrimSpace(u.Name)
	if u.Name == "" {
		return api.Errorf(api.CodeBadRequest, "user name is empty")
	}
	if !u.Role.Valid() {
		return api.Errorf(api.CodeBadRequest, "unknown role %q (want one of worker, volunteer, supervisor, admin)", u.Role)
	}
	switch u.Role {
	case schema.RoleWorker:
		if len(u.Communities) == 0 {
			return api.Errorf(api.CodeBadRequest, "a worker needs at least one community")
		}
		if len(u.Pairings) > 0 || u.Street != "" {
			return api.Errorf(api.CodeBadRequest, "a worker has communities, not a street or pairings")
		}
	case schema.RoleVolunteer:
		if len(u.Communities) > 0 || u.Street != "" {
			return api.Errorf(api.CodeBadRequest, "a volunteer has pairings, not communities or a street")
		}
	case schema.RoleSupervisor:
		if len(u.Pairings) > 0 {
			return api.Errorf(api.CodeBadRequest, "a supervisor has a street (or none for the district), not pairings")
		}
	case schema.RoleAdmin:
		if len(u.Pairings) > 0 || len(u.Communities) > 0 || u.Street != "" {
			return api.Errorf(api.CodeBadRequest, "an administrator has no communities, street or pairings")
		}
	}
	return nil
}

// AddUser stores a new user with their communities and pairings; an empty
// ID gets a new UUID. It returns the stored user. A duplicate id is
// CodeBadRequest. When the synced staff table has no row with the user's
// id, one is written (and so reaches devices) with the name, role, street
// and first community.
func (s *Store) AddUser(ctx context.Context, u User) (User, error) {
	if err := u.validate(); err != nil {
		return User{}, err
	}
	if u.ID == "" {
		id, err := uuid.NewV7()
		if err != nil {
			return User{}, fmt.Errorf("add user: new id: %w", err)
		}
		u.ID = id.String()
	}
	u.CreatedAt = s.now()
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = ?`, u.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return api.Errorf(api.CodeBadRequest, "user %s exists already", u.ID)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO users(id, name, role, street_id, created_at) VALUES (?, ?, ?, ?, ?)`,
			u.ID, u.Name, string(u.Role), u.Street, formatTime(u.CreatedAt)); err != nil {
			return err
		}
		community := ""
		if len(u.Communities) > 0 {
			community = u.Communities[0]
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO staff(id, name, role, street_id, community_id) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO NOTHING`, u.ID, u.Name, string(u.Role), u.Street, community); err != nil {
			return err
		}
		return writeAssignments(ctx, tx, u)
	})
	if err != nil {
		return User{}, fmt.Errorf("add user %s: %w", u.Name, err)
	}
	return u, nil
}

// SetScope replaces a user's street, communities and pairings. Their
// devices fetch again from the start on their next pull, since what they
// may see has changed.
func (s *Store) SetScope(ctx context.Context, id, street string, communities, pairings []string) (User, error) {
	u, err := s.User(ctx, id)
	if err != nil {
		return User{}, err
	}
	u.Street, u.Communities, u.Pairings = street, communities, pairings
	if err := u.validate(); err != nil {
		return User{}, err
	}
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET street_id = ? WHERE id = ?`, u.Street, u.ID); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM user_communities WHERE user_id = ?`, `DELETE FROM user_pairings WHERE user_id = ?`} {
			if _, err := tx.ExecContext(ctx, q, u.ID); err != nil {
				return err
			}
		}
		return writeAssignments(ctx, tx, u)
	})
	if err != nil {
		return User{}, fmt.Errorf("set scope of user %s: %w", id, err)
	}
	return s.User(ctx, id)
}

func writeAssignments(ctx context.Context, tx *sql.Tx, u User) error {
	for _, c := range u.Communities {
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_communities(user_id, community_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, u.ID, c); err != nil {
			return err
		}
	}
	for _, p := range u.Pairings {
		if _, err := tx.ExecContext(ctx, `INSERT INTO user_pairings(user_id, pairing_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, u.ID, p); err != nil {
			return err
		}
	}
	return nil
}

// User returns one user, or CodeNotFound.
func (s *Store) User(ctx context.Context, id string) (User, error) {
	var u User
	var role, created string
	err := s.db.QueryRowContext(ctx, `SELECT id, name, role, street_id, created_at FROM users WHERE id = ?`, id).
		Scan(&u.ID, &u.Name, &role, &u.Street, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, api.Errorf(api.CodeNotFound, "no user %s", id)
	}
	if err != nil {
		return User{}, fmt.Errorf("read user %s: %w", id, err)
	}
	u.Role = schema.Role(role)
	u.CreatedAt = parseTime(created)
	if err := s.userLists(ctx, &u); err != nil {
		return User{}, err
	}
	return u, nil
}

// userLists reads u's communities and pairings, in one statement: every
// request reads its user (Caller), and on PostgreSQL each statement is a
// round trip.
func (s *Store) userLists(ctx context.Context, u *User) error {
	rows, err := s.db.QueryContext(ctx, `SELECT 'c', community_id FROM user_communities WHERE user_id = ?
  UNION ALL SELECT 'p', pairing_id FROM user_pairings WHERE user_id = ? ORDER BY 1, 2`, u.ID, u.ID)
	if err != nil {
		return fmt.Errorf("read user %s: %w", u.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, v string
		if err := rows.Scan(&kind, &v); err != nil {
			return fmt.Errorf("read user %s: %w", u.ID, err)
		}
		if kind == "c" {
			u.Communities = append(u.Communities, v)
		} else {
			u.Pairings = append(u.Pairings, v)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read user %s: %w", u.ID, err)
	}
	return nil
}

// Users returns every user, ordered by role and name.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	ids, err := s.strings(ctx, `SELECT id FROM users`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	out := make([]User, 0, len(ids))
	for _, id := range ids {
		u, err := s.User(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Role != out[j].Role {
			return out[i].Role < out[j].Role
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

func (s *Store) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
