package records

import (
	"slices"
	"sync"
	"testing"
	"time"
)

func ids(hs []HouseholdSummary) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.ID
	}
	return out
}

// TestHouseholdFilter: cancelled households are hidden unless asked for;
// status, class, community and re-check due narrow the list; the sorts
// order it with empty values last; filtering is safe concurrently.
func TestHouseholdFilter(t *testing.T) {
	today := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	hs := []HouseholdSummary{
		{ID: "a", Status: StatusActive, Class: "B", CommunityID: "c1", RecheckDue: "2025-07-20", CaseNo: "410802-2024-00002", Members: 2},
		{ID: "b", Status: StatusCancelled, Class: "B", CommunityID: "c1", CaseNo: "410802-2024-00001", Members: 4},
		{ID: "c", Status: StatusActive, Class: "C", CommunityID: "c2", RecheckDue: "2025-06-01", Members: 1},
		{ID: "d", Status: StatusApplicant, CommunityID: "c2", Members: 3},
		{ID: "e", Status: StatusSuspended, Class: "A", CommunityID: "c1", RecheckDue: "2026-01-01", CaseNo: "410802-2023-00009", Members: 5},
	}
	for _, tc := range []struct {
		name string
		f    HouseholdFilter
		want []string
	}{
		{"default hides cancelled", HouseholdFilter{}, []string{"a", "c", "d", "e"}},
		{"with cancelled", HouseholdFilter{WithCancelled: true}, []string{"a", "b", "c", "d", "e"}},
		{"cancelled only", HouseholdFilter{Status: StatusCancelled}, []string{"b"}},
		{"active", HouseholdFilter{Status: StatusActive}, []string{"a", "c"}},
		{"class B", HouseholdFilter{Class: "B"}, []string{"a"}},
		{"community c2", HouseholdFilter{Community: "c2"}, []string{"c", "d"}},
		{"re-check due in 30 days, overdue included", HouseholdFilter{RecheckWithin: 30}, []string{"a", "c"}},
		{"by re-check", HouseholdFilter{Sort: SortRecheck}, []string{"c", "a", "e", "d"}},
		{"by case number", HouseholdFilter{Sort: SortCaseNo, WithCancelled: true}, []string{"e", "b", "a", "c", "d"}},
		{"by size", HouseholdFilter{Sort: SortMembers}, []string{"e", "d", "a", "c"}},
	} {
		if got := ids(tc.f.Apply(hs, today)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	// The input is not reordered; concurrent use is safe.
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			HouseholdFilter{Sort: SortMembers}.Apply(hs, today)
		}()
	}
	wg.Wait()
	if got := ids(hs); !slices.Equal(got, []string{"a", "b", "c", "d", "e"}) {
		t.Errorf("input reordered: %v", got)
	}
}
