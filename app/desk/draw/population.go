package draw

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"doorstep/app/desk"
)

// Population returns the households of a street under 低保 on asOf
// (approved on or before it and not cancelled by then), with their risk
// flags, ordered by id.
func Population(ctx context.Context, o *desk.Office, street string, asOf time.Time) ([]Candidate, error) {
	day := asOf.Format(desk.DateLayout)
	short, err := desk.ShortVisits(ctx, o, desk.Area{StreetID: street})
	if err != nil {
		return nil, err
	}
	q := `SELECT h.id, coalesce(h.head_name,''), coalesce(h.community_id,''), coalesce(c.name,''),
		coalesce(h.caseworker_id,''), coalesce(h.staff_relative,0), coalesce(h.recheck_due,''),
		EXISTS (SELECT 1 FROM review_events e WHERE e.household_id = h.id AND e.action = 'return' AND e.deleted = 0),
		EXISTS (SELECT 1 FROM evidence_verdicts ev JOIN means_visits fv ON fv.id = ev.record_id
			WHERE ev.record_table = 'means_visits' AND fv.household_id = h.id AND ev.status = 'flagged' AND ev.deleted = 0),
		coalesce(v.id,''), coalesce(v.staff_ids,'')
		FROM households h
		JOIN communities c ON c.id = h.community_id
		LEFT JOIN means_visits v ON v.id = h.last_visit_id
		WHERE h.deleted = 0 AND c.street_id = ? AND h.status IN ('active','cancelled')
		AND coalesce(h.approved_on,'') <> '' AND h.approved_on <= ?
		AND (coalesce(h.cancelled_on,'') = '' OR h.cancelled_on > ?)`
	args := []any{street, day, day}
	cond, cargs := o.Filter("h.community_id", desk.Area{})
	q += cond + ` ORDER BY h.id`
	args = append(args, cargs...)
	var out []Candidate
	err = desk.Query(ctx, o.DB, "draw population", q, args, func(r *sql.Rows) error {
		var c Candidate
		var relative bool
		var due, visit, staff string
		var returned, flagged bool
		if err := r.Scan(&c.HouseholdID, &c.Head, &c.CommunityID, &c.Community, &c.CaseworkerID,
			&relative, &due, &returned, &flagged, &visit, &staff); err != nil {
			return err
		}
		if relative {
			c.Risks = append(c.Risks, RiskStaffRelative)
		}
		if _, ok := short[visit]; ok && visit != "" {
			c.Risks = append(c.Risks, RiskShortVisit)
		}
		if due != "" && due < day {
			c.Risks = append(c.Risks, RiskRecheckOverdue)
		}
		if returned {
			c.Risks = append(c.Risks, RiskReturnedBefore)
		}
		if flagged {
			c.Risks = append(c.Risks, RiskFlaggedEvidence)
		}
		if staff != "" {
			_ = json.Unmarshal([]byte(staff), &c.LastVisitStaff)
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// inspectors returns the community workers of a street: who may be sent
// on its spot checks.
func inspectors(ctx context.Context, o *desk.Office, street string) ([]Inspector, error) {
	var out []Inspector
	err := desk.Query(ctx, o.DB, "inspectors", `SELECT s.id, coalesce(s.name,''), coalesce(s.community_id,'')
		FROM staff s WHERE s.deleted = 0 AND s.role = 'worker'
		AND (s.street_id = ? OR s.community_id IN (SELECT id FROM communities WHERE street_id = ?))
		ORDER BY s.id`, []any{street, street}, func(r *sql.Rows) error {
		var in Inspector
		if err := r.Scan(&in.ID, &in.Name, &in.CommunityID); err != nil {
			return err
		}
		out = append(out, in)
		return nil
	})
	return out, err
}
