// Package district holds every threshold of the domain rules that varies by
// province, district or year, loaded from JSON; schema/rules reads it.
//
// Default returns the embedded configuration for 焦作市解放区 (Henan, urban), the
// district of the source report. Another district ships its own complete JSON
// file and loads it with Load. Money is integer fen throughout.
package district

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

//go:embed default.json
var defaultJSON []byte

// Setting says whether a household or community is urban (城市) or rural (农村);
// the 低保 standard and some re-check intervals differ between the two.
type Setting string

// The settings a Config understands. The empty Setting means "the district's
// own setting" (Region.Setting) wherever a rule accepts one.
const (
	SettingUrban Setting = "urban"
	SettingRural Setting = "rural"
)

// Benefit methods for Benefit.Method.
const (
	// MethodDifference pays (standard − per-capita income) per covered member.
	MethodDifference = "difference"
	// MethodBanded pays the amount of the band the per-capita income falls in,
	// per covered member.
	MethodBanded = "banded"
)

// Top-up combination rules for TopUps.Combine.
const (
	// CombineSum adds every class top-up a member qualifies for.
	CombineSum = "sum"
	// CombineMax pays only the largest class top-up a member qualifies for.
	CombineMax = "max"
)

// Financial asset bases for Assets.FinancialAssetsBasis.
const (
	// BasisPerCapita compares financial assets ÷ counted members with the limit.
	BasisPerCapita = "per_capita"
	// BasisHousehold compares the household's total financial assets with the limit.
	BasisHousehold = "household"
)

// BarthelGrades lists the grade keys a Barthel band may name. The first four
// are the common clinical wording (dependence), the last four the MZ/T 039-2013
// wording (impairment). schema/rules has zh-CN and en text for each.
var BarthelGrades = []string{
	"independent", "mild", "moderate", "severe",
	"intact", "mild_impairment", "moderate_impairment", "severe_impairment",
}

// Config is one district's rule thresholds for one period. The zero value is
// not valid; use Default or Load. A Config is a plain value: copies are
// independent except for the slices, which callers must not modify after
// handing a Config to concurrent readers.
type Config struct {
	// Name labels the configuration for people (e.g. "焦作市解放区 2025").
	Name string `json:"name"`
	// Region says where the configuration applies.
	Region Region `json:"region"`
	// Dibao holds the minimum living guarantee (低保) thresholds.
	Dibao Dibao `json:"dibao"`
	// Recheck is the re-check (定期复核) interval table.
	Recheck Recheck `json:"recheck"`
	// Process holds procedural numbers: quorums, notice days, spot-check rates.
	Process Process `json:"process"`
	// Barthel holds the Barthel index grading versions.
	Barthel Barthel `json:"barthel"`
	// ElderCare holds home-based and monetary elderly-care thresholds.
	ElderCare ElderCare `json:"elder_care"`
	// Institutions holds the care-institution assessment standard.
	Institutions Institutions `json:"institutions"`
}

// Region identifies the district a Config applies to.
type Region struct {
	// Code is the 6-digit administrative division code (解放区: 410802).
	Code string `json:"code"`
	// Province, City and District are the names in Chinese.
	Province string `json:"province"`
	City     string `json:"city"`     // e.g. 焦作市
	District string `json:"district"` // e.g. 解放区
	// Setting is the district's default setting, used when a household's is empty.
	Setting Setting `json:"setting"`
}

