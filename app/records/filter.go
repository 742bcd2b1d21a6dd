package records

import (
	"cmp"
	"slices"
	"time"
)

// HouseholdFilter narrows and orders a household list, as the list's
// filter bar sets it. The zero value lists every household but the
// cancelled ones, in search order.
type HouseholdFilter struct {
	// Status keeps one status only ("" for all). Cancelled households are
	// listed only when Status is StatusCancelled or WithCancelled is set.
	Status        string
	WithCancelled bool
	// Class keeps one class (A, B, C; "" for all).
	Class string
	// RecheckWithin keeps households whose re-check is due within this
	// many days of today, overdue ones included (0: no such filter).
	RecheckWithin int
	// Community keeps one community's households ("" for all).
	Community string
	// Sort orders the list: SortSearch keeps the search order.
	Sort HouseholdSort
}

// HouseholdSort is an order of the household list.
type HouseholdSort string

// Orders of the household list.
const (
	SortSearch  HouseholdSort = ""
	SortRecheck HouseholdSort = "recheck" // soonest re-check first, none last
	SortCaseNo  HouseholdSort = "case_no" // by case number, none last
	SortMembers HouseholdSort = "members" // largest household first
)

// HouseholdSorts lists the orders in the order the filter bar offers them.
var HouseholdSorts = []HouseholdSort{SortSearch, SortRecheck, SortCaseNo, SortMembers}

// Apply returns the households of hs the filter keeps, in its order; today
// is the date re-checks are measured from.
func (f HouseholdFilter) Apply(hs []HouseholdSummary, today time.Time) []HouseholdSummary {
	limit := ""
	if f.RecheckWithin > 0 {
		limit = today.AddDate(0, 0, f.RecheckWithin).Format("2006-01-02")
	}
	out := make([]HouseholdSummary, 0, len(hs))
	for _, h := range hs {
		switch {
		case h.Status == StatusCancelled && !f.WithCancelled && f.Status != StatusCancelled:
		case f.Status != "" && h.Status != f.Status:
		case f.Class != "" && h.Class != f.Class:
		case f.Community != "" && h.CommunityID != f.Community:
		case limit != "" && (h.RecheckDue == "" || h.RecheckDue > limit):
		default:
			out = append(out, h)
		}
	}
	last := func(s string) string { // empty values sort last
		if s == "" {
			return "\uffff"
		}
		return s
	}
	switch f.Sort {
	case SortRecheck:
		slices.SortStableFunc(out, func(a, b HouseholdSummary) int { return cmp.Compare(last(a.RecheckDue), last(b.RecheckDue)) })
	case SortCaseNo:
		slices.SortStableFunc(out, func(a, b HouseholdSummary) int { return cmp.Compare(last(a.CaseNo), last(b.CaseNo)) })
	case SortMembers:
		slices.SortStableFunc(out, func(a, b HouseholdSummary) int { return cmp.Compare(b.Members, a.Members) })
	}
	return out
}
