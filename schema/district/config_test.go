package district

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestDefault(t *testing.T) {
	c := Default()
	if err := c.Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"region code", c.Region.Code, "410802"},
		{"setting", c.Region.Setting, SettingUrban},
		{"urban standard", c.Dibao.StandardUrbanFen, int64(20000)},
		{"price subsidy", c.Dibao.PriceSubsidyFen, int64(1500)},
		{"method", c.Dibao.Benefit.Method, MethodDifference},
		{"max dwellings", c.Dibao.Assets.MaxDwellings, 1},
		{"notice days", c.Process.PublicNoticeDays, 7},
		{"spot-check rate", c.Process.SpotCheckRatePercent, 30},
		{"home care age", c.ElderCare.HomeCareMinAge, 70},
		{"group2 income", c.ElderCare.Group2IncomeBelowFen, int64(50000)},
		{"barthel default", c.Barthel.DefaultVersion, "common-2010"},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s: got %v, want %v", ck.name, ck.got, ck.want)
		}
	}
	for _, kind := range []string{"martyr_pension", "scholarship", "one_child_reward", "bravery_reward", "temporary_relief"} {
		if !c.IncomeExcluded(kind) {
			t.Errorf("IncomeExcluded(%q) = false, want true", kind)
		}
	}
	if c.IncomeExcluded("wages") {
		t.Error(`IncomeExcluded("wages") = true, want false`)
	}
}

func TestDefaultIsIndependentCopy(t *testing.T) {
	a := Default()
	a.Dibao.ExcludedIncomeKinds[0] = "changed"
	if b := Default(); b.Dibao.ExcludedIncomeKinds[0] == "changed" {
		t.Fatal("Default shares slices between calls")
	}
}

