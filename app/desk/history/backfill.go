package history

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"doorstep/app/desk"
	"doorstep/schema/rules"
)

// Backfill gives every household of the office's area that has a status
// but no benefit history (rows recorded before the history existed) the
// periods its row implies: an approval from approved_on at its benefit
// and members; a cancellation from cancelled_on; a suspension from today
// (the day it began is not known). The periods' ids derive from the
// household, so two devices backfilling the same household write the same
// rows. It returns how many households it filled. The household rows are
// left as they are. A cancelled or suspended row no longer holds the
// amount it was paid, so its backfilled approval pays nothing: reports of
// months before the upgrade count such a household but not its money.
func Backfill(ctx context.Context, o *desk.Office) (int, error) {
	type legacy struct {
		id, community, status, approved, cancelled, reason string
		benefit, covered                                   int64
	}
	var hs []legacy
	cond, args := o.Filter("h.community_id", desk.Area{})
	err := desk.Query(ctx, o.DB, "households without history", `SELECT h.id, coalesce(h.community_id,''),
		coalesce(h.status,''), coalesce(h.approved_on,''), coalesce(h.cancelled_on,''), coalesce(h.cancel_reason,''),
		coalesce(h.benefit_fen,0), coalesce(h.covered_members,0) FROM households h
		WHERE h.deleted = 0 AND h.status IN ('active','suspended','cancelled') AND coalesce(h.approved_on,'') <> ''
		AND NOT EXISTS (SELECT 1 FROM entitlements e WHERE e.household_id = h.id AND e.deleted = 0)`+cond,
		args, func(r *sql.Rows) error {
			var l legacy
			if err := r.Scan(&l.id, &l.community, &l.status, &l.approved, &l.cancelled, &l.reason, &l.benefit, &l.covered); err != nil {
				return err
			}
			hs = append(hs, l)
			return nil
		})
	if err != nil {
		return 0, err
	}
	subsidy := o.Rules().Dibao.PriceSubsidyFen
	tx, err := o.DB.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("backfill history: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	n := 0
	for _, h := range hs {
		approved, err := desk.ParseDate(h.approved)
		if err != nil {
			continue
		}
		periods := []backfilled{{rules.KindApprove, rules.EntitlementActive, "", approved}}
		switch h.status {
		case "cancelled":
			if c, err := desk.ParseDate(h.cancelled); err == nil {
				periods = append(periods, backfilled{rules.KindCancel, rules.EntitlementCancelled, h.reason, c})
			}
		case "suspended":
			periods = append(periods, backfilled{rules.KindSuspend, rules.EntitlementSuspended, "other", o.Today()})
		}
		for i, p := range periods {
			id := rules.StableID(p.from, "doorstep/backfill/"+h.id+"/"+p.kind)
			v := map[string]any{"household_id": h.id, "community_id": h.community, "decision_id": id,
				"kind": p.kind, "decided_on": p.from.Format(desk.DateLayout),
				"effective_from": p.from.Format(desk.DateLayout), "status": p.status, "base_fen": 0,
				"topup_fen": 0, "covered": 0, "subsidy_fen": 0, "reason": p.reason,
				"note": "backfilled from the household row", "recorded_by": o.Me,
				"recorded_at": p.from.Add(time.Duration(i) * time.Second).Format(time.RFC3339)}
			if p.status == rules.EntitlementActive {
				v["base_fen"], v["covered"], v["subsidy_fen"] = h.benefit, h.covered, h.covered*subsidy
			}
			if err := desk.Insert(ctx, tx, "entitlements", id, v); err != nil {
				return 0, fmt.Errorf("backfill history of %s: %w", h.id, err)
			}
		}
		n++
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("backfill history: commit: %w", err)
	}
	return n, nil
}

// backfilled is one period Backfill derives from a household row.
type backfilled struct {
	kind, status, reason string
	from                 time.Time
}
