package forms

import (
	"strings"
	"time"

	"doorstep/schema/rules"
)

// The one vocabulary: the label of every stored column, by table and
// column, used alike by the forms (kit.FormKit.Col), the supervisor's
// review and diff, the return banner and the exports. A label is a
// translation key of assets/translations; most columns are named
// "desk.field.<column>" whatever their table, and the table below names
// the columns of one table that share another column's term (a spot
// check's neighbour interview is the visit's 邻里反映).

// labelOverrides maps "table.column" to its label key where that is not
// "desk.field.<column>".
var labelOverrides = map[string]string{
	"spot_checks.neighbour_interview": "desk.field.neighbour_notes",
	"spot_checks.notes":               "desk.field.note",
	"elders.address":                  "desk.field.address",
	"incomes.monthly_fen":             "desk.field.monthly_fen",
	"group_activities.headcount":      "desk.field.person_times",
	"group_activities.kind":           "desk.field.activity_kind",
	// The log's date is the date part of started_at, typed on its own.
	"volunteer_visits.date": "desk.field.visit_date",
}

// LabelKey returns the translation key of the label of column in table.
func LabelKey(table, column string) string {
	if k, ok := labelOverrides[table+"."+column]; ok {
		return k
	}
	return "desk.field." + column
}

// formTables maps a form kind to the table its record is stored in.
var formTables = map[string]string{
	FormMeansVisit:     "means_visits",
	FormSpotCheck:      "spot_checks",
	FormScreening:      "elder_screenings",
	FormVolunteerVisit: "volunteer_visits",
	FormGroupActivity:  "group_activities",
}

// TableOf returns the table form kind writes, "" for an unknown kind.
func TableOf(kind string) string { return formTables[kind] }

// fieldColumns maps a form's field names that are not their column's
// name to the column: a row's "amount" is its monthly_fen.
var fieldColumns = map[string]string{
	"incomes.amount":                   "monthly_fen",
	"incomes.member":                   "member_id",
	"assets.value":                     "value_fen",
	"means_visits.staff":               "staff_ids",
	"means_visits.signature.applicant": "applicant_signature",
	"elder_screenings.ability":         "gbt_total",
}

// FieldColumn returns the table and column a form field writes, for a
// form storing its record in table: "household.address" is
// households.address, "members.<id>.name" members.name, "elder.phone"
// elders.phone, "purpose" table.purpose.
func FieldColumn(table, field string) (string, string) {
	parts := strings.Split(field, ".")
	var t, c string
	switch {
	case len(parts) == 2 && parts[0] == "household":
		t, c = "households", parts[1]
	case len(parts) == 2 && parts[0] == "elder":
		t, c = "elders", parts[1]
	case len(parts) == 2 && parts[0] == "barthel":
		t, c = table, "b_"+parts[1]
	case len(parts) >= 2 && parts[0] == "signature":
		t, c = table, field
	case len(parts) == 3:
		t, c = parts[0], parts[2]
	default:
		t, c = table, field
	}
	if col, ok := fieldColumns[t+"."+c]; ok {
		return t, col
	}
	return t, c
}

// RelationshipKey is the translation key of a member's relationship to
// the applicant as shown for that member: a parent is 父亲 or 母亲 by sex.
func RelationshipKey(relationship, sex string) string {
	key := "code.relationship." + relationship
	if relationship == "parent" && (sex == "male" || sex == "female") {
		key += "." + sex
	}
	return key
}

// LabourKey is the translation key of a member's labour capacity as shown
// for a person born on birth (2006-01-02) on ref: "no labour capacity" is
// 丧失劳动能力 only for a person of working age; a child under 16 is not of
// working age, a person of 60 or more is old.
func LabourKey(capacity, birth string, ref time.Time) string {
	key := "code.labour." + capacity
	b, ok := ParseDate(birth)
	if capacity != "none" || !ok {
		return key
	}
	switch age := rules.Age(b, ref); {
	case age < 16:
		return key + ".minor"
	case age >= 60:
		return key + ".elderly"
	}
	return key
}
