package rules

import (
	"time"

	"doorstep/schema/district"
)

// Member is what the rules need to know about one household member.
type Member struct {
	// ID identifies the member; IncomeRow.MemberID refers to it.
	ID string
	// Counted is whether the member counts as a household member for the
	// means test (false e.g. for someone in prison or declared missing).
	Counted bool
	// Birth is the birth date; the zero time means unknown (no age-based
	// top-up is then given).
	Birth time.Time
	// Disabled is whether the member has a disability the district's top-up covers.
	Disabled bool
	// SeriousIllness is whether the member has a serious illness (大病).
	SeriousIllness bool
}

// Income kinds known to the product. Districts may add others; any non-empty
// kind is accepted, and district.Config decides which are excluded.
const (
	IncomeWages           = "wages"
	IncomeFarming         = "farming"
	IncomeBusiness        = "business"
	IncomeProperty        = "property"
	IncomePension         = "pension"
	IncomeSupport         = "support"
	IncomeSubsidy         = "subsidy"
	IncomeOther           = "other"
	IncomeMartyrPension   = "martyr_pension"
	IncomeScholarship     = "scholarship"
	IncomeOneChildReward  = "one_child_reward"
	IncomeBraveryReward   = "bravery_reward"
	IncomeTemporaryRelief = "temporary_relief"
)

// IncomeKinds lists the known income kinds in display order.
var IncomeKinds = []string{
	IncomeWages, IncomeFarming, IncomeBusiness, IncomeProperty, IncomePension,
	IncomeSupport, IncomeSubsidy, IncomeOther, IncomeMartyrPension, IncomeScholarship,
	IncomeOneChildReward, IncomeBraveryReward, IncomeTemporaryRelief,
}

// IncomeRow is one member's monthly income from one source, in fen.
type IncomeRow struct {
	MemberID   string // a Member.ID of the household
	Kind       string // one of IncomeKinds, or a district's own kind
	MonthlyFen int64  // monthly amount in fen, not negative
}

// Vehicle kinds known to the product; district.Assets lists which disqualify.
const (
	VehicleCar        = "car"
	VehicleMotorcycle = "motorcycle"
	VehicleTruck      = "truck"
	VehicleOther      = "other"
)

// Vehicle is a vehicle owned by a household member.
type Vehicle struct {
	// Kind is one of the Vehicle… kinds, or a district's own.
	Kind string
	// DisabilityVehicle is true for a disability vehicle (残疾人代步车),
	// which never disqualifies.
	DisabilityVehicle bool
	// ValueFen is the estimated value, in fen (recorded; no rule uses it yet).
	ValueFen int64
}

// Dwelling is a dwelling owned by a household member.
type Dwelling struct {
	// AreaM2 is the floor area in square metres.
	AreaM2 float64
}

// Business is a business owned or run by a household member.
type Business struct {
	// Registered is whether the business is registered (工商登记).
	Registered bool
	// Employees is the number of people employed from outside the household.
	Employees int
}

// Assets is what a household owns, as far as the means test asks.
type Assets struct {
	// Vehicles owned by counted members.
	Vehicles []Vehicle
	// Dwellings owned by counted members.
	Dwellings []Dwelling
	// FinancialFen is the total of deposits, securities and insurance cash
	// values, in fen.
	FinancialFen int64
	// Businesses owned or run by counted members.
	Businesses []Business
}

// Household is the input of the 低保 means test and benefit rules.
type Household struct {
	// Setting selects the urban or rural standard; empty means the district's.
	Setting district.Setting
	// LocalHukou is whether the household has local 户籍.
	LocalHukou bool
	// Members lists every member, counted or not.
	Members []Member
	// Income lists every income row of the members.
	Income []IncomeRow
	// Assets is what the household owns.
	Assets Assets
}
