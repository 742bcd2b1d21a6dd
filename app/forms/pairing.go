package forms

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"doorstep/schema"
)

// Volunteer pairings (结对): one elder with one volunteer (一对一), two
// (二对一) or more (多对一). Workers and supervisors make and end them —
// from the elder screen, or from a screening's recommended mode; a
// volunteer may not (the registry's write rule for volunteer_pairings,
// checked here too so the app refuses before the server does).

// PairingEndReasons are the reasons a pairing ends (volunteer_pairings.end_reason).
var PairingEndReasons = []string{"elder_moved", "elder_deceased", "elder_in_care", "volunteer_left",
	"elder_declined", "re_paired"}

// Pairing messages (translation IDs).
const (
	MsgPairingCount    = "forms.error.pairing_count"
	MsgPairingActive   = "forms.error.pairing_active"
	MsgPairingRole     = "forms.error.pairing_role"
	MsgPairingReason   = "forms.error.pairing_reason"
	FieldPairingVols   = "volunteer_ids"
	FieldPairingMode   = "mode"
	FieldPairingReason = "end_reason"
)

// ErrNotAllowed is returned when the signed-in role may not write a table.
var ErrNotAllowed = errors.New("role may not write this table")

// mayWrite reports whether role may write table by the registry's rule.
func mayWrite(role schema.Role, table string) bool {
	t, ok := schema.Reg.Table(table)
	return ok && slices.Contains(t.Write, role)
}

// NewPairing is a pairing to make.
type NewPairing struct {
	ID, ElderID  string
	Mode         string   // schema.PairingModes
	VolunteerIDs []string // the volunteers, in order
	StartedOn    string   // 2006-01-02
}

// Validate checks that the number of volunteers fits the mode: one for
// 一对一, two for 二对一, three or more for 多对一.
func (p NewPairing) Validate() Issues {
	var c issues
	if !slices.Contains(schema.PairingModes, p.Mode) {
		c.required(FieldPairingMode)
	}
	n := len(p.VolunteerIDs)
	ok := p.Mode == "one_to_one" && n == 1 || p.Mode == "two_to_one" && n == 2 || p.Mode == "many_to_one" && n >= 3
	if !ok && p.Mode != "" {
		c.add(FieldPairingVols, MsgPairingCount, map[string]any{"Count": n})
	}
	if _, ok := ParseDate(p.StartedOn); !ok {
		c.add("started_on", MsgDate, nil)
	}
	return c.result()
}

// CreatePairing makes pairing p for role. A volunteer is refused
// (ErrNotAllowed); an elder with a pairing not ended is refused with an
// issue; the volunteers must be volunteers.
func CreatePairing(ctx context.Context, env Env, role schema.Role, p NewPairing) error {
	if !mayWrite(role, "volunteer_pairings") {
		return fmt.Errorf("create pairing: %s: %w", role, ErrNotAllowed)
	}
	if is := p.Validate(); len(is) > 0 {
		return is
	}
	return inTx(ctx, env.DB, "create pairing "+p.ID, func(tx *sql.Tx) error {
		var community string
		err := tx.QueryRowContext(ctx, `SELECT coalesce(community_id,'') FROM elders WHERE id = ? AND deleted = 0`,
			p.ElderID).Scan(&community)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("create pairing: elder %s: %w", p.ElderID, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("create pairing: elder %s: %w", p.ElderID, err)
		}
		for _, v := range p.VolunteerIDs {
			var r string
			err := tx.QueryRowContext(ctx, `SELECT coalesce(role,'') FROM staff WHERE id = ?`, v).Scan(&r)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("create pairing: volunteer %s: %w", v, err)
			}
			if r != string(schema.RoleVolunteer) {
				return Issues{{Field: FieldPairingVols, Key: MsgPairingCount, Args: map[string]any{"Count": len(p.VolunteerIDs)}}}
			}
		}
		var active int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM volunteer_pairings WHERE elder_id = ? AND deleted = 0
			AND coalesce(ended_on,'') = ''`, p.ElderID).Scan(&active); err != nil {
			return fmt.Errorf("create pairing: %w", err)
		}
		if active > 0 {
			return Issues{{Field: FieldPairingMode, Key: MsgPairingActive}}
		}
		return writeRow(ctx, tx, "volunteer_pairings", p.ID, []col{{"elder_id", p.ElderID},
			{"community_id", community}, {"mode", p.Mode}, {"volunteer_ids", jsonList(p.VolunteerIDs)},
			{"started_on", p.StartedOn}, {"deleted", 0}})
	})
}

// EndPairing ends pairing id on date on (2006-01-02) for reason (one of
// PairingEndReasons), noted by note. Refusals are as for CreatePairing.
func EndPairing(ctx context.Context, env Env, role schema.Role, id, on, reason, note string) error {
	if !mayWrite(role, "volunteer_pairings") {
		return fmt.Errorf("end pairing: %s: %w", role, ErrNotAllowed)
	}
	if !slices.Contains(PairingEndReasons, reason) {
		return Issues{{Field: FieldPairingReason, Key: MsgPairingReason}}
	}
	if _, ok := ParseDate(on); !ok {
		return Issues{{Field: "ended_on", Key: MsgDate}}
	}
	return inTx(ctx, env.DB, "end pairing "+id, func(tx *sql.Tx) error {
		var ended string
		err := tx.QueryRowContext(ctx, `SELECT coalesce(ended_on,'') FROM volunteer_pairings WHERE id = ? AND deleted = 0`,
			id).Scan(&ended)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("end pairing %s: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("end pairing %s: %w", id, err)
		}
		if ended != "" {
			return Issues{{Field: FieldPairingReason, Key: MsgReadOnly}}
		}
		return writeRow(ctx, tx, "volunteer_pairings", id, []col{{"ended_on", on}, {"end_reason", reason},
			{"end_note", nullIf(strings.TrimSpace(note))}})
	})
}

// Volunteers lists the volunteers of community (staff with the volunteer
// role), by name.
func Volunteers(ctx context.Context, env Env, community string) ([]Staff, error) {
	rows, err := env.DB.QueryContext(ctx, `SELECT id, coalesce(name,'') FROM staff
		WHERE role = 'volunteer' AND (community_id = ? OR ? = '') AND deleted = 0 ORDER BY name, id`, community, community)
	if err != nil {
		return nil, fmt.Errorf("volunteers of %s: %w", community, err)
	}
	defer rows.Close()
	var out []Staff
	for rows.Next() {
		st := Staff{Role: "volunteer"}
		if err := rows.Scan(&st.ID, &st.Name); err != nil {
			return nil, fmt.Errorf("volunteers of %s: %w", community, err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("volunteers of %s: %w", community, err)
	}
	return out, nil
}
