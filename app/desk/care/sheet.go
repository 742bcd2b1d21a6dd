package care

import (
	"doorstep/app/desk"
	"doorstep/app/desk/sheet"
)

// RegisterSheet is the institution register as a table: name, ownership,
// community, beds, residents, occupancy, staff, and — for the office,
// when fin is not nil — total and net assets.
func RegisterSheet(ins []Institution, fin map[string]Finance) sheet.Sheet {
	s := sheet.Sheet{Name: "desk.care.sheet", Columns: []string{"desk.col.institution", "desk.col.ownership",
		"desk.col.community", "desk.col.beds", "desk.col.residents", "desk.col.occupancy", "desk.col.staff"}}
	if fin != nil {
		s.Columns = append(s.Columns, "desk.col.total_assets", "desk.col.net_assets")
	}
	for _, in := range ins {
		row := []any{in.Name, sheet.Code("code.ownership." + in.Ownership), in.Community, in.Beds, in.Residents,
			in.OccupancyPct(), in.Staff}
		if fin != nil {
			row = append(row, sheet.Money(fin[in.ID].TotalAssetsFen), sheet.Money(fin[in.ID].NetAssetsFen))
		}
		s.Rows = append(s.Rows, row)
	}
	return s
}

// AssessmentSheet is a half year's assessments: institution, date, total,
// band and award.
func AssessmentSheet(as []Assessment, names map[string]string) sheet.Sheet {
	s := sheet.Sheet{Name: "desk.care.assessment_sheet", Columns: []string{"desk.col.institution",
		"desk.col.assessed_on", "desk.col.score", "desk.col.band", "desk.col.award"}}
	for _, a := range as {
		var band any
		if a.Band != "" {
			band = sheet.Code("code.award_band." + a.Band)
		}
		s.Rows = append(s.Rows, []any{names[a.InstitutionID], a.AssessedOn.Format(desk.DateLayout), a.Total, band,
			sheet.Money(a.AwardFen)})
	}
	return s
}
