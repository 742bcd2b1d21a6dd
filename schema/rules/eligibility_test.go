package rules

import (
	"errors"
	"math"
	"slices"
	"testing"

	"doorstep/schema/district"
)

// okHousehold is a two-person urban household that passes every rule.
func okHousehold() Household {
	return Household{
		LocalHukou: true,
		Members:    counted("a", "b"),
		Income:     []IncomeRow{{"a", IncomeWages, 20000}}, // 100 yuan per person
		Assets: Assets{
			Vehicles:     []Vehicle{{Kind: VehicleMotorcycle}},
			Dwellings:    []Dwelling{{AreaM2: 60}},
			FinancialFen: 100000,
		},
	}
}

func codes(ms []Message) []Code {
	out := make([]Code, len(ms))
	for i, m := range ms {
		out[i] = m.Code
	}
	return out
}

func TestCheckEligibility(t *testing.T) {
	cfg := district.Default()
	// 24 months × 200 yuan = 4,800 yuan per person; 9,600 yuan for two.
	finLimit2 := int64(24 * 20000 * 2)
	tests := []struct {
		name   string
		mutate func(*Household)
		want   []Code
	}{
		{"OK", func(*Household) {}, nil},
		{"IncomeJustBelow", func(h *Household) { h.Income = []IncomeRow{{"a", IncomeWages, 39999}} }, nil},
		{"IncomeExactlyStandard", func(h *Household) { h.Income = []IncomeRow{{"a", IncomeWages, 40000}} },
			[]Code{CodeIncomeNotBelowStandard}},
		{"IncomeAbove", func(h *Household) { h.Income = []IncomeRow{{"a", IncomeWages, 42000}} },
			[]Code{CodeIncomeNotBelowStandard}},
		{"IncomeExcludedKindDoesNotCount", func(h *Household) {
			h.Income = append(h.Income, IncomeRow{"b", IncomeMartyrPension, 100000})
		}, nil},
		{"RuralStandard", func(h *Household) {
			h.Setting = district.SettingRural // 150 yuan; per capita 160
			h.Income = []IncomeRow{{"a", IncomeFarming, 32000}}
		}, []Code{CodeIncomeNotBelowStandard}},
		{"NonLocalHukou", func(h *Household) { h.LocalHukou = false }, []Code{CodeHukouNotLocal}},
		{"Car", func(h *Household) { h.Assets.Vehicles = append(h.Assets.Vehicles, Vehicle{Kind: VehicleCar}) },
			[]Code{CodeVehicle}},
		{"DisabilityCarAllowed", func(h *Household) {
			h.Assets.Vehicles = []Vehicle{{Kind: VehicleCar, DisabilityVehicle: true}}
		}, nil},
		{"TwoDwellings", func(h *Household) {
			h.Assets.Dwellings = []Dwelling{{AreaM2: 30}, {AreaM2: 20}}
		}, []Code{CodeDwellingCount}},
		{"AreaExactlyLimit", func(h *Household) { h.Assets.Dwellings = []Dwelling{{AreaM2: 80}} }, nil},
		{"AreaJustAbove", func(h *Household) { h.Assets.Dwellings = []Dwelling{{AreaM2: 80.01}} },
			[]Code{CodeDwellingArea}},
		{"AreaFloatNoise", func(h *Household) { h.Assets.Dwellings = []Dwelling{{AreaM2: 79.99 + 0.01}} }, nil},
		{"FinancialExactlyLimit", func(h *Household) { h.Assets.FinancialFen = finLimit2 }, nil},
		{"FinancialAbove", func(h *Household) { h.Assets.FinancialFen = finLimit2 + 1 },
			[]Code{CodeFinancialPerCapita}},
		{"BusinessEmploying", func(h *Household) {
			h.Assets.Businesses = []Business{{Registered: true, Employees: 2}}
		}, []Code{CodeBusinessEmploysOthers}},
		{"BusinessUnregistered", func(h *Household) {
			h.Assets.Businesses = []Business{{Registered: false, Employees: 2}}
		}, nil},
		{"BusinessSoleTrader", func(h *Household) {
			h.Assets.Businesses = []Business{{Registered: true}}
		}, nil},
		{"EverythingFailsInOrder", func(h *Household) {
			h.LocalHukou = false
			h.Income = []IncomeRow{{"a", IncomeWages, 99999}}
			h.Assets = Assets{
				Vehicles:     []Vehicle{{Kind: VehicleCar}, {Kind: VehicleCar}},
				Dwellings:    []Dwelling{{AreaM2: 100}, {AreaM2: 100}},
				FinancialFen: 10_000_000,
				Businesses:   []Business{{Registered: true, Employees: 1}},
			}
		}, []Code{CodeIncomeNotBelowStandard, CodeHukouNotLocal, CodeVehicle, CodeDwellingCount,
			CodeDwellingArea, CodeFinancialPerCapita, CodeBusinessEmploysOthers}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := okHousehold()
			tt.mutate(&h)
			got, err := CheckEligibility(h, cfg)
			if err != nil {
				t.Fatalf("error = %v", err)
			}
			if !slices.Equal(codes(got.Reasons), tt.want) {
				t.Errorf("reasons = %v, want %v", codes(got.Reasons), tt.want)
			}
			if got.Eligible != (len(tt.want) == 0) {
				t.Errorf("Eligible = %v with reasons %v", got.Eligible, tt.want)
			}
			for _, m := range got.Reasons {
				if m.Text("zh-CN") == "" || m.Text("en") == "" {
					t.Errorf("reason %v has empty text", m.Code)
				}
			}
		})
	}
}

