package records

import (
	"cmp"
	"slices"
	"time"

	"doorstep/schema/rules"
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

// Age bands of the elder list's filter.
const (
	Age60to69 = "60-69"
	Age70to79 = "70-79"
	Age70Plus = "70+" // home-based care eligibility
	Age80Plus = "80+"
)

// AgeBands lists the bands in the order the filter offers them.
var AgeBands = []string{Age60to69, Age70to79, Age70Plus, Age80Plus}

// ElderFilter narrows the elder list. The zero value keeps every elder.
type ElderFilter struct {
	// AgeBand keeps elders of one age band ("" for all).
	AgeBand string
	// Unpaired keeps elders with no volunteer pairing.
	Unpaired bool
	// Community keeps one community's elders ("" for all).
	Community string
}

// Apply returns the elders es the filter keeps, in order; ages are taken
// on today.
func (f ElderFilter) Apply(es []ElderSummary, today time.Time) []ElderSummary {
	out := make([]ElderSummary, 0, len(es))
	for _, e := range es {
		if f.Unpaired && e.PairingID != "" || f.Community != "" && e.CommunityID != f.Community {
			continue
		}
		if f.AgeBand != "" && !inBand(f.AgeBand, ElderAge(e, today)) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// ElderAge is the elder's age in whole years on today, -1 when the birth
// date is unknown.
func ElderAge(e ElderSummary, today time.Time) int {
	b, err := time.Parse("2006-01-02", e.BirthDate)
	if err != nil {
		return -1
	}
	return rules.Age(b, today)
}

func inBand(band string, age int) bool {
	switch band {
	case Age60to69:
		return age >= 60 && age < 70
	case Age70to79:
		return age >= 70 && age < 80
	case Age70Plus:
		return age >= 70
	case Age80Plus:
		return age >= 80
	}
	return false
}
