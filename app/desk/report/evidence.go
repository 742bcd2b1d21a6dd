package report

import (
	"context"
	"database/sql"

	"doorstep/app/desk"
)

// Evidence counts the means-test visits submitted in the period by the
// server's verdict on their evidence (docs/EVIDENCE.md), and those the
// desk finds unusually short (desk.ShortVisits).
type Evidence struct {
	// Visits is every submitted visit; Verified, Flagged and Pending those
	// with that verdict; Unchecked those with no verdict (yet).
	Visits, Verified, Flagged, Pending, Unchecked int
	// Short counts the unusually short visits; FlaggedOrShort the visits
	// that are flagged, short or both (each once).
	Short, FlaggedOrShort int
}

func evidenceCounts(ctx context.Context, o *desk.Office, p Params) (Evidence, error) {
	from, to := p.instants(o.Location())
	short, err := desk.ShortVisits(ctx, o, p.Area)
	if err != nil {
		return Evidence{}, err
	}
	q := `SELECT v.id, coalesce(ev.status, '') FROM means_visits v
		LEFT JOIN evidence_verdicts ev ON ev.record_table = 'means_visits' AND ev.record_id = v.id AND ev.deleted = 0
		WHERE v.deleted = 0 AND v.state = 'submitted' AND v.submitted_at >= ? AND v.submitted_at < ?`
	args := []any{from, to}
	cond, cargs := o.Filter("v.community_id", p.Area)
	q += cond
	args = append(args, cargs...)
	var e Evidence
	err = desk.Query(ctx, o.DB, "evidence counts", q, args, func(r *sql.Rows) error {
		var id, status string
		if err := r.Scan(&id, &status); err != nil {
			return err
		}
		e.Visits++
		if short[id] != "" {
			e.Short++
		}
		if short[id] != "" || status == "flagged" {
			e.FlaggedOrShort++
		}
		switch status {
		case "verified":
			e.Verified++
		case "flagged":
			e.Flagged++
		case "pending":
			e.Pending++
		default:
			e.Unchecked++
		}
		return nil
	})
	return e, err
}
