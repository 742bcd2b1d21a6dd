package rules

import (
	"slices"
	"testing"

	"doorstep/schema/district"
)

func TestHomeCareEligible(t *testing.T) {
	cfg := district.Default()
	tests := []struct {
		age  int
		want bool
	}{{60, false}, {69, false}, {70, true}, {95, true}}
	for _, tt := range tests {
		if got := HomeCareEligible(tt.age, cfg); got != tt.want {
			t.Errorf("HomeCareEligible(%d) = %v, want %v", tt.age, got, tt.want)
		}
	}
	// Born 1955-06-30: 70 on the birthday, 69 the day before.
	birth := date(1955, 6, 30)
	if HomeCareEligible(Age(birth, date(2025, 6, 29)), cfg) {
		t.Error("eligible the day before the 70th birthday")
	}
	if !HomeCareEligible(Age(birth, date(2025, 6, 30)), cfg) {
		t.Error("not eligible on the 70th birthday")
	}
}

func TestIncomeBandOf(t *testing.T) {
	cfg := district.Default()
	tests := []struct {
		fen  int64
		want IncomeBand
	}{
		{0, IncomeNone}, {-1, IncomeNone}, {1, IncomeBelow}, {49999, IncomeBelow},
		{50000, IncomeAtOrAbove}, {50001, IncomeAtOrAbove},
	}
	for _, tt := range tests {
		if got := IncomeBandOf(tt.fen, cfg); got != tt.want {
			t.Errorf("IncomeBandOf(%d) = %s, want %s", tt.fen, got, tt.want)
		}
	}
	if got := IncomeBelow.Label(cfg).Text(""); got != "月收入低于 500.00 元" {
		t.Errorf("label %q", got)
	}
	if got := IncomeAtOrAbove.Label(cfg).Text("en"); got != "Monthly income ¥500.00 or more" {
		t.Errorf("label %q", got)
	}
	if got := IncomeBand("x").Label(cfg); got.Code != "" {
		t.Errorf("unknown band label %+v", got)
	}
}

func TestMonetaryCareGroups(t *testing.T) {
	cfg := district.Default()
	tests := []struct {
		name        string
		age         int
		income      IncomeBand
		singleChild bool
		reported    CareGroup
		matched     []CareGroup
	}{
		{"Group1", 70, IncomeNone, false, 1, []CareGroup{1}},
		{"Group1TooYoung", 69, IncomeNone, false, 0, nil},
		{"Group2", 75, IncomeBelow, false, 2, []CareGroup{2}},
		{"Income500IsNotGroup2", 75, IncomeBandOf(50000, cfg), false, 0, nil},
		{"Income499IsGroup2", 75, IncomeBandOf(49999, cfg), false, 2, []CareGroup{2}},
		{"Group3", 60, IncomeAtOrAbove, true, 3, []CareGroup{3}},
		{"Group3TooYoung", 59, IncomeNone, true, 0, nil},
		{"Group3Under70NoIncome", 65, IncomeNone, true, 3, []CareGroup{3}},
		{"Overlap1And3", 80, IncomeNone, true, 1, []CareGroup{1, 3}},
		{"Overlap2And3", 80, IncomeBelow, true, 2, []CareGroup{2, 3}},
		{"None", 80, IncomeAtOrAbove, false, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MonetaryCareGroups(tt.age, tt.income, tt.singleChild, cfg)
			if got.Reported != tt.reported || !slices.Equal(got.Matched, tt.matched) {
				t.Errorf("got %d %v, want %d %v", got.Reported, got.Matched, tt.reported, tt.matched)
			}
			if slices.Contains(got.Matched, 1) && slices.Contains(got.Matched, 2) {
				t.Error("groups 1 and 2 both matched")
			}
		})
	}

	cfg.ElderCare.GroupPriority = []int{3, 1, 2}
	got := MonetaryCareGroups(80, IncomeNone, true, cfg)
	if got.Reported != 3 || !slices.Equal(got.Matched, []CareGroup{1, 3}) {
		t.Errorf("priority 3 first: got %+v", got)
	}
	if CareGroup(0).Code() != "" || CareGroup(2).Code() != CodeCareGroup2 {
		t.Error("CareGroup.Code")
	}
}
