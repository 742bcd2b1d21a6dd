package schema

// EntitlementKinds are the values of entitlements.kind: the decisions that
// append a period to a household's benefit history (schema/rules Kind…).
var EntitlementKinds = []string{"approve", "reapprove", "recheck", "suspend", "resume", "cancel", "correct"}

// EntitlementStatuses are the values of entitlements.status.
var EntitlementStatuses = []string{"active", "suspended", "cancelled"}

// SuspendReasons are the reasons a benefit is suspended (暂停), in
// entitlements.reason of a "suspend" period.
var SuspendReasons = []string{
	"absent_at_spot_check", // 抽查时家中无人、人户分离
	"refused_recheck",      // 拒不配合复核
	"under_investigation",  // 举报调查期间
	"other",
}

// PayLineKinds are the values of payout_lines.kind: the month's benefit,
// a back-payment (补发) or a recovery (追回) for an earlier closed month.
var PayLineKinds = []string{"regular", "back_pay", "recovery"}

// InstitutionOwnerships are the values of care_institutions.ownership:
// public (公办) or private (民办).
var InstitutionOwnerships = []string{"public", "private"}

// MedicalCauses are the values of medical_assistance.cause: a sudden
// accident (突发性事故) or a serious illness (大病).
var MedicalCauses = []string{"sudden_accident", "serious_illness"}

// MedicalCategories are the values of medical_assistance.category: who the
// person is (低保 and 特困 people and low-income families come first).
var MedicalCategories = []string{"dibao", "tekun", "low_income", "other"}
