package rules

import (
	"sort"
	"time"
)

// Entitlement statuses: what a period of the benefit history grants.
const (
	// EntitlementActive pays the period's amounts every month (在保).
	EntitlementActive = "active"
	// EntitlementSuspended pays nothing until a resumption (暂停).
	EntitlementSuspended = "suspended"
	// EntitlementCancelled ends the household's 低保 (取消).
	EntitlementCancelled = "cancelled"
)

// Decision kinds that append an entitlement period.
const (
	KindApprove   = "approve"   // first approval (纳入)
	KindReapprove = "reapprove" // approval after a cancellation (重新纳入)
	KindRecheck   = "recheck"   // re-check with a new amount or size (复核调整)
	KindSuspend   = "suspend"   // 暂停
	KindResume    = "resume"    // 恢复
	KindCancel    = "cancel"    // 取消
	KindCorrect   = "correct"   // a correction of an earlier decision (更正)
)

// Entitlement is one period of a household's benefit history: from From
// (and, when Until is set, to Until inclusive) the household has Status,
// paid BaseFen + TopUpFen a month for Covered people plus SubsidyFen of
// price subsidy, by the decision DecisionID of kind Kind made on DecidedOn.
// Periods are never edited; a later decision appends a new one.
type Entitlement struct {
	ID, HouseholdID, CommunityID string
	DecisionID, Kind             string
	// DecidedOn is the day the decision was made: a report "as known" on a
	// day sees only decisions made by then.
	DecidedOn time.Time
	// From is the first day the period applies; Until its last (zero: open).
	From, Until time.Time
	Status      string
	BaseFen     int64
	TopUpFen    int64
	SubsidyFen  int64
	Covered     int
	Reason      string
	// RecordedAt orders decisions made on the same day.
	RecordedAt time.Time
}

// BenefitFen is the monthly 低保金 (base and class top-ups).
func (e Entitlement) BenefitFen() int64 { return e.BaseFen + e.TopUpFen }

// Paid reports whether the period pays anything.
func (e Entitlement) Paid() bool { return e.Status == EntitlementActive }

// covers reports whether day lies in the period.
func (e Entitlement) covers(day time.Time) bool {
	return !day.Before(e.From) && (e.Until.IsZero() || !day.After(e.Until))
}

// DecidedAfter reports whether e was decided after o: by decision day,
// then the instant it was recorded, then id (so any two periods order the
// same way on every device).
func (e Entitlement) DecidedAfter(o Entitlement) bool {
	if !e.DecidedOn.Equal(o.DecidedOn) {
		return e.DecidedOn.After(o.DecidedOn)
	}
	if !e.RecordedAt.Equal(o.RecordedAt) {
		return e.RecordedAt.After(o.RecordedAt)
	}
	return e.ID > o.ID
}

// Known reports whether e was decided on or before day (a zero day knows
// every decision).
func (e Entitlement) Known(day time.Time) bool { return day.IsZero() || !e.DecidedOn.After(day) }

// InForce returns the period in force for one household on day, as known on
// known (zero: every decision recorded): among the periods decided by known
// whose From–Until contains day, the one decided last. A later decision
// thus overrides an earlier one from its own From, and a correction
// decided later but effective earlier overrides what it corrects. ok is
// false when no period applies (the household was never under 低保 then).
func InForce(rows []Entitlement, day, known time.Time) (e Entitlement, ok bool) {
	for _, r := range rows {
		if !r.Known(known) || !r.covers(day) {
			continue
		}
		if !ok || r.DecidedAfter(e) {
			e, ok = r, true
		}
	}
	return e, ok
}

// Under reports whether the household is under 低保 on day as known on
// known: the period in force is active or suspended (a suspended
// household stays on the register, unpaid).
func Under(rows []Entitlement, day, known time.Time) (Entitlement, bool) {
	e, ok := InForce(rows, day, known)
	return e, ok && (e.Status == EntitlementActive || e.Status == EntitlementSuspended)
}

// MonthStart returns the first day of t's month (midnight UTC).
func MonthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// PayDay returns the day whose period decides what month pays: the last
// day of the month before. A decision taking effect in a month changes
// the payment from the next month (payment from the month after approval).
func PayDay(month time.Time) time.Time { return MonthStart(month).AddDate(0, 0, -1) }

// Group splits periods by household, each household's periods in decision
// order (earliest decided first). The map's slices are new.
func Group(rows []Entitlement) map[string][]Entitlement {
	out := map[string][]Entitlement{}
	for _, r := range rows {
		out[r.HouseholdID] = append(out[r.HouseholdID], r)
	}
	for _, rs := range out {
		sort.Slice(rs, func(i, j int) bool { return rs[j].DecidedAfter(rs[i]) })
	}
	return out
}

// Current returns what a household's row shows: the period in force once
// every recorded decision has taken effect (on today or on the latest From,
// whichever is later), and the day its current spell under 低保 began (the
// From of the latest approval or re-approval; zero when never approved).
func Current(rows []Entitlement, today time.Time) (e Entitlement, approvedOn time.Time, ok bool) {
	day := today
	for _, r := range rows {
		if r.From.After(day) {
			day = r.From
		}
	}
	e, ok = InForce(rows, day, time.Time{})
	var last Entitlement
	found := false
	for _, r := range rows {
		if (r.Kind == KindApprove || r.Kind == KindReapprove) && (!found || r.DecidedAfter(last)) {
			last, found = r, true
		}
	}
	if found {
		approvedOn = last.From
	}
	return e, approvedOn, ok
}

// EventIn reports whether the household has a decision of one of kinds
// taking effect in [from, to], decided by known, and returns the latest
// decided such period (for its reason).
func EventIn(rows []Entitlement, from, to, known time.Time, kinds ...string) (Entitlement, bool) {
	var e Entitlement
	ok := false
	for _, r := range rows {
		if !r.Known(known) || r.From.Before(from) || r.From.After(to) {
			continue
		}
		for _, k := range kinds {
			if r.Kind == k && (!ok || r.DecidedAfter(e)) {
				e, ok = r, true
			}
		}
	}
	return e, ok
}
