package forms

import (
	"slices"
	"strings"
	"time"

	"doorstep/schema/district"
	"doorstep/schema/rules"
)

// FormMeansVisit is the drafts.form value of the means-test visit.
const FormMeansVisit = "means_visit"

// Visit states (means_visits.state).
const (
	StateDraft     = "draft"
	StateSubmitted = "submitted"
)

// Household is the household a means-test visit is about, as typed.
type Household struct {
	ID string `json:"id"`
	// Stored is true when the household exists in the database.
	Stored        bool   `json:"stored,omitempty"`
	CommunityID   string `json:"community_id"`
	RefCode       string `json:"ref_code,omitempty"`
	Address       string `json:"address"`
	Urban         bool   `json:"urban"`
	HukouLocal    bool   `json:"hukou_local"`
	HardshipCause string `json:"hardship_cause"`
	Class         string `json:"class"`
	StaffRelative bool   `json:"staff_relative"`
	// Status is the household's status when loaded; the visit never sets it
	// except to "applicant" for a new household.
	Status string `json:"status,omitempty"`
}

// Income is one member's monthly income from one source, as typed.
type Income struct {
	ID       string `json:"id"`
	MemberID string `json:"member_id"`
	Kind     string `json:"kind"`
	Amount   string `json:"amount"` // yuan as typed
	Note     string `json:"note"`
	Stored   bool   `json:"stored,omitempty"`
}

// Asset is one asset of the household, as typed. Kind (schema.AssetKinds)
// decides which fields apply: dwelling (floor area, type, renovation),
// vehicle (type, disability vehicle, value), financial (value), business
// (employs others, value), machinery (value).
type Asset struct {
	ID                string `json:"id"`
	Kind              string `json:"kind"`
	OwnerMemberID     string `json:"owner_member_id"`
	Description       string `json:"description"`
	FloorArea         string `json:"floor_area"` // m² as typed
	DwellingType      string `json:"dwelling_type"`
	Renovation        string `json:"renovation"`
	VehicleType       string `json:"vehicle_type"`
	DisabilityVehicle bool   `json:"disability_vehicle"`
	Value             string `json:"value"` // yuan as typed
	EmploysOthers     bool   `json:"employs_others"`
	Stored            bool   `json:"stored,omitempty"`
}

// Removed lists stored rows the user removed in the form; saving marks them
// deleted. Rows added since the form was opened (e.g. by a sync) are left
// alone.
type Removed struct {
	Members []string `json:"members,omitempty"`
	Incomes []string `json:"incomes,omitempty"`
	Assets  []string `json:"assets,omitempty"`
}

// Visit is a means-test visit (入户调查) being filled in: the household with
// its members, incomes and assets as found, and the visit's own record.
// Its JSON is the draft.
type Visit struct {
	ID           string `json:"id"`
	SupersedesID string `json:"supersedes_id,omitempty"`
	// State is "" for a visit never saved, else the stored state.
	State   string `json:"state,omitempty"`
	RefCode string `json:"ref_code,omitempty"`

	Household Household `json:"household"`
	Members   []Member  `json:"members"`
	Incomes   []Income  `json:"incomes"`
	Assets    []Asset   `json:"assets"`
	Removed   Removed   `json:"removed"`

	Purpose          string            `json:"purpose"`
	Method           string            `json:"method"`
	StartedAt        string            `json:"started_at"` // RFC 3339 UTC
	StaffIDs         []string          `json:"staff_ids"`
	Observations     string            `json:"observations"`
	LivingConditions string            `json:"living_conditions"`
	NeighbourNotes   string            `json:"neighbour_notes"`
	Location         string            `json:"location"`
	Photos           []string          `json:"photos"`              // blob hashes
	ApplicantSig     string            `json:"applicant_signature"` // blob hash
	StaffSigs        map[string]string `json:"staff_signatures"`    // staff id → blob hash
}

