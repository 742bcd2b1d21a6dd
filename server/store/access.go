package store

import (
	"context"
	"fmt"

	"doorstep/schema"
	"doorstep/schema/scope"
)

// Access resolves what a user may see right now: their communities (a
// street supervisor's include every community of the street), and a
// volunteer's pairings with the elders and communities those pairings name.
func (s *Store) Access(ctx context.Context, userID string) (*scope.User, error) {
	u, err := s.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	return s.accessOf(ctx, u)
}

// accessOf resolves the access of u, read with its lists.
func (s *Store) accessOf(ctx context.Context, u User) (*scope.User, error) {
	userID := u.ID
	a := &scope.User{ID: u.ID, Role: u.Role, Street: u.Street,
		Communities: map[string]bool{}, Pairings: map[string]bool{}, Elders: map[string]bool{},
		PairingCommunity: map[string]string{}}
	for _, c := range u.Communities {
		a.Communities[c] = true
	}
	if u.Role == schema.RoleSupervisor && u.Street != "" {
		cs, err := s.strings(ctx, `SELECT id FROM communities WHERE street_id = ? AND deleted = 0`, u.Street)
		if err != nil {
			return nil, fmt.Errorf("access of %s: communities of street: %w", userID, err)
		}
		for _, c := range cs {
			a.Communities[c] = true
		}
	}
	if u.Role == schema.RoleVolunteer {
		for _, p := range u.Pairings {
			a.Pairings[p] = true
		}
		rows, err := s.db.QueryContext(ctx, `SELECT vp.id, coalesce(vp.elder_id, ''), coalesce(vp.community_id, '')
			FROM volunteer_pairings vp JOIN user_pairings up ON up.pairing_id = vp.id
			WHERE up.user_id = ? AND vp.deleted = 0`, userID)
		if err != nil {
			return nil, fmt.Errorf("access of %s: pairings: %w", userID, err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, elder, community string
			if err := rows.Scan(&id, &elder, &community); err != nil {
				return nil, fmt.Errorf("access of %s: pairings: %w", userID, err)
			}
			if elder != "" {
				a.Elders[elder] = true
			}
			if community != "" {
				a.PairingCommunity[id] = community
			}
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("access of %s: pairings: %w", userID, err)
		}
	}
	return a, nil
}
