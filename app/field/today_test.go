package field

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"

	"doorstep/app/records"
	"doorstep/schema"
)

func TestDemoWorkerTodayAndHouseholdSearch(t *testing.T) {
	x := newTestApp(t, "", nil)
	startDemo(t, x, schema.RoleWorker)
	// Today lists work for the demo worker.
	if x.Current() != "today" {
		t.Fatalf("first Screen %q, want Today", x.Current())
	}
	today := x.Visible().(*todayScreen)
	if len(today.items) == 0 {
		t.Fatal("Today is empty for the demo worker")
	}
	// Households: search by the pinyin initials of a head of household.
	test.Tap(button(t, x, "nav.households"))
	hs := x.Visible().(*householdsScreen)
	// The list leaves out cancelled households until asked for.
	listed := 0
	for _, h := range hs.index.Search("") {
		if h.Status != records.StatusCancelled {
			listed++
		}
	}
	if hs.index.Len() == 0 || len(hs.hits) != listed {
		t.Fatalf("household list shows %d of %d (%d not cancelled)", len(hs.hits), hs.index.Len(), listed)
	}
	target := hs.hits[len(hs.hits)/2]
	_, initials := records.PinyinKeys(target.HeadName)
	test.Type(hs.search, initials[0])
	i := slices.IndexFunc(hs.hits, func(h records.HouseholdSummary) bool { return h.ID == target.ID })
	if i < 0 {
		t.Fatalf("searching %q (initials of %s) did not find them", initials[0], target.HeadName)
	}
	if !onScreen(x, target.HeadName) && i == 0 {
		t.Fatalf("%s is first but not on screen", target.HeadName)
	}
	// Open the household: members, income and history are shown.
	hs.list.Select(i)
	if _, ok := x.Visible().(*householdScreen); !ok {
		t.Fatal("tapping a household did not open it")
	}
	for _, key := range []string{"household.members", "household.income", "household.assets", "household.visits"} {
		if !onScreen(x, tr(key)) {
			t.Errorf("household Screen lacks section %q", tr(key))
		}
	}
	if !onScreen(x, target.HeadName) {
		t.Errorf("household Screen does not name %s", target.HeadName)
	}
	x.Back()
	if x.Visible() != hs || hs.search.Text != initials[0] {
		t.Fatal("back did not return to the search as it was")
	}
}