// Visit field names, for issues and for a reviewer's field comments. A
// field that writes one column is named as the review screen names it:
// the means_visits column, or "household." and the households column.
const (
	FieldCommunity        = "household.community_id"
	FieldAddress          = "household.address"
	FieldMembers          = "members"
	FieldPurpose          = "purpose"
	FieldMethod           = "method"
	FieldStaff            = "staff"
	FieldApplicantSig     = "signature.applicant"
	FieldLivingConditions = "living_conditions"
	FieldObservations     = "observations"
	FieldNeighbourNotes   = "neighbour_notes"
)

// IncomeField returns the issue field name of an income row's field
// ("member", "kind" or "amount").
func IncomeField(id, field string) string { return "incomes." + id + "." + field }

// AssetField returns the issue field name of an asset row's field ("kind",
// "floor_area" or "value").
func AssetField(id, field string) string { return "assets." + id + "." + field }

// StaffSigField returns the issue field name of a staff member's signature.
func StaffSigField(staffID string) string { return "signature.staff." + staffID }

// Title is the label of the visit's draft in lists: the applicant's name,
// else the address.
func (v *Visit) Title() string {
	for _, m := range v.Members {
		if m.Relationship == "self" && strings.TrimSpace(m.Name) != "" {
			return strings.TrimSpace(m.Name)
		}
	}
	return strings.TrimSpace(v.Household.Address)
}

// ReadOnly reports whether the visit is submitted: a submitted visit is
// never edited; a returned one is corrected as a new visit (Correction).
func (v *Visit) ReadOnly() bool { return v.State == StateSubmitted }

// Member returns the member with id, or nil.
func (v *Visit) Member(id string) *Member {
	i := slices.IndexFunc(v.Members, func(m Member) bool { return m.ID == id })
	if i < 0 {
		return nil
	}
	return &v.Members[i]
}

// AddMember appends a new, counted member and returns it.
func (v *Visit) AddMember(id string) *Member {
	rel := ""
	if len(v.Members) == 0 {
		rel = "self"
	}
	v.Members = append(v.Members, Member{ID: id, Counted: true, Relationship: rel})
	return &v.Members[len(v.Members)-1]
}

// RemoveMember removes member id with their incomes; assets they owned
// become the household's.
func (v *Visit) RemoveMember(id string) {
	i := slices.IndexFunc(v.Members, func(m Member) bool { return m.ID == id })
	if i < 0 {
		return
	}
	if v.Members[i].Stored {
		v.Removed.Members = append(v.Removed.Members, id)
	}
	v.Members = slices.Delete(v.Members, i, i+1)
	for _, in := range slices.Clone(v.Incomes) {
		if in.MemberID == id {
			v.RemoveIncome(in.ID)
		}
	}
	for i := range v.Assets {
		if v.Assets[i].OwnerMemberID == id {
			v.Assets[i].OwnerMemberID = ""
		}
	}
}

// AddIncome appends an income row for member memberID and returns it.
func (v *Visit) AddIncome(id, memberID string) *Income {
	v.Incomes = append(v.Incomes, Income{ID: id, MemberID: memberID})
	return &v.Incomes[len(v.Incomes)-1]
}

// RemoveIncome removes income row id.
func (v *Visit) RemoveIncome(id string) {
	i := slices.IndexFunc(v.Incomes, func(in Income) bool { return in.ID == id })
	if i < 0 {
		return
	}
	if v.Incomes[i].Stored {
		v.Removed.Incomes = append(v.Removed.Incomes, id)
	}
	v.Incomes = slices.Delete(v.Incomes, i, i+1)
}

// AddAsset appends an asset of kind and returns it.
func (v *Visit) AddAsset(id, kind string) *Asset {
	v.Assets = append(v.Assets, Asset{ID: id, Kind: kind})
	return &v.Assets[len(v.Assets)-1]
}

// RemoveAsset removes asset id.
func (v *Visit) RemoveAsset(id string) {
	i := slices.IndexFunc(v.Assets, func(a Asset) bool { return a.ID == id })
	if i < 0 {
		return
	}
	if v.Assets[i].Stored {
		v.Removed.Assets = append(v.Removed.Assets, id)
	}
	v.Assets = slices.Delete(v.Assets, i, i+1)
}