// Dibao holds the 低保 means-test and benefit thresholds.
type Dibao struct {
	// StandardUrbanFen is the urban monthly standard per person, in fen.
	StandardUrbanFen int64 `json:"standard_urban_fen"`
	// StandardRuralFen is the rural monthly standard per person, in fen.
	StandardRuralFen int64 `json:"standard_rural_fen"`
	// LocalHukouRequired makes a non-local 户籍 a failure reason.
	LocalHukouRequired bool `json:"local_hukou_required"`
	// PriceSubsidyFen is the price subsidy (物价补贴) per counted member per
	// month, in fen (the report: 15 yuan). Zero means none.
	PriceSubsidyFen int64 `json:"price_subsidy_fen"`
	// ExcludedIncomeKinds lists income kinds not counted in the means test
	// (e.g. "martyr_pension", "scholarship"). Empty means every kind counts.
	ExcludedIncomeKinds []string `json:"excluded_income_kinds"`
	// Benefit says how the monthly benefit is computed.
	Benefit Benefit `json:"benefit"`
	// TopUps are the per-member class top-ups added to the benefit.
	TopUps TopUps `json:"top_ups"`
	// Assets are the asset limits of the means test.
	Assets Assets `json:"assets"`
}

// Benefit selects the benefit method and, for MethodBanded, its bands.
type Benefit struct {
	// Method is MethodDifference or MethodBanded.
	Method string `json:"method"`
	// Bands maps per-capita income to an amount per covered member. Required
	// for MethodBanded; if present under MethodDifference it is validated but
	// unused. Bands are sorted, start at 0 and are contiguous.
	Bands []Band `json:"bands"`
}

// Band is one row of the banded benefit table: a household whose per-capita
// income is in [FromFen, ToFen) gets AmountFen per covered member per month.
type Band struct {
	FromFen   int64 `json:"from_fen"`   // lowest per-capita income in the band
	ToFen     int64 `json:"to_fen"`     // first per-capita income above the band
	AmountFen int64 `json:"amount_fen"` // monthly amount per covered member
}

// TopUps are monthly per-member amounts, in fen, for members in a class
// (分类施保). A zero amount means no top-up for that class.
type TopUps struct {
	// Combine is CombineSum or CombineMax, for members in several classes.
	Combine string `json:"combine"`
	// ElderAge and ElderFen: members aged ElderAge or more (but under
	// OldElderAge) get ElderFen.
	ElderAge int   `json:"elder_age"`
	ElderFen int64 `json:"elder_fen"` // see ElderAge
	// OldElderAge and OldElderFen: members aged OldElderAge or more get
	// OldElderFen instead of ElderFen.
	OldElderAge int   `json:"old_elder_age"`
	OldElderFen int64 `json:"old_elder_fen"` // see OldElderAge
	// MinorUnderAge and MinorFen: members younger than MinorUnderAge get MinorFen.
	MinorUnderAge int   `json:"minor_under_age"`
	MinorFen      int64 `json:"minor_fen"` // see MinorUnderAge
	// DisabledFen is for members with a disability the district covers.
	DisabledFen int64 `json:"disabled_fen"`
	// SeriousIllnessFen is for members with a serious illness.
	SeriousIllnessFen int64 `json:"serious_illness_fen"`
}

// Assets are the asset limits of the 低保 means test. Each rule is reported
// separately when it fails.
type Assets struct {
	// DisqualifyingVehicleKinds lists vehicle kinds (e.g. "car") whose
	// ownership disqualifies, unless the vehicle is a disability vehicle.
	// Empty means vehicles never disqualify.
	DisqualifyingVehicleKinds []string `json:"disqualifying_vehicle_kinds"`
	// MaxDwellings is the most dwellings a household may own.
	MaxDwellings int `json:"max_dwellings"`
	// MaxDwellingAreaPerPersonM2 is the most owned floor area per counted
	// member, in m²; more than this disqualifies.
	MaxDwellingAreaPerPersonM2 float64 `json:"max_dwelling_area_per_person_m2"`
	// FinancialAssetsMonths: financial assets above this many months of the
	// standard disqualify (compared per FinancialAssetsBasis).
	FinancialAssetsMonths int `json:"financial_assets_months"`
	// FinancialAssetsBasis is BasisPerCapita or BasisHousehold.
	FinancialAssetsBasis string `json:"financial_assets_basis"`
	// BusinessEmployingOthersDisqualifies makes a registered business that
	// employs others a failure reason.
	BusinessEmployingOthersDisqualifies bool `json:"business_employing_others_disqualifies"`
}

