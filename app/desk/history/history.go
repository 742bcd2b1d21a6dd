package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"doorstep/app/desk"
	"doorstep/schema/rules"
)

// Decision is a decision that takes effect on a household's benefit: it
// appends one entitlement period.
type Decision struct {
	HouseholdID string
	// DecisionID names what decided it (a meeting decision, a review
	// event); empty means the period itself is the decision.
	DecisionID string
	Kind       string // rules.Kind…
	// DecidedOn is the day of the decision; zero means today.
	DecidedOn time.Time
	// From is the first day the period applies; Until its last (zero: open).
	From, Until time.Time
	Status      string // rules.Entitlement…
	BaseFen     int64
	TopUpFen    int64
	Covered     int
	Reason      string
	Note        string
}

// Append records d in tx as a new entitlement period and brings the
// household row's projection (status, approved_on, cancelled_on,
// cancel_reason, benefit_fen, covered_members) in line with the history,
// plus any extra household columns the caller sets (last_visit_id,
// recheck_due). The price subsidy is the district's per-person amount for
// the covered people of an active period. It returns the period stored.
func Append(ctx context.Context, tx *sql.Tx, o *desk.Office, d Decision, extra map[string]any) (rules.Entitlement, error) {
	var community string
	err := tx.QueryRowContext(ctx, `SELECT coalesce(community_id,'') FROM households WHERE id = ? AND deleted = 0`,
		d.HouseholdID).Scan(&community)
	if errors.Is(err, sql.ErrNoRows) {
		return rules.Entitlement{}, fmt.Errorf("record decision on %s: %w", d.HouseholdID, desk.ErrNotFound)
	}
	if err != nil {
		return rules.Entitlement{}, fmt.Errorf("record decision on %s: %w", d.HouseholdID, err)
	}
	if d.DecidedOn.IsZero() {
		d.DecidedOn = o.Today()
	}
	if d.Status != rules.EntitlementActive {
		d.BaseFen, d.TopUpFen, d.Covered = 0, 0, 0
	}
	e := rules.Entitlement{ID: o.ID(), HouseholdID: d.HouseholdID, CommunityID: community,
		DecisionID: d.DecisionID, Kind: d.Kind, DecidedOn: d.DecidedOn, From: d.From, Until: d.Until,
		Status: d.Status, BaseFen: d.BaseFen, TopUpFen: d.TopUpFen, Covered: d.Covered,
		SubsidyFen: int64(d.Covered) * o.Rules().Dibao.PriceSubsidyFen, Reason: d.Reason,
		RecordedAt: o.Clock().UTC().Truncate(time.Second)}
	if e.DecisionID == "" {
		e.DecisionID = e.ID
	}
	var until any
	if !e.Until.IsZero() {
		until = e.Until.Format(desk.DateLayout)
	}
	err = desk.Insert(ctx, tx, "entitlements", e.ID, map[string]any{
		"household_id": e.HouseholdID, "community_id": e.CommunityID, "decision_id": e.DecisionID,
		"kind": e.Kind, "decided_on": e.DecidedOn.Format(desk.DateLayout),
		"effective_from": e.From.Format(desk.DateLayout), "until": until, "status": e.Status,
		"base_fen": e.BaseFen, "topup_fen": e.TopUpFen, "covered": e.Covered, "subsidy_fen": e.SubsidyFen,
		"reason": e.Reason, "note": d.Note, "recorded_by": o.Me,
		"recorded_at": e.RecordedAt.Format(time.RFC3339),
	})
	if err != nil {
		return rules.Entitlement{}, fmt.Errorf("record decision on %s: %w", d.HouseholdID, err)
	}
	if err := project(ctx, tx, o, d.HouseholdID, extra); err != nil {
		return rules.Entitlement{}, err
	}
	return e, nil
}

// project writes the household row's derived columns from its history.
func project(ctx context.Context, tx *sql.Tx, o *desk.Office, householdID string, extra map[string]any) error {
	rows, err := load(ctx, tx, `e.household_id = ?`, []any{householdID})
	if err != nil {
		return err
	}
	values := map[string]any{}
	for k, v := range extra {
		values[k] = v
	}
	for k, v := range Projection(rows[householdID], o.Today()) {
		values[k] = v
	}
	if len(values) == 0 {
		return nil
	}
	if err := desk.Update(ctx, tx, "households", householdID, values); err != nil {
		return fmt.Errorf("project history of %s: %w", householdID, err)
	}
	return nil
}

