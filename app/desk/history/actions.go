package history

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"doorstep/app/desk"
	"doorstep/schema"
	"doorstep/schema/rules"
)

// Suspend suspends (暂停) a household's benefit from day on for reason
// (one of schema.SuspendReasons), e.g. a spot check that found the
// household absent: nothing is paid for the months after the period in
// force turns suspended. Refusals are desk.ErrInvalid: date (missing or
// after today), suspend_reason, not_active (the household is not receiving
// 低保 on that day).
func Suspend(ctx context.Context, o *desk.Office, householdID string, on time.Time, reason, note string) (rules.Entitlement, error) {
	if err := checkDay(o, on); err != nil {
		return rules.Entitlement{}, err
	}
	if !slices.Contains(schema.SuspendReasons, reason) {
		return rules.Entitlement{}, desk.Invalid("suspend_reason", "suspend reason %q", reason)
	}
	rows, err := Periods(ctx, o, householdID)
	if err != nil {
		return rules.Entitlement{}, err
	}
	if e, ok := rules.InForce(rows, on, time.Time{}); !ok || e.Status != rules.EntitlementActive {
		return rules.Entitlement{}, desk.Invalid("not_active", "household %s is not receiving 低保 on %s", householdID, on.Format(desk.DateLayout))
	}
	return record(ctx, o, Decision{HouseholdID: householdID, Kind: rules.KindSuspend, From: on,
		Status: rules.EntitlementSuspended, Reason: reason, Note: strings.TrimSpace(note)})
}

// Resume resumes (恢复) a suspended benefit from day on, at the amounts of
// the last active period before the suspension. A note saying why (e.g.
// "re-check done, household found at home") is required. Refusals are
// desk.ErrInvalid: date, note_required, not_suspended.
func Resume(ctx context.Context, o *desk.Office, householdID string, on time.Time, note string) (rules.Entitlement, error) {
	if err := checkDay(o, on); err != nil {
		return rules.Entitlement{}, err
	}
	if strings.TrimSpace(note) == "" {
		return rules.Entitlement{}, desk.Invalid("note_required", "resuming needs a note")
	}
	rows, err := Periods(ctx, o, householdID)
	if err != nil {
		return rules.Entitlement{}, err
	}
	s, ok := rules.InForce(rows, on, time.Time{})
	if !ok || s.Status != rules.EntitlementSuspended {
		return rules.Entitlement{}, desk.Invalid("not_suspended", "household %s is not suspended on %s", householdID, on.Format(desk.DateLayout))
	}
	before, ok := rules.InForce(rows, s.From.AddDate(0, 0, -1), time.Time{})
	if !ok || before.Status != rules.EntitlementActive {
		return rules.Entitlement{}, desk.Invalid("not_suspended", "household %s has no benefit before its suspension", householdID)
	}
	return record(ctx, o, Decision{HouseholdID: householdID, Kind: rules.KindResume, From: on,
		Status: rules.EntitlementActive, BaseFen: before.BaseFen, TopUpFen: before.TopUpFen,
		Covered: before.Covered, Note: strings.TrimSpace(note)})
}

// Correct records a correction (更正) of the benefit from day from (and to
// until, when not zero): new amounts for the people covered, with a reason.
// The correction is a new decision dated today; months already closed are
// settled by back-payment or recovery lines on the next open roll.
// Refusals are desk.ErrInvalid: date, until, amount, note_required,
// not_active (not receiving 低保 on from, or suspended or cancelled
// within the range).
func Correct(ctx context.Context, o *desk.Office, householdID string, from, until time.Time, baseFen, topUpFen int64, covered int, reason string) (rules.Entitlement, error) {
	if err := checkDay(o, from); err != nil {
		return rules.Entitlement{}, err
	}
	if !until.IsZero() && until.Before(from) {
		return rules.Entitlement{}, desk.Invalid("until", "until %v before from %v", until, from)
	}
	if baseFen < 0 || topUpFen < 0 || covered <= 0 || baseFen+topUpFen == 0 {
		return rules.Entitlement{}, desk.Invalid("amount", "amount %d + %d for %d people", baseFen, topUpFen, covered)
	}
	if strings.TrimSpace(reason) == "" {
		return rules.Entitlement{}, desk.Invalid("note_required", "a correction needs its reason")
	}
	rows, err := Periods(ctx, o, householdID)
	if err != nil {
		return rules.Entitlement{}, err
	}
	if e, ok := rules.InForce(rows, from, time.Time{}); !ok || e.Status != rules.EntitlementActive {
		return rules.Entitlement{}, desk.Invalid("not_active", "household %s is not receiving 低保 on %s", householdID, from.Format(desk.DateLayout))
	}
	// A correction of amounts never undoes a suspension or cancellation
	// that starts inside its range: those are decisions of their own.
	for _, r := range rows {
		if r.Status != rules.EntitlementActive && !r.From.Before(from) && (until.IsZero() || !r.From.After(until)) {
			return rules.Entitlement{}, desk.Invalid("not_active", "household %s is %s from %s", householdID, r.Status, r.From.Format(desk.DateLayout))
		}
	}
	return record(ctx, o, Decision{HouseholdID: householdID, Kind: rules.KindCorrect, From: from, Until: until,
		Status: rules.EntitlementActive, BaseFen: baseFen, TopUpFen: topUpFen, Covered: covered,
		Reason: strings.TrimSpace(reason)})
}

// checkDay refuses a missing day or one after today.
func checkDay(o *desk.Office, on time.Time) error {
	if on.IsZero() || on.After(o.Today()) {
		return desk.Invalid("date", "date %v missing or after today", on)
	}
	return nil
}

// record appends d in its own transaction.
func record(ctx context.Context, o *desk.Office, d Decision) (rules.Entitlement, error) {
	tx, err := o.DB.BeginTx(ctx, nil)
	if err != nil {
		return rules.Entitlement{}, fmt.Errorf("record %s on %s: %w", d.Kind, d.HouseholdID, err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	e, err := Append(ctx, tx, o, d, nil)
	if err != nil {
		return rules.Entitlement{}, err
	}
	if err := tx.Commit(); err != nil {
		return rules.Entitlement{}, fmt.Errorf("record %s on %s: commit: %w", d.Kind, d.HouseholdID, err)
	}
	return e, nil
}
