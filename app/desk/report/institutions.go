package report

import (
	"context"

	"doorstep/app/desk"
	"doorstep/app/desk/care"
	"doorstep/app/desk/medical"
	"doorstep/schema"
)

// Institutions is the care-institution part of the report: the
// institutions operating on the period's last day with their latest counts
// and finances by then, and the assessments done in the period.
type Institutions struct {
	Count, Public, Private  int
	Beds, Residents, Staff  int
	AssetsFen, NetAssetsFen int64
	// Assessed counts the assessments done in the period; AwardFen adds
	// up the awards (以奖代补) they earn.
	Assessed int
	AwardFen int64
}

// OccupancyPct is residents ÷ beds in whole percent, truncated as the
// report states it (498 ÷ 1,066 = 46.7 %: "入住率46%").
func (i Institutions) OccupancyPct() int {
	if i.Beds == 0 {
		return 0
	}
	return 100 * i.Residents / i.Beds
}

func institutions(ctx context.Context, o *desk.Office, p Params) (Institutions, error) {
	var out Institutions
	ins, err := care.List(ctx, o, p.Area, p.Period.To)
	if err != nil {
		return Institutions{}, err
	}
	fin, err := care.Finances(ctx, o, p.Area, p.Period.To)
	if err != nil {
		return Institutions{}, err
	}
	for _, in := range ins {
		if !in.Operating(p.Period.To) {
			continue
		}
		out.Count++
		if in.Ownership == "public" {
			out.Public++
		} else {
			out.Private++
		}
		out.Beds += in.Beds
		out.Residents += in.Residents
		out.Staff += in.Staff
		out.AssetsFen += fin[in.ID].TotalAssetsFen
		out.NetAssetsFen += fin[in.ID].NetAssetsFen
	}
	as, err := care.Assessments(ctx, o, p.Area, p.Period)
	if err != nil {
		return Institutions{}, err
	}
	for _, a := range as {
		out.Assessed++
		out.AwardFen += a.AwardFen
	}
	return out, nil
}

// Medical is the medical-assistance part of the report: grants made in
// the period.
type Medical struct {
	// Cases counts the grants, People the distinct people (by ID number).
	Cases, People int
	AmountFen     int64
	// ByCause counts the grants by cause (schema.MedicalCauses order).
	ByCause []Count
}

func medicalAid(ctx context.Context, o *desk.Office, p Params) (Medical, error) {
	cs, err := medical.List(ctx, o, p.Area, p.Period)
	if err != nil {
		return Medical{}, err
	}
	var out Medical
	people, causes := map[string]bool{}, map[string]int{}
	for _, c := range cs {
		out.Cases++
		out.AmountFen += c.AmountFen
		people[c.IDNumber] = true
		causes[c.Cause]++
	}
	out.People = len(people)
	out.ByCause = ordered(causes, schema.MedicalCauses)
	return out, nil
}
