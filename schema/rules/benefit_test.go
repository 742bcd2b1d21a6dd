package rules

import (
	"errors"
	"slices"
	"testing"
	"time"

	"doorstep/schema/district"
)

// noTopUps returns the default config with every top-up zero.
func noTopUps() district.Config {
	cfg := district.Default()
	cfg.Dibao.TopUps.ElderFen = 0
	cfg.Dibao.TopUps.OldElderFen = 0
	cfg.Dibao.TopUps.MinorFen = 0
	cfg.Dibao.TopUps.DisabledFen = 0
	cfg.Dibao.TopUps.SeriousIllnessFen = 0
	return cfg
}

func TestMonthlyBenefitDifference(t *testing.T) {
	cfg := noTopUps()
	tests := []struct {
		name        string
		members     []Member
		income      []IncomeRow
		setting     district.Setting
		wantBase    int64
		wantCovered int
		wantSubsidy int64
	}{
		{"NoIncomeThree", counted("a", "b", "c"), nil, "", 60000, 3, 4500},
		{"HalfStandard", counted("a", "b"), []IncomeRow{{"a", IncomeWages, 20000}}, "", 20000, 2, 3000},
		{"OneFenBelow", counted("a"), []IncomeRow{{"a", IncomeWages, 19999}}, "", 1, 1, 1500},
		{"ExactlyStandard", counted("a"), []IncomeRow{{"a", IncomeWages, 20000}}, "", 0, 0, 0},
		{"Above", counted("a"), []IncomeRow{{"a", IncomeWages, 50000}}, "", 0, 0, 0},
		{"Rural", counted("a", "b"), nil, district.SettingRural, 30000, 2, 3000},
		{"UncountedNotCovered", append(counted("a"), Member{ID: "p"}), nil, "", 20000, 1, 1500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := Household{Setting: tt.setting, Members: tt.members, Income: tt.income}
			got, err := MonthlyBenefit(h, refDate, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got.BaseFen != tt.wantBase || got.CoveredMembers != tt.wantCovered || got.PriceSubsidyFen != tt.wantSubsidy {
				t.Errorf("base %d covered %d subsidy %d, want %d %d %d",
					got.BaseFen, got.CoveredMembers, got.PriceSubsidyFen, tt.wantBase, tt.wantCovered, tt.wantSubsidy)
			}
			if got.TotalFen != got.BaseFen+got.TopUpFen || got.TotalFen < 0 {
				t.Errorf("TotalFen %d inconsistent", got.TotalFen)
			}
		})
	}
}

func TestMonthlyBenefitBanded(t *testing.T) {
	cfg := noTopUps()
	cfg.Dibao.Benefit.Method = district.MethodBanded
	tests := []struct {
		perCapitaIncome int64 // one-person household
		want            int64
	}{
		{0, 17500}, {4999, 17500}, {5000, 12500}, {10000, 7500}, {19999, 2500}, {20000, 0},
	}
	for _, tt := range tests {
		h := Household{Members: counted("a"), Income: []IncomeRow{{"a", IncomeWages, tt.perCapitaIncome}}}
		got, err := MonthlyBenefit(h, refDate, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got.BaseFen != tt.want || got.Method != district.MethodBanded {
			t.Errorf("per capita %d: base %d (%s), want %d", tt.perCapitaIncome, got.BaseFen, got.Method, tt.want)
		}
	}
	// A band table that stops short of the standard pays nothing above it.
	cfg.Dibao.Benefit.Bands = cfg.Dibao.Benefit.Bands[:2]
	h := Household{Members: counted("a", "b"), Income: []IncomeRow{{"a", IncomeWages, 24000}}}
	got, _ := MonthlyBenefit(h, refDate, cfg)
	if got.BaseFen != 0 || got.CoveredMembers != 2 {
		t.Errorf("beyond bands: base %d covered %d", got.BaseFen, got.CoveredMembers)
	}
}

func TestMonthlyBenefitTopUps(t *testing.T) {
	cfg := district.Default() // elder 5, old elder 10, minor 10, disabled 15, illness 15 yuan
	members := []Member{
		{ID: "old", Counted: true, Birth: date(1955, 6, 30)},                         // 70 on refDate: old elder
		{ID: "elder", Counted: true, Birth: date(1955, 7, 1), Disabled: true},        // 69: elder + disabled
		{ID: "kid", Counted: true, Birth: date(2007, 7, 1)},                          // 17: minor
		{ID: "adult", Counted: true, Birth: date(2007, 6, 30), SeriousIllness: true}, // 18 today
		{ID: "unknown", Counted: true},
		{ID: "away", Counted: false, Birth: date(1930, 1, 1)},
	}
	h := Household{Members: members}
	got, err := MonthlyBenefit(h, refDate, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := []TopUp{
		{"old", CodeTopUpOldElder, 1000},
		{"elder", CodeTopUpElder, 500},
		{"elder", CodeTopUpDisabled, 1500},
		{"kid", CodeTopUpMinor, 1000},
		{"adult", CodeTopUpSeriousIllness, 1500},
	}
	if !slices.Equal(got.TopUps, want) {
		t.Errorf("top-ups\n got %+v\nwant %+v", got.TopUps, want)
	}
	if got.TopUpFen != 5500 || got.BaseFen != 100000 || got.TotalFen != 105500 || got.PriceSubsidyFen != 7500 {
		t.Errorf("top-up %d base %d total %d subsidy %d", got.TopUpFen, got.BaseFen, got.TotalFen, got.PriceSubsidyFen)
	}

	cfg.Dibao.TopUps.Combine = district.CombineMax
	got, _ = MonthlyBenefit(h, refDate, cfg)
	if got.TopUpFen != 5000 { // elder keeps only the 15-yuan disability top-up
		t.Errorf("max combine: top-up %d, want 5000: %+v", got.TopUpFen, got.TopUps)
	}

	// No top-ups at all when income is not below the standard.
	h.Income = []IncomeRow{{"adult", IncomeWages, 20000 * 5}}
	got, _ = MonthlyBenefit(h, refDate, cfg)
	if got.TotalFen != 0 || len(got.TopUps) != 0 || got.PriceSubsidyFen != 0 {
		t.Errorf("ineligible: %+v", got)
	}
}

func TestMonthlyBenefitErrors(t *testing.T) {
	_, err := MonthlyBenefit(Household{}, time.Time{}, district.Default())
	if !errors.Is(err, ErrNoCountedMembers) {
		t.Fatalf("error = %v", err)
	}
}

func TestPriceSubsidy(t *testing.T) {
	cfg := district.Default()
	tests := []struct {
		members []Member
		want    int64
	}{
		{nil, 0},
		{counted("a"), 1500},
		{counted("a", "b", "c"), 4500},
		{append(counted("a", "b"), Member{ID: "p"}), 3000},
	}
	for _, tt := range tests {
		if got := PriceSubsidy(tt.members, cfg); got != tt.want {
			t.Errorf("PriceSubsidy(%d members) = %d, want %d", len(tt.members), got, tt.want)
		}
	}
	// The report: 6,708 people × 15 yuan.
	if got := int64(6708) * cfg.Dibao.PriceSubsidyFen; FormatYuan(got) != "100620.00" {
		t.Errorf("report figure: %s", FormatYuan(got))
	}
}