// Recheck is the re-check interval table. The interval is the class's months
// (RuralMonths for rural households when set), shortened to the smallest
// Months of any override whose flag the household has.
type Recheck struct {
	// Classes has one row per local class (A, B, C).
	Classes []RecheckClass `json:"classes"`
	// Overrides shorten the interval for households with a flag.
	Overrides []RecheckOverride `json:"overrides"`
}

// RecheckClass is one class's re-check interval.
type RecheckClass struct {
	// Class is the local class letter, e.g. "A".
	Class string `json:"class"`
	// Months between re-checks for urban households.
	Months int `json:"months"`
	// RuralMonths between re-checks for rural households; 0 means Months.
	RuralMonths int `json:"rural_months"`
}

// RecheckOverride shortens the re-check interval for households with Flag.
type RecheckOverride struct {
	// Flag names a household fact, e.g. "irregular_income_working_age".
	Flag string `json:"flag"`
	// Months is the longest interval allowed for such households.
	Months int `json:"months"`
}

// Fraction is Num/Den, used for quorums (e.g. 2/3).
type Fraction struct {
	Num int `json:"num"` // numerator
	Den int `json:"den"` // denominator, at least 1
}

// Process holds procedural numbers of the 低保 workflow and spot checks.
type Process struct {
	// MinVisitStaff is the least number of staff at a home visit (入户调查).
	MinVisitStaff int `json:"min_visit_staff"`
	// ReviewAttend is the share of the community review panel that must attend.
	ReviewAttend Fraction `json:"review_attend"`
	// ReviewApprove is the share of attendees that must approve.
	ReviewApprove Fraction `json:"review_approve"`
	// PublicNoticeDays is the length of the public notice (公示), in days.
	PublicNoticeDays int `json:"public_notice_days"`
	// RefusalNoticeWorkingDays is the deadline for a written refusal notice.
	RefusalNoticeWorkingDays int `json:"refusal_notice_working_days"`
	// SpotCheckRatePercent is the default share of cases a spot-check batch draws.
	SpotCheckRatePercent int `json:"spot_check_rate_percent"`
	// StaffRelativeSpotCheckPercent is the share of staff-relative cases checked.
	StaffRelativeSpotCheckPercent int `json:"staff_relative_spot_check_percent"`
	// MinSpotCheckInspectors is the least number of inspectors on a spot check.
	MinSpotCheckInspectors int `json:"min_spot_check_inspectors"`
	// ShortVisitMinutes: a means-test visit whose form was open, worked
	// on, or recorded as lasting fewer minutes than this is unusually
	// short (app/desk ShortVisits); zero means DefaultShortVisitMinutes.
	ShortVisitMinutes int `json:"short_visit_minutes,omitempty"`
	// ClosedCaseRetentionDays is how long a device keeps a closed case (a
	// cancelled household, an ended pairing, …) after it closed, before
	// purging it (sync/client Retain); zero means
	// DefaultClosedCaseRetentionDays.
	ClosedCaseRetentionDays int `json:"closed_case_retention_days,omitempty"`
}

// Defaults of the optional process settings.
const (
	DefaultShortVisitMinutes       = 15
	DefaultClosedCaseRetentionDays = 365
)

// ShortVisit returns the visit length under which a visit is short.
func (p Process) ShortVisit() time.Duration {
	if p.ShortVisitMinutes <= 0 {
		return DefaultShortVisitMinutes * time.Minute
	}
	return time.Duration(p.ShortVisitMinutes) * time.Minute
}

// ClosedCaseRetention returns how many days a device keeps a closed case.
func (p Process) ClosedCaseRetention() int {
	if p.ClosedCaseRetentionDays <= 0 {
		return DefaultClosedCaseRetentionDays
	}
	return p.ClosedCaseRetentionDays
}

