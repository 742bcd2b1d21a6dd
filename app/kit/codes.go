package kit

import (
	"slices"

	"fyne.io/fyne/v2/lang"

	"doorstep/schema"
)

// codeLists names each list of stored codes (schema/codes.go) the app shows
// translated; code(list, value) looks up "code.<list>.<value>", and a test
// checks every value of every list has a translation in both languages.
var CodeLists = map[string][]string{
	"status":           schema.HouseholdStatuses,
	"hardship":         schema.HardshipCauses,
	"cancel_reason":    schema.CancelReasons,
	"sex":              schema.Sexes,
	"relationship":     schema.Relationships,
	"marital":          schema.MaritalStatuses,
	"health":           schema.HealthStates,
	"disability":       schema.DisabilityCategories,
	"labour":           schema.LabourCapacities,
	"employment":       schema.Employments,
	"not_counted":      schema.NotCountedReasons,
	"income":           schema.IncomeKinds,
	"asset":            schema.AssetKinds,
	"dwelling":         schema.DwellingTypes,
	"renovation":       schema.RenovationLevels,
	"vehicle":          schema.VehicleKinds,
	"purpose":          schema.VisitPurposes,
	"method":           schema.VisitMethods,
	"visit_state":      schema.VisitStates,
	"review":           schema.ReviewActions,
	"meeting_decision": schema.MeetingDecisions,
	"screening_reason": schema.ScreeningReasons,
	"living":           schema.LivingArrangements,
	"income_band":      schema.ElderIncomeBands,
	"care_risk":        schema.CareRiskEvents,
	"need":             schema.ElderNeeds,
	"pairing_mode":     schema.PairingModes,
	"service":          schema.VolunteerServices,
	"wellbeing":        schema.Wellbeings,
	"risk_flag":        schema.VisitRiskFlags,
	"activity_kind":    schema.ActivityKinds,
	"activity_theme":   schema.ActivityThemes,
}

// CodeOptions returns a list's values translated, in the list's order, for
// a widget.Select or RadioGroup; codeValue maps a chosen option back.
func CodeOptions(list string) []string {
	vals := CodeLists[list]
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = Code(list, v)
	}
	return out
}

// CodeValue returns the stored code of a translated option of list, or ""
// when option is not one of codeOptions(list).
func CodeValue(list, option string) string {
	i := slices.Index(CodeOptions(list), option)
	if i < 0 {
		return ""
	}
	return CodeLists[list][i]
}

// RoleName translates a role.
func RoleName(r schema.Role) string { return lang.L("role." + string(r)) }