func TestStandardFen(t *testing.T) {
	c := Default()
	tests := []struct {
		s    Setting
		want int64
	}{
		{SettingUrban, c.Dibao.StandardUrbanFen},
		{SettingRural, c.Dibao.StandardRuralFen},
		{"", c.Dibao.StandardUrbanFen},
	}
	for _, tt := range tests {
		if got := c.StandardFen(tt.s); got != tt.want {
			t.Errorf("StandardFen(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
	c.Region.Setting = SettingRural
	if got := c.StandardFen(""); got != c.Dibao.StandardRuralFen {
		t.Errorf("rural district StandardFen(\"\") = %d, want %d", got, c.Dibao.StandardRuralFen)
	}
}

func TestBarthelVersion(t *testing.T) {
	c := Default()
	if v, ok := c.BarthelVersion(""); !ok || v.Key != "common-2010" {
		t.Errorf(`BarthelVersion("") = %q, %v; want common-2010, true`, v.Key, ok)
	}
	if v, ok := c.BarthelVersion("mzt039-2013"); !ok || len(v.Bands) != 4 {
		t.Errorf("BarthelVersion(mzt039-2013) = %+v, %v", v, ok)
	}
	if _, ok := c.BarthelVersion("nope"); ok {
		t.Error("BarthelVersion(nope) ok = true")
	}
}

func TestLoadRoundTrip(t *testing.T) {
	want := Default()
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Load(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("Load(marshalled default) = %v", err)
	}
	b2, _ := json.Marshal(got)
	if !bytes.Equal(b, b2) {
		t.Errorf("round trip differs:\n got %s\nwant %s", b2, b)
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  string
	}{
		{"ErrSyntax", `{`, "decode config"},
		{"ErrUnknownKey", `{"nmae": "x"}`, `unknown field "nmae"`},
		{"ErrTrailing", defaultJSONString() + `{}`, "trailing data"},
		{"ErrEmpty", `{}`, "dibao.standard_urban_fen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(strings.NewReader(tt.input))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func defaultJSONString() string { return string(defaultJSON) }

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		field  string
	}{
		{"OK", func(*Config) {}, ""},
		{"ErrRegionCode", func(c *Config) { c.Region.Code = "41080" }, "region.code"},
		{"ErrSetting", func(c *Config) { c.Region.Setting = "suburban" }, "region.setting"},
		{"ErrNegativeStandard", func(c *Config) { c.Dibao.StandardUrbanFen = -1 }, "dibao.standard_urban_fen"},
		{"ErrZeroRural", func(c *Config) { c.Dibao.StandardRuralFen = 0 }, "dibao.standard_rural_fen"},
		{"ErrNegativeSubsidy", func(c *Config) { c.Dibao.PriceSubsidyFen = -1500 }, "dibao.price_subsidy_fen"},
		{"ErrBlankKind", func(c *Config) { c.Dibao.ExcludedIncomeKinds = []string{""} }, "dibao.excluded_income_kinds[0]"},
		{"ErrDupKind", func(c *Config) { c.Dibao.ExcludedIncomeKinds = []string{"a", "a"} }, "dibao.excluded_income_kinds[1]"},
		{"OKNoExcludedKinds", func(c *Config) { c.Dibao.ExcludedIncomeKinds = nil }, ""},
		{"ErrMethod", func(c *Config) { c.Dibao.Benefit.Method = "flat" }, "dibao.benefit.method"},
		{"ErrBandedNoBands", func(c *Config) {
			c.Dibao.Benefit.Method = MethodBanded
			c.Dibao.Benefit.Bands = nil
		}, "dibao.benefit.bands"},
		{"OKDifferenceNoBands", func(c *Config) { c.Dibao.Benefit.Bands = nil }, ""},
		{"ErrBandGap", func(c *Config) { c.Dibao.Benefit.Bands[1].FromFen = 6000 }, "dibao.benefit.bands[1].from_fen"},
		{"ErrBandNotFromZero", func(c *Config) { c.Dibao.Benefit.Bands[0].FromFen = 100 }, "dibao.benefit.bands[0].from_fen"},
		{"ErrBandEmpty", func(c *Config) { c.Dibao.Benefit.Bands[0].ToFen = 0 }, "dibao.benefit.bands[0].to_fen"},
		{"ErrBandNegative", func(c *Config) { c.Dibao.Benefit.Bands[2].AmountFen = -1 }, "dibao.benefit.bands[2].amount_fen"},
		{"ErrCombine", func(c *Config) { c.Dibao.TopUps.Combine = "" }, "dibao.top_ups.combine"},
		{"ErrTopUpNegative", func(c *Config) { c.Dibao.TopUps.MinorFen = -1 }, "dibao.top_ups.minor_fen"},
		{"ErrElderAges", func(c *Config) { c.Dibao.TopUps.OldElderAge = 59 }, "dibao.top_ups.old_elder_age"},
		{"ErrMaxDwellings", func(c *Config) { c.Dibao.Assets.MaxDwellings = -1 }, "dibao.assets.max_dwellings"},
		{"ErrArea", func(c *Config) { c.Dibao.Assets.MaxDwellingAreaPerPersonM2 = 0 }, "dibao.assets.max_dwelling_area_per_person_m2"},
		{"ErrMonths", func(c *Config) { c.Dibao.Assets.FinancialAssetsMonths = 0 }, "dibao.assets.financial_assets_months"},
		{"ErrBasis", func(c *Config) { c.Dibao.Assets.FinancialAssetsBasis = "x" }, "dibao.assets.financial_assets_basis"},
		{"ErrNoClasses", func(c *Config) { c.Recheck.Classes = nil }, "recheck.classes"},
		{"ErrDupClass", func(c *Config) { c.Recheck.Classes[1].Class = "A" }, "recheck.classes[1].class"},
		{"ErrClassMonths", func(c *Config) { c.Recheck.Classes[0].Months = 0 }, "recheck.classes[0].months"},
		{"ErrOverrideFlag", func(c *Config) { c.Recheck.Overrides[0].Flag = "" }, "recheck.overrides[0].flag"},
		{"ErrQuorum", func(c *Config) { c.Process.ReviewApprove = Fraction{3, 2} }, "process.review_approve"},
		{"ErrNoticeDays", func(c *Config) { c.Process.PublicNoticeDays = 0 }, "process.public_notice_days"},
		{"ErrRate", func(c *Config) { c.Process.SpotCheckRatePercent = 101 }, "process.spot_check_rate_percent"},
		{"ErrNoVersions", func(c *Config) { c.Barthel.Versions = nil }, "barthel.versions"},
		{"ErrDefaultVersion", func(c *Config) { c.Barthel.DefaultVersion = "x" }, "barthel.default_version"},
		{"ErrGrade", func(c *Config) { c.Barthel.Versions[0].Bands[0].Grade = "fine" }, "barthel.versions[0].bands[0].grade"},
		{"ErrBandOverlap", func(c *Config) { c.Barthel.Versions[0].Bands[1].Min = 40 }, "barthel.versions[0].bands"},
		{"ErrBandGapBarthel", func(c *Config) { c.Barthel.Versions[1].Bands[1].Min = 70 }, "barthel.versions[1].bands"},
		{"ErrGroupAge", func(c *Config) { c.ElderCare.Group3MinAge = 0 }, "elder_care.group3_min_age"},
		{"ErrGroupIncome", func(c *Config) { c.ElderCare.Group2IncomeBelowFen = 0 }, "elder_care.group2_income_below_fen"},
		{"ErrPriorityDup", func(c *Config) { c.ElderCare.GroupPriority = []int{1, 1, 3} }, "elder_care.group_priority"},
		{"ErrPriorityEmpty", func(c *Config) { c.ElderCare.GroupPriority = nil }, "elder_care.group_priority"},
		{"OKPriorityReordered", func(c *Config) { c.ElderCare.GroupPriority = []int{3, 1, 2} }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.mutate(&c)
			err := c.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want an error on %s", tt.field)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Validate() = %v, not a *FieldError", err)
			}
			if !strings.Contains(err.Error(), "district: "+tt.field+":") {
				t.Fatalf("Validate() = %v, want a problem on %s", err, tt.field)
			}
		})
	}
}

func TestValidateReportsAll(t *testing.T) {
	c := Default()
	c.Dibao.StandardUrbanFen = -1
	c.ElderCare.HomeCareMinAge = 0
	err := c.Validate()
	for _, f := range []string{"dibao.standard_urban_fen", "elder_care.home_care_min_age"} {
		if err == nil || !strings.Contains(err.Error(), f) {
			t.Errorf("Validate() = %v, want it to mention %s", err, f)
		}
	}
}
