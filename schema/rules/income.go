package rules

import (
	"errors"

	"doorstep/schema/district"
)

// Sentinel errors of PerCapitaIncome.
var (
	// ErrNoCountedMembers: no member is counted, so there is nothing to divide by.
	ErrNoCountedMembers = errors.New("household has no counted members")
	// ErrUnknownMember: an income row names a member not in the household.
	ErrUnknownMember = errors.New("income row names an unknown member")
	// ErrNegativeIncome: an income row is negative (record a loss as 0).
	ErrNegativeIncome = errors.New("income is negative")
	// ErrIncomeKind: an income row has no kind.
	ErrIncomeKind = errors.New("income row has no kind")
)

// Message codes of PerCapitaIncome errors.
const (
	CodeNoCountedMembers Code = "income.no_counted_members"
	CodeUnknownMember    Code = "income.unknown_member"
	CodeNegativeIncome   Code = "income.negative"
	CodeIncomeKind       Code = "income.kind_missing"
)

// IncomeSummary is the result of the per-capita income rule. All money is
// monthly, in fen.
type IncomeSummary struct {
	// CountedIncomeFen is the income of counted members, excluded kinds left out.
	CountedIncomeFen int64
	// ExcludedIncomeFen is counted members' income of excluded kinds.
	ExcludedIncomeFen int64
	// UncountedMembersIncomeFen is the income of members who are not counted.
	UncountedMembersIncomeFen int64
	// CountedMembers is the number of counted members (at least 1).
	CountedMembers int
	// PerCapitaFen is CountedIncomeFen ÷ CountedMembers, rounded down to the
	// fen. Rounding down never makes the household look better off than it
	// is: it can only help an applicant whose income is a fraction of a fen
	// from the standard.
	PerCapitaFen int64
}

// PerCapitaIncome computes the household's per-capita monthly income: the
// income of counted members, without kinds the district excludes, divided by
// the number of counted members. Income of uncounted members is reported but
// not counted.
//
// Errors (each an *Error): ErrNoCountedMembers, ErrUnknownMember when a row's
// MemberID is not in members, ErrNegativeIncome, ErrIncomeKind.
func PerCapitaIncome(members []Member, rows []IncomeRow, cfg district.Config) (IncomeSummary, error) {
	counted := make(map[string]bool, len(members))
	var s IncomeSummary
	for _, m := range members {
		counted[m.ID] = m.Counted
		if m.Counted {
			s.CountedMembers++
		}
	}
	if s.CountedMembers == 0 {
		return IncomeSummary{}, newError(ErrNoCountedMembers, CodeNoCountedMembers)
	}
	for _, r := range rows {
		c, ok := counted[r.MemberID]
		switch {
		case !ok:
			return IncomeSummary{}, newError(ErrUnknownMember, CodeUnknownMember, lit(r.MemberID))
		case r.Kind == "":
			return IncomeSummary{}, newError(ErrIncomeKind, CodeIncomeKind, lit(r.MemberID))
		case r.MonthlyFen < 0:
			return IncomeSummary{}, newError(ErrNegativeIncome, CodeNegativeIncome, lit(r.MemberID), yuan(r.MonthlyFen))
		case !c:
			s.UncountedMembersIncomeFen += r.MonthlyFen
		case cfg.IncomeExcluded(r.Kind):
			s.ExcludedIncomeFen += r.MonthlyFen
		default:
			s.CountedIncomeFen += r.MonthlyFen
		}
	}
	s.PerCapitaFen = s.CountedIncomeFen / int64(s.CountedMembers)
	return s, nil
}
