package rules

import (
	"errors"
	"slices"
	"testing"
)

func fullAbility() Ability {
	s := map[string]int{}
	for _, it := range AbilityItems() {
		s[it.Key] = it.Max
	}
	return Ability{Scores: s}
}

// abilityWithTotal lowers items from the end until the total is reached.
func abilityWithTotal(t *testing.T, total int) Ability {
	t.Helper()
	a := fullAbility()
	drop := 90 - total
	items := AbilityItems()
	for i := len(items) - 1; i >= 0 && drop > 0; i-- {
		d := min(drop, items[i].Max)
		a.Scores[items[i].Key] -= d
		drop -= d
	}
	return a
}

func TestAbilityItems(t *testing.T) {
	items := AbilityItems()
	if len(items) != 26 {
		t.Fatalf("%d items, want 26", len(items))
	}
	perDomain := map[Code]int{}
	count := map[Code]int{}
	keys := map[string]bool{}
	for _, it := range items {
		perDomain[it.Domain] += it.Max
		count[it.Domain]++
		if keys[it.Key] {
			t.Errorf("duplicate key %q", it.Key)
		}
		keys[it.Key] = true
	}
	want := map[Code][2]int{
		DomainSelfCare: {8, 32}, DomainMotor: {4, 15}, DomainMental: {9, 28}, DomainPerception: {5, 15},
	}
	for d, w := range want {
		if count[d] != w[0] || perDomain[d] != w[1] {
			t.Errorf("%s: %d items max %d, want %d items max %d", d, count[d], perDomain[d], w[0], w[1])
		}
	}
}

func TestAbilityLevelOf(t *testing.T) {
	tests := []struct {
		total int
		want  Code
	}{
		{90, LevelIntact}, {89, LevelMild}, {66, LevelMild}, {65, LevelModerate}, {46, LevelModerate},
		{45, LevelSevere}, {30, LevelSevere}, {29, LevelComplete}, {0, LevelComplete},
	}
	for _, tt := range tests {
		if got := AbilityLevelOf(tt.total); got != tt.want {
			t.Errorf("AbilityLevelOf(%d) = %s, want %s", tt.total, got, tt.want)
		}
	}
}

func TestAbilityAssess(t *testing.T) {
	tests := []struct {
		name        string
		total       int
		coma        bool
		dementia    bool
		risk        int
		preliminary Code
		level       Code
		adjust      []Code
	}{
		{"Intact", 90, false, false, 0, LevelIntact, LevelIntact, nil},
		{"Mild", 70, false, false, 1, LevelMild, LevelMild, nil},
		{"DementiaRaises", 90, false, true, 0, LevelIntact, LevelMild, []Code{AdjustDementia}},
		{"RiskEventsRaise", 66, false, false, 2, LevelMild, LevelModerate, []Code{AdjustRiskEvents}},
		{"OneRiskEventNoChange", 66, false, false, 1, LevelMild, LevelMild, nil},
		{"BothRaiseOnce", 46, false, true, 3, LevelModerate, LevelSevere, []Code{AdjustDementia, AdjustRiskEvents}},
		{"SevereToComplete", 30, false, true, 0, LevelSevere, LevelComplete, []Code{AdjustDementia}},
		{"CappedAtComplete", 10, false, true, 5, LevelComplete, LevelComplete,
			[]Code{AdjustDementia, AdjustRiskEvents, AdjustCappedAtWorst}},
		{"ComaDirect", 80, true, false, 0, LevelMild, LevelComplete, []Code{AdjustComa}},
		{"ComaOverridesOthers", 50, true, true, 4, LevelModerate, LevelComplete, []Code{AdjustComa}},
		{"ComaAlreadyComplete", 0, true, false, 0, LevelComplete, LevelComplete, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := abilityWithTotal(t, tt.total)
			a.Coma, a.DementiaOrMentalDisorder, a.RiskEvents30d = tt.coma, tt.dementia, tt.risk
			r, err := a.Assess()
			if err != nil {
				t.Fatal(err)
			}
			if r.Total != tt.total || r.Preliminary != tt.preliminary || r.Level != tt.level || !slices.Equal(r.Adjustments, tt.adjust) {
				t.Errorf("got total %d %s → %s %v\nwant total %d %s → %s %v",
					r.Total, r.Preliminary, r.Level, r.Adjustments, tt.total, tt.preliminary, tt.level, tt.adjust)
			}
			sum := 0
			for _, v := range r.Domains {
				sum += v
			}
			if sum != r.Total {
				t.Errorf("domains %v sum to %d, total %d", r.Domains, sum, r.Total)
			}
		})
	}
}

func TestAbilityValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Ability)
		want   error
	}{
		{"StairsFour", func(a *Ability) { a.Scores["stairs"] = 4 }, ErrAbilityValue},
		{"AggressionTwo", func(a *Ability) { a.Scores["aggression"] = 2 }, ErrAbilityValue},
		{"VisionThree", func(a *Ability) { a.Scores["vision"] = 3 }, ErrAbilityValue},
		{"Negative", func(a *Ability) { a.Scores["memory"] = -1 }, ErrAbilityValue},
		{"Missing", func(a *Ability) { delete(a.Scores, "social") }, ErrAbilityMissing},
		{"NilScores", func(a *Ability) { a.Scores = nil }, ErrAbilityMissing},
		{"Unknown", func(a *Ability) { a.Scores["katz"] = 1 }, ErrAbilityItem},
		{"NegativeRisk", func(a *Ability) { a.RiskEvents30d = -1 }, ErrRiskEvents},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := fullAbility()
			tt.mutate(&a)
			if _, err := a.Assess(); !errors.Is(err, tt.want) {
				t.Fatalf("Assess() error = %v, want %v", err, tt.want)
			}
		})
	}
	a := fullAbility()
	a.Scores["stairs"] = 4
	m, _ := MessageOf(a.Validate())
	if got, want := m.Text("zh-CN"), "“上下楼梯”得分 4 超出范围 0–3"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
}
