package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"doorstep/schema/rules"
)

// PayeeAccount is where a household's benefit is paid, as a tablet shows
// it: the account number masked.
type PayeeAccount struct {
	Holder string
	Bank   string
	// Masked is the account number with all but its first four and last
	// four digits hidden ("6228 **** 8901").
	Masked string
	Since  string
}

// MaskAccount hides an account number's middle digits: the first four and
// the last four stay; anything of eight characters or fewer shows only
// its last two.
func MaskAccount(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	r := []rune(s)
	switch {
	case len(r) == 0:
		return ""
	case len(r) <= 8:
		return strings.Repeat("*", max(len(r)-2, 0)) + string(r[max(len(r)-2, 0):])
	}
	return string(r[:4]) + " **** " + string(r[len(r)-4:])
}

// PayeeAccount returns the latest payee account of a household, masked.
// Volunteers get ErrForbidden; a household outside me's communities, or
// without an account, gets ErrNotFound.
func (s *Store) PayeeAccount(ctx context.Context, me Identity, householdID string) (PayeeAccount, error) {
	if me.IsVolunteer() {
		return PayeeAccount{}, ErrForbidden
	}
	var a PayeeAccount
	var community, account string
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(community_id,''), coalesce(holder_name,''),
		coalesce(bank,''), coalesce(account,''), coalesce(since,'') FROM payee_accounts
		WHERE household_id = ? AND deleted = 0 ORDER BY since DESC, id DESC LIMIT 1`, householdID).
		Scan(&community, &a.Holder, &a.Bank, &account, &a.Since)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !me.InCommunity(community) {
		return PayeeAccount{}, ErrNotFound
	}
	if err != nil {
		return PayeeAccount{}, fmt.Errorf("read payee account of %s: %w", householdID, err)
	}
	a.Masked = MaskAccount(account)
	return a, nil
}

// BenefitPeriod is one period of a household's benefit history as the
// household screen lists it.
type BenefitPeriod struct {
	Kind, Status, Reason string
	DecidedOn, From      string
	Until                string // "" when open
	BenefitFen           int64  // base and class top-ups, a month
	Covered              int
}

// BenefitHistory returns a household's benefit history, latest decision
// first, and the period in force today. Volunteers get ErrForbidden; a
// household outside me's communities gets ErrNotFound.
func (s *Store) BenefitHistory(ctx context.Context, me Identity, householdID string) ([]BenefitPeriod, BenefitPeriod, error) {
	if me.IsVolunteer() {
		return nil, BenefitPeriod{}, ErrForbidden
	}
	var community string
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(community_id,'') FROM households WHERE id = ? AND deleted = 0`,
		householdID).Scan(&community)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !me.InCommunity(community) {
		return nil, BenefitPeriod{}, ErrNotFound
	}
	if err != nil {
		return nil, BenefitPeriod{}, fmt.Errorf("read household %s: %w", householdID, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, coalesce(kind,''), coalesce(status,''), coalesce(reason,''),
		coalesce(decided_on,''), coalesce(effective_from,''), coalesce(until,''), coalesce(base_fen,0),
		coalesce(topup_fen,0), coalesce(covered,0), coalesce(recorded_at,'')
		FROM entitlements WHERE household_id = ? AND deleted = 0`, householdID)
	if err != nil {
		return nil, BenefitPeriod{}, fmt.Errorf("read benefit history of %s: %w", householdID, err)
	}
	defer rows.Close()
	var es []rules.Entitlement
	byID := map[string]BenefitPeriod{}
	for rows.Next() {
		var e rules.Entitlement
		var p BenefitPeriod
		var recorded string
		if err := rows.Scan(&e.ID, &p.Kind, &p.Status, &p.Reason, &p.DecidedOn, &p.From, &p.Until,
			&e.BaseFen, &e.TopUpFen, &p.Covered, &recorded); err != nil {
			return nil, BenefitPeriod{}, fmt.Errorf("scan benefit history of %s: %w", householdID, err)
		}
		var err1, err2 error
		e.DecidedOn, err1 = time.Parse(DateLayout, p.DecidedOn)
		e.From, err2 = time.Parse(DateLayout, p.From)
		if err1 != nil || err2 != nil {
			continue
		}
		if p.Until != "" {
			e.Until, _ = time.Parse(DateLayout, p.Until)
		}
		e.RecordedAt, _ = time.Parse(time.RFC3339, recorded)
		e.Status = p.Status
		p.BenefitFen = e.BenefitFen()
		byID[e.ID] = p
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, BenefitPeriod{}, fmt.Errorf("read benefit history of %s: %w", householdID, err)
	}
	g := rules.Group(es)[""]
	out := make([]BenefitPeriod, 0, len(g))
	for i := len(g) - 1; i >= 0; i-- {
		out = append(out, byID[g[i].ID])
	}
	t := s.now()
	today := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	cur, ok := rules.InForce(es, today, time.Time{})
	if !ok {
		return out, BenefitPeriod{}, nil
	}
	return out, byID[cur.ID], nil
}
