package forms

import "doorstep/schema/rules"

// The outlines of the visit, spot check and screening forms, and each
// model's required fields (what a submission must answer, given what is
// typed so far: rows added bring their own).

// VisitOutline is the means-test visit's sections in screen order.
var VisitOutline = Outline{
	{Key: "visit.household", Fields: []string{"household"}},
	{Key: "visit.members", Fields: []string{FieldMembers}},
	{Key: "visit.incomes", Fields: []string{"incomes"}},
	{Key: "visit.assets", Fields: []string{"assets"}},
	{Key: "visit.record", Fields: []string{FieldPurpose, FieldMethod, "started_at", "location",
		FieldLivingConditions, FieldObservations, FieldNeighbourNotes}},
	{Key: "visit.staff", Fields: []string{FieldStaff}},
	{Key: "visit.signatures", Fields: []string{"signature"}},
	{Key: "visit.photos", Fields: []string{"photos"}},
}

// RequiredFields lists the fields a submission of the visit must answer.
func (v *Visit) RequiredFields() []string {
	out := []string{FieldCommunity, FieldAddress, FieldMembers}
	for _, m := range v.Members {
		out = append(out, MemberField(m.ID, FieldName), MemberField(m.ID, FieldIDNumber),
			MemberField(m.ID, FieldRelationship))
	}
	for _, in := range v.Incomes {
		out = append(out, IncomeField(in.ID, "member"), IncomeField(in.ID, "kind"), IncomeField(in.ID, "amount"))
	}
	for _, a := range v.Assets {
		out = append(out, AssetField(a.ID, "kind"))
	}
	out = append(out, FieldPurpose, FieldMethod, FieldStaff, FieldApplicantSig)
	for _, id := range v.StaffIDs {
		out = append(out, StaffSigField(id))
	}
	return out
}

// SpotCheckOutline is the spot check's sections in screen order.
var SpotCheckOutline = Outline{
	{Key: "spot.inspection", Fields: []string{FieldInspectors}},
	{Key: "spot.checklist", Fields: []string{FieldFound, FieldLivingThere, FieldMakeupMatches, FieldAssetsFit,
		FieldBenefitPaidFull, FieldFeesCharged, FieldRecomputedIncome, "neighbour_interview"}},
	{Key: "spot.outcome", Fields: []string{FieldOutcome, FieldDeadline, "notes"}},
}

// RequiredFields lists the fields a submission of the check must answer:
// once the household is found, every checklist answer and the recomputed
// income; a deadline for any outcome but "still eligible".
func (s *SpotCheck) RequiredFields() []string {
	out := []string{FieldInspectors, FieldFound}
	if s.Found == Yes {
		out = append(out, FieldLivingThere, FieldMakeupMatches, FieldAssetsFit, FieldRecomputedIncome,
			FieldBenefitPaidFull, FieldFeesCharged)
	}
	out = append(out, FieldOutcome)
	if s.Outcome != "" && s.Outcome != "still_eligible" {
		out = append(out, FieldDeadline)
	}
	return out
}

// ProblemAnswers says, for each yes/no question of the spot check, which
// answer signals a problem: the screen marks that answer.
var ProblemAnswers = map[string]string{
	FieldFound: No, FieldLivingThere: No, FieldMakeupMatches: No, FieldAssetsFit: No,
	FieldBenefitPaidFull: No, FieldFeesCharged: Yes,
}

// ScreeningOutline is the screening's sections in screen order.
var ScreeningOutline = Outline{
	{Key: "screening.elder", Fields: []string{"elder", FieldElderIDNo}},
	{Key: "screening.basics", Fields: []string{FieldScreenedOn, FieldReason, FieldLiving, FieldIncomeBand,
		"diagnoses", "medications", "risk_events"}},
	{Key: "screening.barthel", Fields: []string{FieldBarthel}},
	{Key: "screening.ability", Fields: []string{FieldAbility}},
	{Key: "screening.needs", Fields: []string{"needs"}},
}

// RequiredFields lists the fields a submission of the screening must
// answer: the elder's name, address, sex and birth date (both filled from
// a valid ID number), the basics, every Barthel item, and the ability
// assessment when it is chosen.
func (s *Screening) RequiredFields() []string {
	out := []string{FieldElderName, FieldElderSex, FieldElderBirth, FieldElderAddress,
		FieldScreenedOn, FieldReason, FieldLiving, FieldIncomeBand}
	for _, it := range rules.BarthelItems() {
		out = append(out, BarthelField(it.Key))
	}
	if s.Ability {
		out = append(out, FieldAbility)
	}
	return out
}