// SetStaff sets whether staff id was present; a staff member no longer
// present loses their signature.
func (v *Visit) SetStaff(id string, present bool) {
	has := slices.Contains(v.StaffIDs, id)
	switch {
	case present && !has:
		v.StaffIDs = append(v.StaffIDs, id)
	case !present && has:
		v.StaffIDs = slices.DeleteFunc(v.StaffIDs, func(s string) bool { return s == id })
		delete(v.StaffSigs, id)
	}
}

// SetStaffSignature records staff member id's signature blob ("" clears it).
func (v *Visit) SetStaffSignature(id, hash string) {
	if v.StaffSigs == nil {
		v.StaffSigs = map[string]string{}
	}
	if hash == "" {
		delete(v.StaffSigs, id)
		return
	}
	v.StaffSigs[id] = hash
}

// Validate checks the visit on ref (today, for ID numbers and ages) and
// returns every problem. With submit false only what a draft save needs is
// checked: staff, signatures and missing answers are left for submission.
func (v *Visit) Validate(ref time.Time, cfg district.Config, submit bool) Issues {
	var c issues
	if v.Household.CommunityID == "" {
		c.required(FieldCommunity)
	}
	if strings.TrimSpace(v.Household.Address) == "" {
		c.required(FieldAddress)
	}
	if v.Purpose == "" {
		c.required(FieldPurpose)
	}
	if v.Method == "" {
		c.required(FieldMethod)
	}
	if len(v.Members) == 0 {
		c.list = append(c.list, Issue{Field: FieldMembers, Key: MsgNoMembers, Incomplete: true})
	} else if !slices.ContainsFunc(v.Members, func(m Member) bool { return m.Relationship == "self" }) {
		c.list = append(c.list, Issue{Field: FieldMembers, Key: MsgNoSelf, Incomplete: true})
	}
	seen := map[string]string{}
	for _, m := range v.Members {
		m.validate(ref, &c)
		if n := m.normalisedID(); len(n) == 18 {
			if other, dup := seen[n]; dup {
				c.add(MemberField(m.ID, FieldIDNumber), MsgDuplicateID, map[string]any{"Name": other})
			}
			seen[n] = strings.TrimSpace(m.Name)
		}
	}
	for _, in := range v.Incomes {
		if v.Member(in.MemberID) == nil {
			c.list = append(c.list, Issue{Field: IncomeField(in.ID, "member"), Key: MsgIncomeMember, Incomplete: in.MemberID == ""})
		}
		if in.Kind == "" {
			c.required(IncomeField(in.ID, "kind"))
		}
		if _, present, err := ParseYuan(in.Amount); err != nil {
			c.add(IncomeField(in.ID, "amount"), MsgAmount, nil)
		} else if !present {
			c.required(IncomeField(in.ID, "amount"))
		}
	}
	for _, a := range v.Assets {
		if a.Kind == "" {
			c.required(AssetField(a.ID, "kind"))
		}
		if _, _, err := ParseArea(a.FloorArea); err != nil {
			c.add(AssetField(a.ID, "floor_area"), MsgArea, nil)
		}
		if _, _, err := ParseYuan(a.Value); err != nil {
			c.add(AssetField(a.ID, "value"), MsgAmount, nil)
		}
	}
	if submit {
		if min := cfg.Process.MinVisitStaff; len(v.StaffIDs) < min {
			c.list = append(c.list, Issue{Field: FieldStaff, Key: MsgStaffTooFew, Incomplete: true,
				Args: map[string]any{"Min": min, "Count": len(v.StaffIDs)}})
		}
		if v.ApplicantSig == "" {
			c.list = append(c.list, Issue{Field: FieldApplicantSig, Key: MsgSignatureMissing, Incomplete: true})
		}
		for _, id := range v.StaffIDs {
			if v.StaffSigs[id] == "" {
				c.list = append(c.list, Issue{Field: StaffSigField(id), Key: MsgSignatureMissing, Incomplete: true})
			}
		}
	}
	all := c.result()
	if submit {
		return all
	}
	// A draft may leave things out, but not hold wrong values.
	var out Issues
	for _, is := range all {
		if is.Key != MsgRequired && is.Key != MsgNoMembers && is.Key != MsgNoSelf || is.Field == FieldCommunity {
			out = append(out, is)
		}
	}
	return out
}

