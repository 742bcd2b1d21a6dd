package supervisor

import (
	"doorstep/app/kit"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2/lang"

	"doorstep/schema/rules"
)

// How the desk shows stored columns: a label key "desk.field.<column>"
// each, and the value translated by what the column holds.

// deskCodeColumns maps a column to its code list (codes.go); "kind" depends
// on the table.
var deskCodeColumns = map[string]string{
	"status": "status", "hardship_cause": "hardship", "cancel_reason": "cancel_reason", "sex": "sex",
	"relationship": "relationship", "marital": "marital", "health": "health",
	"disability_category": "disability", "labour_capacity": "labour", "employment": "employment",
	"not_counted_reason": "not_counted", "dwelling_type": "dwelling", "renovation": "renovation",
	"vehicle_type": "vehicle", "purpose": "purpose", "method": "method", "reason": "screening_reason",
	"living_arrangement": "living", "income_band": "income_band", "risk_events": "care_risk",
	"needs": "need", "need": "need", "pairing_advice": "pairing_mode", "services": "service",
	"wellbeing": "wellbeing", "risk_flags": "risk_flag", "outcome": "spot_outcome",
	"mode": "pairing_mode", "theme": "activity_theme",
}

// deskBoolColumns hold 0/1.
var deskBoolColumns = []string{"counted", "staff_relative", "hukou_local", "urban", "eligible", "found",
	"living_there", "makeup_matches", "assets_fit", "benefit_paid_full", "fees_charged", "unannounced",
	"single_child", "three_no", "dementia", "home_care", "disability_vehicle", "employs_others"}

// deskStaffColumns hold a staff id, or a JSON list of them.
var deskStaffColumns = []string{"author_id", "volunteer_id", "caseworker_id", "staff_ids", "inspector_ids",
	"volunteer_ids", "drawn_by", "reviewer_id", "resolved_by", "winner_user", "loser_user"}

// deskHiddenColumns are not shown in a record's field list: links to other
// rows, blobs, JSON the review shows elsewhere, bookkeeping.
var deskHiddenColumns = []string{"household_id", "community_id", "elder_id", "pairing_id", "batch_id",
	"member_id", "owner_member_id", "supersedes_id", "last_visit_id", "snapshot", "reasons", "photos",
	"applicant_signature", "staff_signatures", "state", "deleted", "gbt_items", "care_groups",
	"barthel_version", "risk_reasons", "id"}

// deskValue shows a stored value of table.col ("" for none).
func deskValue(table, col, raw string, names map[string]string) string {
	if raw == "" {
		return ""
	}
	list, isCode := deskCodeColumns[col]
	if col == "kind" {
		list, isCode = map[string]string{"incomes": "income", "assets": "asset",
			"group_activities": "activity_kind"}[table]
	}
	switch {
	case slices.Contains(deskBoolColumns, col):
		if raw == "1" {
			return lang.L("common.yes")
		}
		return lang.L("common.no")
	case strings.HasSuffix(col, "_fen"):
		if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
			return kit.Money(n)
		}
	case strings.HasSuffix(col, "_at"):
		return kit.Instant(raw)
	case col == "barthel_grade" || col == "gbt_level":
		return rules.Code(raw).Text(kit.CurrentLanguage())
	case slices.Contains(deskStaffColumns, col):
		var ids []string
		if json.Unmarshal([]byte(raw), &ids) != nil {
			ids = []string{raw}
		}
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = staffName(names, id)
		}
		return strings.Join(out, lang.L("list.separator"))
	case isCode:
		var vals []string
		if strings.HasPrefix(raw, "[") && json.Unmarshal([]byte(raw), &vals) == nil {
			return kit.Codes(list, vals)
		}
		return kit.Code(list, raw)
	}
	return raw
}
