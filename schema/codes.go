package schema

// Code lists: the values the synced TEXT columns hold where a column takes one
// of a fixed set of lower-case English codes. The app shows them translated;
// rules, reports and the demo generator compare against these lists. A code is
// stored and synced, so never rename one: add a new one instead. Where
// schema/rules defines the same values (sex, income kinds, income bands,
// vehicle kinds) the lists here match them and a test in schema/demo keeps
// them in step.

// HouseholdStatuses are the values of households.status, in workflow order:
// applicant (受理), active (在保), suspended (暂停), cancelled (取消).
var HouseholdStatuses = []string{"applicant", "active", "suspended", "cancelled"}

// HouseholdClasses are the local 低保 classes of households.class: A (stable
// situation, e.g. elders, the seriously ill or disabled), B (some change
// expected), C (able to work, irregular income). Re-check intervals per class
// are district configuration.
var HouseholdClasses = []string{"A", "B", "C"}

// HardshipCauses are the values of households.hardship_cause (致贫原因).
var HardshipCauses = []string{
	"illness", "disability", "old_age", "unemployment", "single_parent",
	"low_income", "accident", "other",
}

// CancelReasons are the values of households.cancel_reason.
var CancelReasons = []string{
	"income_above_standard", // 收入超标
	"assets_exceed",         // 财产超标
	"moved_away",            // 迁出
	"deceased",              // 死亡（单人户）
	"refused_recheck",       // 拒不配合复核
	"withdrawn",             // 主动退出
}

// Sexes are the values of members.sex and elders.sex. They match rules.Sex
// (rules.SexMale, rules.SexFemale), which an ID number's 17th digit decides.
var Sexes = []string{"male", "female"}

// Relationships are the values of members.relationship: the member's
// relationship to the applicant ("self").
var Relationships = []string{"self", "spouse", "child", "parent", "grandchild", "other"}

// MaritalStatuses are the values of members.marital.
var MaritalStatuses = []string{"unmarried", "married", "divorced", "widowed"}

// HealthStates are the values of members.health: healthy, chronic illness
// (慢性病), serious illness (大病).
var HealthStates = []string{"healthy", "chronic", "serious"}

// DisabilityCategories are the values of members.disability_category
// (GB/T 26341 categories); NULL means no disability. members.disability_grade
// is then 1 (most severe) to 4.
var DisabilityCategories = []string{
	"visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple",
}

// LabourCapacities are the values of members.labour_capacity: full, partial,
// none (丧失劳动能力).
var LabourCapacities = []string{"full", "partial", "none"}

// Employments are the values of members.employment.
var Employments = []string{
	"preschool", "student", "employed", "flexible", "unemployed_registered",
	"unemployed_unregistered", "retired", "none",
}

// NotCountedReasons are the values of members.not_counted_reason, set when
// members.counted is 0: in prison, declared missing, clergy living apart for
// three years or more, another reason recorded in the visit.
var NotCountedReasons = []string{"prison", "declared_missing", "clergy_apart", "other"}

// IncomeKinds are the values of incomes.kind, in display order: eight counted
// kinds, then kinds districts commonly exclude (which ones are excluded is
// district configuration, district.Config.Dibao.ExcludedIncomeKinds). They
// match rules.IncomeKinds.
var IncomeKinds = []string{
	"wages", "farming", "business", "property", "pension", "support", "subsidy", "other",
	"martyr_pension", "scholarship", "one_child_reward", "bravery_reward", "temporary_relief",
}

// AssetKinds are the values of assets.kind.
var AssetKinds = []string{"dwelling", "vehicle", "financial", "business", "machinery"}

// DwellingTypes are the values of assets.dwelling_type for owned dwellings:
// commodity housing (商品房), reformed public housing bought by the tenant
// (房改房), affordable housing (经济适用房), self-built (自建房), shanty-town
// housing (棚户房).
var DwellingTypes = []string{"commodity", "reformed", "affordable", "self_built", "shanty"}

// RenovationLevels are the values of assets.renovation.
var RenovationLevels = []string{"none", "basic", "medium", "luxury"}

// VehicleKinds are the values of assets.vehicle_type; they match the rules'
// vehicle kinds. assets.disability_vehicle marks a disability vehicle, which
// never disqualifies.
var VehicleKinds = []string{"car", "motorcycle", "truck", "other"}

// VisitPurposes are the values of means_visits.purpose: the application
// survey (入户调查), a periodic re-check (复核), a complaint investigation (举报核查).
var VisitPurposes = []string{"application", "recheck", "complaint"}

// VisitMethods are the values of means_visits.method.
var VisitMethods = []string{"home", "neighbour", "documents"}

// VisitStates are the values of the state column of means_visits,
// elder_screenings and volunteer_visits. Review decisions are events in
// review_events, not states.
var VisitStates = []string{"draft", "submitted"}

// ReviewActions are the values of review_events.action.
var ReviewActions = []string{"approve", "return"}

// MeetingDecisions are the values of meeting_decisions.decision at a
// collective approval meeting (会议集中审批).
var MeetingDecisions = []string{"approve", "refuse", "cancel"}

// ScreeningReasons are the values of elder_screenings.reason.
var ScreeningReasons = []string{"first", "routine", "immediate", "reassessment"}

// LivingArrangements are the values of elder_screenings.living_arrangement.
var LivingArrangements = []string{"alone", "with_spouse", "with_children"}

// ElderIncomeBands are the values of elder_screenings.income_band; they match
// rules.IncomeBand (the threshold is district configuration, 500 yuan).
var ElderIncomeBands = []string{"none", "below", "at_or_above"}

// CareRiskEvents are the care-risk events of the last 30 days listed in
// elder_screenings.risk_events (JSON list).
var CareRiskEvents = []string{"fall", "lost", "choking", "self_harm"}

// ElderNeeds are the needs checklist codes in elder_screenings.needs and
// elders.needs (JSON lists) and volunteer_visits.need.
var ElderNeeds = []string{
	"daily_care", "housekeeping", "rehabilitation", "health_care",
	"emotional_comfort", "emergency_help", "legal_rights", "culture_exercise",
}

// PairingModes are the values of volunteer_pairings.mode and
// elder_screenings.pairing_advice: 一对一, 二对一, 多对一.
var PairingModes = []string{"one_to_one", "two_to_one", "many_to_one"}

// VolunteerServices are the codes in volunteer_visits.services (JSON list).
var VolunteerServices = []string{
	"chat", "cleaning", "shopping", "meal_help", "health_check",
	"accompany_doctor", "haircut", "reading", "exercise", "legal_help",
}

// Wellbeings are the values of volunteer_visits.wellbeing.
var Wellbeings = []string{"good", "fair", "poor"}

// VisitRiskFlags are the codes in volunteer_visits.risk_flags (JSON list);
// each alerts the elder's community worker.
var VisitRiskFlags = []string{"health_worse", "no_food", "fall", "low_mood", "unsafe_home"}

// ActivityKinds are the values of group_activities.kind: the "三小" small
// contest, small performance and small lecture.
var ActivityKinds = []string{"contest", "performance", "lecture"}

// ActivityThemes are the values of group_activities.theme: 老年保健, 老年维权,
// 兴趣辅导, 文体表演, 心理慰藉.
var ActivityThemes = []string{
	"health_care", "rights_protection", "hobby_tutoring", "cultural_performance",
	"psychological_comfort",
}
