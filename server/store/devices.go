package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/rs/xid"

	"doorstep/schema"
	"doorstep/schema/scope"
	"doorstep/sync/client/api"
)

// Device is an enrolled device. Its token is never stored, only its hash.
type Device struct {
	ID     string
	UserID string
	// SiteID is the device replica's site; every change it pushes names it.
	SiteID    string
	Name      string
	CreatedAt time.Time
	// ExpiresAt is when the token stops working; zero means never.
	ExpiresAt time.Time
	// RevokedAt is when an administrator revoked the device; zero if active.
	RevokedAt   time.Time
	LastSeen    time.Time
	LastCursor  string
	LastPushSeq int64
}

// tokenPrefix marks Doorstep device tokens so they are recognisable in logs
// and secret scanners.
const tokenPrefix = "dst_"

// hashSecret returns the stored form of a token or enrollment code.
func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// newToken returns a device token carrying 256 random bits.
func (s *Store) newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := s.rand().Read(b); err != nil {
		return "", fmt.Errorf("new token: %w", err)
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// codeAlphabet is Crockford's base 32: no I, L, O or U to misread.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// newCode returns a 12-character enrollment code (60 random bits) shown as
// XXXX-XXXX-XXXX.
func (s *Store) newCode() (string, error) {
	b := make([]byte, 12)
	if _, err := s.rand().Read(b); err != nil {
		return "", fmt.Errorf("new enrollment code: %w", err)
	}
	var sb strings.Builder
	for i, x := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(codeAlphabet[x&31])
	}
	return sb.String(), nil
}

