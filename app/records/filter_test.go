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

// TestElderFilter: age bands (70+ is home-care age), unpaired elders and
// one community.
func TestElderFilter(t *testing.T) {
	today := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	es := []ElderSummary{
		{ID: "a", BirthDate: "1960-07-01", CommunityID: "c1", PairingID: "p1"}, // 65
		{ID: "b", BirthDate: "1955-07-02", CommunityID: "c1"},                  // 69, a day short of 70
		{ID: "c", BirthDate: "1955-07-01", CommunityID: "c2"},                  // 70
		{ID: "d", BirthDate: "1940-01-01", CommunityID: "c2", PairingID: "p2"}, // 85
		{ID: "e", CommunityID: "c1"},                                           // birth date unknown
	}
	eids := func(es []ElderSummary) []string {
		out := make([]string, len(es))
		for i, e := range es {
			out[i] = e.ID
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    ElderFilter
		want []string
	}{
		{"all", ElderFilter{}, []string{"a", "b", "c", "d", "e"}},
		{"60-69", ElderFilter{AgeBand: Age60to69}, []string{"a", "b"}},
		{"70+", ElderFilter{AgeBand: Age70Plus}, []string{"c", "d"}},
		{"70-79", ElderFilter{AgeBand: Age70to79}, []string{"c"}},
		{"80+", ElderFilter{AgeBand: Age80Plus}, []string{"d"}},
		{"unpaired", ElderFilter{Unpaired: true}, []string{"b", "c", "e"}},
		{"unpaired 70+ in c2", ElderFilter{Unpaired: true, AgeBand: Age70Plus, Community: "c2"}, []string{"c"}},
	} {
		if got := eids(tc.f.Apply(es, today)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if ElderAge(es[4], today) != -1 || ElderAge(es[1], today) != 69 {
		t.Error("ElderAge")
	}
}