func TestEligibilityMessages(t *testing.T) {
	cfg := district.Default()
	h := okHousehold()
	h.Members = counted("a")
	h.Income = []IncomeRow{{"a", IncomeWages, 21000}}
	h.Assets.Dwellings = []Dwelling{{AreaM2: 45.5}}
	h.Assets.FinancialFen = 480001
	got, err := CheckEligibility(h, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ zh, en string }{
		{"人均月收入 210.00 元，不低于保障标准 200.00 元", "Per-capita income ¥210.00 is not below the standard ¥200.00"},
		{"人均住房面积 45.5 平方米，超过上限 40 平方米", "Floor area per person, 45.5 m², is above the limit of 40 m²"},
		{"人均金融资产 4800.01 元，超过上限 4800.00 元", "Financial assets per person, ¥4800.01, are above the limit of ¥4800.00"},
	}
	if len(got.Reasons) != len(want) {
		t.Fatalf("reasons = %v", got.Reasons)
	}
	for i, w := range want {
		if g := got.Reasons[i].Text("zh-CN"); g != w.zh {
			t.Errorf("zh[%d] = %q, want %q", i, g, w.zh)
		}
		if g := got.Reasons[i].Text("en"); g != w.en {
			t.Errorf("en[%d] = %q, want %q", i, g, w.en)
		}
	}
}

func TestEligibilityConfigSwitches(t *testing.T) {
	h := okHousehold()
	h.LocalHukou = false
	h.Assets.Vehicles = []Vehicle{{Kind: VehicleCar}}
	h.Assets.Businesses = []Business{{Registered: true, Employees: 3}}
	h.Assets.FinancialFen = 24*20000 + 1 // above one person's limit, within two people's

	cfg := district.Default()
	cfg.Dibao.LocalHukouRequired = false
	cfg.Dibao.Assets.DisqualifyingVehicleKinds = nil
	cfg.Dibao.Assets.BusinessEmployingOthersDisqualifies = false
	got, err := CheckEligibility(h, cfg)
	if err != nil || !got.Eligible {
		t.Fatalf("relaxed config: %+v, %v; want eligible", got.Reasons, err)
	}

	cfg.Dibao.Assets.FinancialAssetsBasis = district.BasisHousehold
	got, _ = CheckEligibility(h, cfg)
	if !slices.Equal(codes(got.Reasons), []Code{CodeFinancialHousehold}) {
		t.Errorf("household basis: reasons %v", codes(got.Reasons))
	}
}

func TestCheckEligibilityErrors(t *testing.T) {
	cfg := district.Default()
	tests := []struct {
		name   string
		mutate func(*Household)
		want   error
	}{
		{"ErrNoCountedMembers", func(h *Household) { h.Members = nil; h.Income = nil }, ErrNoCountedMembers},
		{"ErrNegativeFinancial", func(h *Household) { h.Assets.FinancialFen = -1 }, ErrNegativeAsset},
		{"ErrNegativeArea", func(h *Household) { h.Assets.Dwellings = []Dwelling{{AreaM2: -1}} }, ErrNegativeAsset},
		{"ErrNaNArea", func(h *Household) { h.Assets.Dwellings = []Dwelling{{AreaM2: math.NaN()}} }, ErrNegativeAsset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := okHousehold()
			tt.mutate(&h)
			if _, err := CheckEligibility(h, cfg); !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
		})
	}
}