// normalizeCode undoes what people do to codes they type: lower case,
// dashes and spaces, O for 0, I or L for 1.
func normalizeCode(c string) string {
	c = strings.ToUpper(c)
	var sb strings.Builder
	for _, r := range c {
		switch r {
		case '-', ' ', '\t':
			continue
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// CreateEnrollCode makes a one-time code that enrolls one device for the
// user until it expires. Administrators never sync a device, so they get
// none.
func (s *Store) CreateEnrollCode(ctx context.Context, userID string, ttl time.Duration) (code string, expires time.Time, err error) {
	u, err := s.User(ctx, userID)
	if err != nil {
		return "", time.Time{}, err
	}
	if u.Role == schema.RoleAdmin {
		return "", time.Time{}, api.Errorf(api.CodeForbiddenRole, "administrators work on the server and enroll no devices")
	}
	if ttl <= 0 {
		return "", time.Time{}, api.Errorf(api.CodeBadRequest, "enrollment code lifetime must be positive")
	}
	if code, err = s.newCode(); err != nil {
		return "", time.Time{}, err
	}
	now := s.now()
	expires = now.Add(ttl)
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO enroll_codes(code_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			hashSecret(normalizeCode(code)), userID, formatTime(now), formatTime(expires))
		return err
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("create enrollment code for %s: %w", userID, err)
	}
	return code, expires, nil
}

// Enrollment is the result of a successful enrollment.
type Enrollment struct {
	Device Device
	User   User
	// Token is the device's bearer token, returned only here.
	Token string
}

// Enroll exchanges a one-time code for a device token. siteID is the
// device replica's site (a UUID); empty asks for a new one. A site belongs
// to one writer for good: the server's own site, another user's device
// with the same site, or a site that wrote data as another user is
// CodeSiteMismatch; the same user's earlier device with that site is
// revoked (a re-enrolled tablet). A used, expired or unknown code is
// CodeUnauthorized. tokenTTL zero means tokens do not expire.
func (s *Store) Enroll(ctx context.Context, code, name, siteID string, tokenTTL time.Duration) (Enrollment, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Enrollment{}, api.Errorf(api.CodeBadRequest, "device name is empty")
	}
	if len(name) > 200 {
		return Enrollment{}, api.Errorf(api.CodeBadRequest, "device name is longer than 200 bytes")
	}
	if siteID == "" {
		id, err := uuid.NewV7()
		if err != nil {
			return Enrollment{}, fmt.Errorf("enroll: new site id: %w", err)
		}
		siteID = id.String()
	} else if id, err := uuid.Parse(siteID); err != nil || id.String() != siteID {
		return Enrollment{}, api.Errorf(api.CodeBadRequest, "site id %q is not a lower-case UUID", siteID)
	}
	token, err := s.newToken()
	if err != nil {
		return Enrollment{}, err
	}
	now := s.now()
	d := Device{ID: xid.New().String(), SiteID: siteID, Name: name, CreatedAt: now}
	if tokenTTL > 0 {
		d.ExpiresAt = now.Add(tokenTTL)
	}
	err = s.writeTx(ctx, func(tx *sql.Tx) error {
		var expires, used string
		err := tx.QueryRowContext(ctx, `SELECT user_id, expires_at, used_at FROM enroll_codes WHERE code_hash = ?`,
			hashSecret(normalizeCode(code))).Scan(&d.UserID, &expires, &used)
		if errors.Is(err, sql.ErrNoRows) {
			return api.Errorf(api.CodeUnauthorized, "unknown enrollment code")
		}
		if err != nil {
			return err
		}
		if used != "" {
			return api.Errorf(api.CodeUnauthorized, "enrollment code was used already")
		}
		if !now.Before(parseTime(expires)) {
			return api.Errorf(api.CodeUnauthorized, "enrollment code expired at %s", expires)
		}
		if siteID == s.Site() {
			return api.Errorf(api.CodeSiteMismatch, "site %s is the server's own; make a new device database", siteID)
		}
		var others int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM devices WHERE site_id = ? AND user_id <> ?`, siteID, d.UserID).Scan(&others); err != nil {
			return err
		}
		if others > 0 {
			return api.Errorf(api.CodeSiteMismatch, "site %s belongs to another user's device; make a new device database", siteID)
		}
		// A site that wrote data as anyone else (the demo district, an
		// administrator's import, a device since removed) is not this
		// device's either.
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sync_writers w WHERE w.site = ? AND w.user <> ?`, siteID, d.UserID).Scan(&others); err != nil {
			return err
		}
		if others > 0 {
			return api.Errorf(api.CodeSiteMismatch, "site %s wrote data as another user; make a new device database", siteID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE devices SET revoked_at = ? WHERE site_id = ? AND revoked_at = ''`, formatTime(now), siteID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE enroll_codes SET used_at = ?, device_id = ? WHERE code_hash = ?`,
			formatTime(now), d.ID, hashSecret(normalizeCode(code))); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO devices(id, user_id, site_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.UserID, d.SiteID, d.Name, hashSecret(token), formatTime(now), formatTime(d.ExpiresAt))
		return err
	})
	if err != nil {
		return Enrollment{}, fmt.Errorf("enroll %q: %w", name, err)
	}
	u, err := s.User(ctx, d.UserID)
	if err != nil {
		return Enrollment{}, fmt.Errorf("enroll %q: %w", name, err)
	}
	return Enrollment{Device: d, User: u, Token: token}, nil
}

const deviceCols = `id, user_id, site_id, name, created_at, expires_at, revoked_at, last_seen_at, last_cursor, last_push_seq`

// scanDevice scans deviceCols, then into more the columns that follow
// them.
func scanDevice(sc interface{ Scan(...any) error }, more ...any) (Device, error) {
	var d Device
	var created, expires, revoked, seen string
	err := sc.Scan(append([]any{&d.ID, &d.UserID, &d.SiteID, &d.Name, &created, &expires, &revoked, &seen, &d.LastCursor, &d.LastPushSeq}, more...)...)
	d.CreatedAt, d.ExpiresAt, d.RevokedAt, d.LastSeen = parseTime(created), parseTime(expires), parseTime(revoked), parseTime(seen)
	return d, err
}

// Authenticate returns the active device holding token. It reads the
// database every time, so a revocation by an administrator (even from
// another process) takes effect at the next request. Unknown tokens are
// CodeUnauthorized, revoked devices CodeRevoked, expired tokens
// CodeExpired.
func (s *Store) Authenticate(ctx context.Context, token string) (Device, error) {
	d, _, err := s.authenticate(ctx, token, false)
	return d, err
}

// Caller authenticates a request's token as Authenticate does and
// resolves its user's access as Access does: what every device request
// does first, in two statements (the device with its user, the user's
// lists), and a third for volunteers and street supervisors (what their
// pairings or street name), where Authenticate and Access take four or
// five. A device whose user no longer exists is CodeNotFound, as Access
// has it.
func (s *Store) Caller(ctx context.Context, token string) (Device, *scope.User, error) {
	d, u, err := s.authenticate(ctx, token, true)
	if err != nil {
		return Device{}, nil, err
	}
	if u.ID == "" {
		return Device{}, nil, api.Errorf(api.CodeNotFound, "no user %s", d.UserID)
	}
	if err := s.userLists(ctx, &u); err != nil {
		return Device{}, nil, err
	}
	a, err := s.accessOf(ctx, u)
	if err != nil {
		return Device{}, nil, err
	}
	return d, a, nil
}

// deviceUserCols are deviceCols of devices d, then the row of its user u
// (NULLs when there is none).
var deviceUserCols = "d." + strings.ReplaceAll(deviceCols, ", ", ", d.") +
	", coalesce(u.id, ''), coalesce(u.name, ''), coalesce(u.role, ''), coalesce(u.street_id, ''), coalesce(u.created_at, '')"

// authenticate finds the active device of token and, with withUser, its
// user's row (ID "" when the user is gone), in one statement.
func (s *Store) authenticate(ctx context.Context, token string, withUser bool) (Device, User, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 100 {
		return Device{}, User{}, api.Errorf(api.CodeUnauthorized, "not a device token")
	}
	var d Device
	var u User
	var err error
	if withUser {
		var role, created string
		d, err = scanDevice(s.db.QueryRowContext(ctx, `SELECT `+deviceUserCols+` FROM devices d LEFT JOIN users u ON u.id = d.user_id WHERE d.token_hash = ?`, hashSecret(token)),
			&u.ID, &u.Name, &role, &u.Street, &created)
		u.Role, u.CreatedAt = schema.Role(role), parseTime(created)
	} else {
		d, err = scanDevice(s.db.QueryRowContext(ctx, `SELECT `+deviceCols+` FROM devices WHERE token_hash = ?`, hashSecret(token)))
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Device{}, User{}, api.Errorf(api.CodeUnauthorized, "unknown device token")
	}
	if err != nil {
		return Device{}, User{}, fmt.Errorf("authenticate: %w", err)
	}
	if !d.RevokedAt.IsZero() {
		return Device{}, User{}, api.Errorf(api.CodeRevoked, "device %s was revoked at %s", d.ID, formatTime(d.RevokedAt))
	}
	if !d.ExpiresAt.IsZero() && !s.now().Before(d.ExpiresAt) {
		return Device{}, User{}, api.Errorf(api.CodeExpired, "device token expired at %s; enroll again", formatTime(d.ExpiresAt))
	}
	return d, u, nil
}

// Devices lists every device, newest first.
func (s *Store) Devices(ctx context.Context) ([]Device, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+deviceCols+` FROM devices ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	defer rows.Close()
	var out []Device
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, fmt.Errorf("list devices: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// RevokeDevice revokes a device at once: its token is refused from the next
// request on. Revoking a revoked device is a no-op; an unknown id is
// CodeNotFound.
func (s *Store) RevokeDevice(ctx context.Context, id string) error {
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at = ''`, formatTime(s.now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var c int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM devices WHERE id = ?`, id).Scan(&c); err != nil {
				return err
			}
			if c == 0 {
				return api.Errorf(api.CodeNotFound, "no device %s", id)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("revoke device %s: %w", id, err)
	}
	return nil
}

// Seen is what the server noticed about a device's latest requests.
type Seen struct {
	At     time.Time
	Cursor string // "" = unchanged
}

// RecordSeen stores last-seen times and pull cursors for many devices in one
// transaction; the server batches them so reads do not each cost a write.
func (s *Store) RecordSeen(ctx context.Context, seen map[string]Seen) error {
	if len(seen) == 0 {
		return nil
	}
	err := s.writeTx(ctx, func(tx *sql.Tx) error {
		for id, x := range seen {
			if _, err := tx.ExecContext(ctx, `UPDATE devices SET last_seen_at = CASE WHEN last_seen_at < ? THEN ? ELSE last_seen_at END,
				last_cursor = CASE WHEN ? = '' THEN last_cursor ELSE ? END WHERE id = ?`,
				formatTime(x.At), formatTime(x.At), x.Cursor, x.Cursor, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record devices seen: %w", err)
	}
	return nil
}