// Barthel holds the Barthel index grading versions a district accepts.
type Barthel struct {
	// DefaultVersion is the Key of the version used when none is named.
	DefaultVersion string `json:"default_version"`
	// Versions are the grading versions, each covering every total 0..100.
	Versions []BarthelVersion `json:"versions"`
}

// BarthelVersion is a named set of Barthel grade bands. Screenings store the
// version key beside the raw items, so a total can be re-graded later.
type BarthelVersion struct {
	Key    string        `json:"key"`     // e.g. "common-2010"
	NameZh string        `json:"name_zh"` // name shown in zh-CN
	NameEn string        `json:"name_en"` // name shown in en
	Bands  []BarthelBand `json:"bands"`   // every total 0..100 in exactly one band
}

// BarthelBand grades totals Min..Max inclusive as Grade (one of BarthelGrades).
type BarthelBand struct {
	Grade string `json:"grade"` // one of BarthelGrades
	Min   int    `json:"min"`   // lowest total in the band
	Max   int    `json:"max"`   // highest total in the band
}

// ElderCare holds the home-based and monetary elderly-care thresholds
// (居家养老 and 货币化养老).
type ElderCare struct {
	// HomeCareMinAge: elders this age or older are eligible for home-based care.
	HomeCareMinAge int `json:"home_care_min_age"`
	// Group1MinAge: group 1 is elders this age or older with no income.
	Group1MinAge int `json:"group1_min_age"`
	// Group2MinAge and Group2IncomeBelowFen: group 2 is elders this age or
	// older with some monthly income strictly below Group2IncomeBelowFen.
	Group2MinAge         int   `json:"group2_min_age"`
	Group2IncomeBelowFen int64 `json:"group2_income_below_fen"` // see Group2MinAge
	// Group3MinAge: group 3 is elders this age or older in a single-child family.
	Group3MinAge int `json:"group3_min_age"`
	// GroupPriority orders groups 1, 2, 3: when an elder matches several,
	// the first listed is reported. It must be a permutation of 1, 2, 3.
	GroupPriority []int `json:"group_priority"`
}

// Default returns the embedded configuration for 焦作市解放区. It panics if
// the embedded file is invalid, which a test guards against.
func Default() Config {
	c, err := Load(bytes.NewReader(defaultJSON))
	if err != nil {
		panic("district: embedded default.json: " + err.Error())
	}
	return c
}

// Load reads a complete configuration from JSON and validates it. Unknown
// keys are an error (they are usually typos) and nothing is inherited from
// Default: a missing key is its zero value, which Validate may reject.
func Load(r io.Reader) (Config, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("district: decode config: %w", err)
	}
	if dec.More() {
		return Config{}, fmt.Errorf("district: decode config: trailing data after the JSON object")
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// StandardFen returns the monthly 低保 standard per person for setting; the
// empty Setting means the district's own setting.
func (c Config) StandardFen(s Setting) int64 {
	if s == "" {
		s = c.Region.Setting
	}
	if s == SettingRural {
		return c.Dibao.StandardRuralFen
	}
	return c.Dibao.StandardUrbanFen
}

// IncomeExcluded reports whether income of kind is excluded from the means test.
func (c Config) IncomeExcluded(kind string) bool {
	for _, k := range c.Dibao.ExcludedIncomeKinds {
		if k == kind {
			return true
		}
	}
	return false
}

// BarthelVersion returns the grading version with key, or the default
// version when key is empty. ok is false when there is no such version.
func (c Config) BarthelVersion(key string) (v BarthelVersion, ok bool) {
	if key == "" {
		key = c.Barthel.DefaultVersion
	}
	for _, v := range c.Barthel.Versions {
		if v.Key == key {
			return v, true
		}
	}
	return BarthelVersion{}, false
}