// Projection returns the household columns a history implies (none for an
// empty history): status, approved_on, cancelled_on, cancel_reason,
// benefit_fen and covered_members once every recorded decision has taken
// effect (rules.Current).
func Projection(rows []rules.Entitlement, today time.Time) map[string]any {
	e, approved, ok := rules.Current(rows, today)
	if !ok {
		return nil
	}
	v := map[string]any{"status": e.Status, "benefit_fen": e.BenefitFen(), "covered_members": e.Covered,
		"cancelled_on": nil, "cancel_reason": nil, "approved_on": nil}
	if !approved.IsZero() {
		v["approved_on"] = approved.Format(desk.DateLayout)
	}
	if e.Status == rules.EntitlementCancelled {
		v["cancelled_on"], v["cancel_reason"] = e.From.Format(desk.DateLayout), e.Reason
	}
	return v
}

// Reproject rewrites a household row's projection from its history, e.g.
// after a sync brought periods recorded on another device.
func Reproject(ctx context.Context, o *desk.Office, householdID string) error {
	tx, err := o.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("reproject %s: %w", householdID, err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	if err := project(ctx, tx, o, householdID, nil); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("reproject %s: commit: %w", householdID, err)
	}
	return nil
}

// querier is an *sql.DB or *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// entitlementCols reads a period (alias e).
const entitlementCols = `e.id, coalesce(e.household_id,''), coalesce(e.community_id,''),
	coalesce(e.decision_id,''), coalesce(e.kind,''), coalesce(e.decided_on,''),
	coalesce(e.effective_from,''), coalesce(e.until,''), coalesce(e.status,''),
	coalesce(e.base_fen,0), coalesce(e.topup_fen,0), coalesce(e.covered,0),
	coalesce(e.subsidy_fen,0), coalesce(e.reason,''), coalesce(e.recorded_at,'')`

// load reads the periods matching cond (over alias e), grouped by household
// in decision order. Periods with a malformed date are skipped: they
// cannot be placed in time.
func load(ctx context.Context, q querier, cond string, args []any) (map[string][]rules.Entitlement, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+entitlementCols+` FROM entitlements e
		WHERE e.deleted = 0 AND `+cond, args...)
	if err != nil {
		return nil, fmt.Errorf("query entitlements: %w", err)
	}
	defer rows.Close()
	var all []rules.Entitlement
	for rows.Next() {
		var e rules.Entitlement
		var decided, from, until, recorded string
		if err := rows.Scan(&e.ID, &e.HouseholdID, &e.CommunityID, &e.DecisionID, &e.Kind, &decided,
			&from, &until, &e.Status, &e.BaseFen, &e.TopUpFen, &e.Covered, &e.SubsidyFen, &e.Reason,
			&recorded); err != nil {
			return nil, fmt.Errorf("scan entitlements: %w", err)
		}
		var err1, err2 error
		e.DecidedOn, err1 = desk.ParseDate(decided)
		e.From, err2 = desk.ParseDate(from)
		if err1 != nil || err2 != nil {
			continue
		}
		if until != "" {
			e.Until, _ = desk.ParseDate(until)
		}
		e.RecordedAt, _ = desk.ParseInstant(recorded)
		all = append(all, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read entitlements: %w", err)
	}
	return rules.Group(all), nil
}

// Load returns the benefit history of every household in the area (and the
// office's street), grouped by household in decision order.
func Load(ctx context.Context, o *desk.Office, a desk.Area) (map[string][]rules.Entitlement, error) {
	cond, args := o.Filter("e.community_id", a)
	return load(ctx, o.DB, `1`+cond, args)
}

// Periods returns one household's history in decision order.
func Periods(ctx context.Context, o *desk.Office, householdID string) ([]rules.Entitlement, error) {
	m, err := load(ctx, o.DB, `e.household_id = ?`, []any{householdID})
	if err != nil {
		return nil, err
	}
	return m[householdID], nil
}