// Live is what the visit screen shows beside the form, recomputed as the
// user types: the per-capita income, the eligibility advice with its
// reasons, and the monthly benefit and price subsidy it would pay.
type Live struct {
	// Err, when set, says why nothing could be computed (e.g. no counted
	// member); the other fields are then zero.
	Err *rules.Message
	// Income is the per-capita income computation.
	Income rules.IncomeSummary
	// Eligibility is the means-test advice; Reasons lists every failed rule.
	Eligibility rules.Eligibility
	// Benefit is the benefit computation by income alone.
	Benefit rules.Benefit
	// BenefitFen is the monthly benefit the advice pays: Benefit.TotalFen
	// when eligible, else 0. PriceSubsidyFen likewise.
	BenefitFen      int64
	PriceSubsidyFen int64
	// Skipped counts income and asset rows left out because a value is not
	// valid (yet).
	Skipped int
}

// Compute runs the means test on what has been typed so far, on ref.
// Rows whose amounts are not valid yet are left out and counted in Skipped.
func (v *Visit) Compute(ref time.Time, cfg district.Config) Live {
	h, skipped := v.rulesHousehold(ref)
	live := Live{Skipped: skipped}
	el, err := rules.CheckEligibility(h, cfg)
	if err == nil {
		var b rules.Benefit
		b, err = rules.MonthlyBenefit(h, ref, cfg)
		live.Benefit = b
	}
	if err != nil {
		m, ok := rules.MessageOf(err)
		if !ok {
			m = rules.Message{Code: rules.Code(err.Error())}
		}
		return Live{Err: &m, Skipped: skipped}
	}
	live.Eligibility, live.Income = el, el.Income
	if el.Eligible {
		live.BenefitFen = live.Benefit.TotalFen
		live.PriceSubsidyFen = live.Benefit.PriceSubsidyFen
	}
	return live
}

// rulesHousehold converts the typed visit into the rules' input, leaving out
// rows that are not valid.
func (v *Visit) rulesHousehold(ref time.Time) (rules.Household, int) {
	h := rules.Household{Setting: district.SettingRural, LocalHukou: v.Household.HukouLocal}
	if v.Household.Urban {
		h.Setting = district.SettingUrban
	}
	counted := map[string]bool{}
	for _, m := range v.Members {
		h.Members = append(h.Members, rules.Member{
			ID: m.ID, Counted: m.Counted, Birth: m.Birth(ref),
			Disabled: m.DisabilityCategory != "", SeriousIllness: m.Health == "serious",
		})
		counted[m.ID] = m.Counted
	}
	skipped := 0
	for _, in := range v.Incomes {
		fen, present, err := ParseYuan(in.Amount)
		if err != nil || !present || in.Kind == "" || v.Member(in.MemberID) == nil {
			skipped++
			continue
		}
		h.Income = append(h.Income, rules.IncomeRow{MemberID: in.MemberID, Kind: in.Kind, MonthlyFen: fen})
	}
	for _, a := range v.Assets {
		if a.OwnerMemberID != "" && !counted[a.OwnerMemberID] {
			continue // only counted members' assets are assessed
		}
		value, _, verr := ParseYuan(a.Value)
		area, _, aerr := ParseArea(a.FloorArea)
		if verr != nil || aerr != nil {
			skipped++
			continue
		}
		switch a.Kind {
		case "dwelling":
			h.Assets.Dwellings = append(h.Assets.Dwellings, rules.Dwelling{AreaM2: area})
		case "vehicle":
			h.Assets.Vehicles = append(h.Assets.Vehicles, rules.Vehicle{Kind: a.VehicleType, DisabilityVehicle: a.DisabilityVehicle, ValueFen: value})
		case "financial":
			h.Assets.FinancialFen += value
		case "business":
			employees := 0
			if a.EmploysOthers {
				employees = 1
			}
			h.Assets.Businesses = append(h.Assets.Businesses, rules.Business{Registered: true, Employees: employees})
		}
	}
	return h, skipped
}
