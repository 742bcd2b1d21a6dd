package records

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"doorstep/schema"
)

// Modes of a device: enrolled with a server, or a local demo that never syncs.
const (
	ModeServer = "server"
	ModeDemo   = "demo"
)

// Identity is who this device belongs to and how it syncs. It is written
// once by enrollment (or by starting the local demo) and kept in settings.
type Identity struct {
	// Mode is ModeServer or ModeDemo.
	Mode string `json:"mode"`
	// UserID is the user's staff row id; UserName their name.
	UserID   string `json:"user_id"`
	UserName string `json:"user_name"`
	// Role decides what the app shows.
	Role schema.Role `json:"role"`
	// Communities a worker covers; Pairings a volunteer belongs to; Street a
	// supervisor's street ("" = the whole district).
	Communities []string `json:"communities,omitempty"`
	Pairings    []string `json:"pairings,omitempty"`
	Street      string   `json:"street,omitempty"`
	// DeviceID is this device's id on the server; SiteID its replica's
	// site (the server may choose it at enrollment).
	DeviceID string `json:"device_id"`
	SiteID   string `json:"site_id,omitempty"`
	// ServerURL and Token authenticate sync (empty in demo mode).
	ServerURL string `json:"server_url,omitempty"`
	Token     string `json:"token,omitempty"`
}

// IsVolunteer reports whether the identity has the volunteer role.
func (id Identity) IsVolunteer() bool { return id.Role == schema.RoleVolunteer }

// AllCommunities reports whether the identity covers every community the
// device holds (supervisors and admins: the server already scoped the data).
func (id Identity) AllCommunities() bool {
	return id.Role == schema.RoleSupervisor || id.Role == schema.RoleAdmin
}

// InCommunity reports whether the identity covers community c.
func (id Identity) InCommunity(c string) bool {
	return id.AllCommunities() || slices.Contains(id.Communities, c)
}

// Identity returns the device's identity and whether it has one (a device
// without one shows the first-run screen).
func (s *Store) Identity(ctx context.Context) (Identity, bool, error) {
	v, ok, err := s.Setting(ctx, SettingIdentity)
	if err != nil || !ok {
		return Identity{}, false, err
	}
	var id Identity
	if err := json.Unmarshal([]byte(v), &id); err != nil {
		return Identity{}, false, fmt.Errorf("read identity: %w", err)
	}
	return id, true, nil
}

// SaveIdentity stores the device's identity.
func (s *Store) SaveIdentity(ctx context.Context, id Identity) error {
	if !id.Role.Valid() {
		return fmt.Errorf("save identity: unknown role %q", id.Role)
	}
	b, err := json.Marshal(id)
	if err != nil {
		return fmt.Errorf("save identity: %w", err)
	}
	return s.SetSetting(ctx, SettingIdentity, string(b))
}
