package forms

import "time"

// Snapshot is the household as a means-test visit recorded it, stored as
// JSON in means_visits.snapshot when the visit is submitted, so reviewers
// and later spot checks see exactly what was assessed even after the
// household rows change. It follows the demo district's convention: each
// row holds its registry columns plus "id" (household_id and community_id
// are left out: the visit row has them); booleans are 0/1, money integer
// fen, dates "2006-01-02". The results of the means test are the visit
// row's own columns (per_capita_fen, benefit_fen, eligible, reasons).
type Snapshot struct {
	Household SnapHousehold `json:"household"`
	Members   []SnapMember  `json:"members"`
	Incomes   []SnapIncome  `json:"incomes"`
	Assets    []SnapAsset   `json:"assets"`
}

// SnapHousehold is the household row of a Snapshot.
type SnapHousehold struct {
	ID            string `json:"id"`
	Address       string `json:"address"`
	HeadName      string `json:"head_name"`
	Urban         int    `json:"urban"`
	HukouLocal    int    `json:"hukou_local"`
	Class         string `json:"class,omitempty"`
	HardshipCause string `json:"hardship_cause,omitempty"`
	StaffRelative int    `json:"staff_relative"`
}

// SnapMember is a member row of a Snapshot.
type SnapMember struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	IDNumber           string `json:"id_number"`
	Sex                string `json:"sex"`
	BirthDate          string `json:"birth_date"`
	Relationship       string `json:"relationship"`
	Marital            string `json:"marital,omitempty"`
	Health             string `json:"health,omitempty"`
	DisabilityCategory string `json:"disability_category,omitempty"`
	DisabilityGrade    int    `json:"disability_grade,omitempty"`
	LabourCapacity     string `json:"labour_capacity,omitempty"`
	Employment         string `json:"employment,omitempty"`
	Counted            int    `json:"counted"`
	NotCountedReason   string `json:"not_counted_reason,omitempty"`
}

// SnapIncome is an income row of a Snapshot.
type SnapIncome struct {
	ID         string `json:"id"`
	MemberID   string `json:"member_id"`
	Kind       string `json:"kind"`
	MonthlyFen int64  `json:"monthly_fen"`
	Note       string `json:"note,omitempty"`
}

// SnapAsset is an asset row of a Snapshot.
type SnapAsset struct {
	ID                string  `json:"id"`
	Kind              string  `json:"kind"`
	OwnerMemberID     string  `json:"owner_member_id,omitempty"`
	Description       string  `json:"description,omitempty"`
	FloorArea         float64 `json:"floor_area,omitempty"`
	DwellingType      string  `json:"dwelling_type,omitempty"`
	Renovation        string  `json:"renovation,omitempty"`
	VehicleType       string  `json:"vehicle_type,omitempty"`
	DisabilityVehicle int     `json:"disability_vehicle,omitempty"`
	ValueFen          int64   `json:"value_fen,omitempty"`
	EmploysOthers     int     `json:"employs_others,omitempty"`
}

// Snapshot returns the visit's household data in stored form, as of ref.
func (v *Visit) Snapshot(ref time.Time) Snapshot {
	h := v.Household
	s := Snapshot{
		Household: SnapHousehold{ID: h.ID, Address: h.Address, HeadName: v.Title(), Urban: boolInt(h.Urban),
			HukouLocal: boolInt(h.HukouLocal), Class: h.Class, HardshipCause: h.HardshipCause,
			StaffRelative: boolInt(h.StaffRelative)},
		Members: []SnapMember{}, Incomes: []SnapIncome{}, Assets: []SnapAsset{},
	}
	for _, m := range v.Members {
		bd := ""
		if b := m.Birth(ref); !b.IsZero() {
			bd = b.Format(DateLayout)
		}
		s.Members = append(s.Members, SnapMember{ID: m.ID, Name: m.Name, IDNumber: m.normalisedID(),
			Sex: m.Sex, BirthDate: bd, Relationship: m.Relationship, Marital: m.Marital, Health: m.Health,
			DisabilityCategory: m.DisabilityCategory, DisabilityGrade: m.disabilityGrade(),
			LabourCapacity: m.LabourCapacity, Employment: m.Employment, Counted: boolInt(m.Counted),
			NotCountedReason: notCountedReason(m)})
	}
	for _, in := range v.Incomes {
		fen, _, _ := ParseYuan(in.Amount)
		s.Incomes = append(s.Incomes, SnapIncome{ID: in.ID, MemberID: in.MemberID, Kind: in.Kind,
			MonthlyFen: fen, Note: in.Note})
	}
	for _, a := range v.Assets {
		area, _, _ := ParseArea(a.FloorArea)
		value, _, _ := ParseYuan(a.Value)
		s.Assets = append(s.Assets, SnapAsset{ID: a.ID, Kind: a.Kind, OwnerMemberID: a.OwnerMemberID,
			Description: a.Description, FloorArea: area, DwellingType: a.DwellingType, Renovation: a.Renovation,
			VehicleType: a.VehicleType, DisabilityVehicle: boolInt(a.DisabilityVehicle), ValueFen: value,
			EmploysOthers: boolInt(a.EmploysOthers)})
	}
	return s
}

// CountedMembers returns how many members of the snapshot are counted.
func (s Snapshot) CountedMembers() int {
	n := 0
	for _, m := range s.Members {
		if m.Counted == 1 {
			n++
		}
	}
	return n
}

// IncomeTotal returns the monthly income of counted members, all kinds.
func (s Snapshot) IncomeTotal() int64 {
	counted := map[string]bool{}
	for _, m := range s.Members {
		counted[m.ID] = m.Counted == 1
	}
	var t int64
	for _, in := range s.Incomes {
		if counted[in.MemberID] {
			t += in.MonthlyFen
		}
	}
	return t
}
