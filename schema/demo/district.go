// Package demo generates the demo district: a deterministic, seeded, realistic
// 焦作市解放区 with the figures of its half-year report, and writes it to a database.
//
// Generate is pure: the same seed and reference date always give the same rows,
// ids included. The district holds 2,522 active 低保 households with 6,708
// counted people whose monthly benefits, computed by schema/rules with the
// embedded district configuration, add up to 739,000 yuan; 182 households
// cancelled and 220 added within the half-year; 295 screened elders of whom
// 155 fall in a monetary-care group and 46 are 70 or older (home-based care);
// 60 volunteer pairings with their visit logs; 16 "三小" group activities
// with 1,200-odd person-times. Totals recounts all of it from the rows.
//
// Conventions a reader of the data should know:
//   - codes are the lists in schema/codes.go; Barthel grades, GB/T levels and
//     failure reasons are schema/rules codes (reasons as JSON []rules.Message);
//   - a means visit's snapshot is JSON {"household":{…},"members":[…],
//     "incomes":[…],"assets":[…]} holding the rows as the visit recorded
//     them (registry column names plus "id"; household_id and community_id
//     are left out, the visit row has them);
//   - photos and signatures are blobs, which the generator does not make:
//     photos are "[]", staff_signatures "{}" (an object of staff id →
//     blob), applicant_signature is NULL;
//   - screenings' home_care is the derived eligibility (70+); in the demo
//     every screened elder of 70 or more takes up home-based care, so the
//     count of home_care = 1 is also the report's 46 people served;
//   - NULL means "not applicable" (a cancellation date of an active
//     household, the disability grade of someone without a disability).
package demo

import (
	"time"

	"doorstep/schema/district"
)

// DefaultSeed is the seed `make demo`, the tests and the benchmarks use.
const DefaultSeed int64 = 1

// The report's figures, which Generate reproduces exactly (Totals recounts
// them from the rows; the tests compare).
const (
	// TargetActiveHouseholds is the number of active 低保 households.
	TargetActiveHouseholds = 2522
	// TargetPeople is the number of counted people in active households.
	TargetPeople = 6708
	// TargetPayoutFen is the monthly 低保 payout of active households, in fen.
	TargetPayoutFen int64 = 73_900_000
	// TargetCancelled is the number of households cancelled in the half-year.
	TargetCancelled = 182
	// TargetAdded is the number of households approved in the half-year.
	TargetAdded = 220
	// TargetMonetaryCare is the number of screened elders in a monetary-care group.
	TargetMonetaryCare = 155
	// TargetHomeCare is the number of screened elders aged 70 or more.
	TargetHomeCare = 46
	// TargetPairings is the number of elders paired with volunteers.
	TargetPairings = 60
	// TargetActivities is the number of "三小" group activities.
	TargetActivities = 16
	// TargetActivityHeadcount is the least total headcount of the activities
	// (the report: 1,200-odd person-times); the total stays below 1,260.
	TargetActivityHeadcount = 1200
)

// Row is one row of a synced table: its id and a value for every other
// registry column (schema.Reg), typed to the column: string for TEXT, int64
// for INTEGER, float64 for REAL, or nil for NULL.
type Row struct {
	Table  string
	ID     string
	Values map[string]any
}

// District is a generated demo district.
type District struct {
	// Seed and Ref are Generate's arguments.
	Seed int64
	Ref  time.Time
	// From and To are the first and last day of the half-year the district's
	// events fall in (dates at midnight UTC). Every dated record lies on or
	// before To; the district is as it stood at the end of To.
	From, To time.Time
	// Config is the district configuration whose rules computed the
	// benefits, grades and groups (district.Default()).
	Config district.Config
	// Rows holds every row, grouped by table in registry order.
	Rows []Row
}

// Table returns the rows of the named table, in generation order.
func (d *District) Table(name string) []Row {
	var out []Row
	for _, r := range d.Rows {
		if r.Table == name {
			out = append(out, r)
		}
	}
	return out
}

// HalfYear returns the half-year a district generated for ref covers: 1
// January to 30 June of ref's year when ref (read in China Standard Time) is
// on or after 1 July, else of the year before, so that the data never lies
// in the future of ref. Both are dates at midnight UTC.
func HalfYear(ref time.Time) (from, to time.Time) {
	y := ref.In(cst).Year()
	if ref.In(cst).Month() < time.July {
		y--
	}
	return date(y, time.January, 1), date(y, time.June, 30)
}

// Generate builds the demo district for seed, with the half-year chosen by
// HalfYear(ref). It is pure (no I/O, no clock) and deterministic. It panics
// only on a programming error (an embedded configuration the rules reject).
func Generate(seed int64, ref time.Time) *District {
	from, to := HalfYear(ref)
	g := &gen{
		seed:       seed,
		cfg:        district.Default(),
		ids:        newIDSource(seed),
		from:       from,
		to:         to,
		idNums:     map[string]bool{},
		returnedTo: map[*staffer]bool{},
	}
	g.organisation()
	g.households()
	g.elders()
	g.volunteering()
	g.benefitHistory()
	g.payouts()
	g.institutions()
	g.medicalAid()
	return &District{Seed: seed, Ref: ref, From: from, To: to, Config: g.cfg, Rows: g.rows()}
}

// gen holds the district while it is generated.
type gen struct {
	seed     int64
	cfg      district.Config
	ids      *idSource
	from, to time.Time

	streets    []*street
	comms      []*community
	staff      []*staffer
	districtSV []*staffer
	hhs        []*household
	meetings   []*meeting
	reviewList []*review
	// returnedTo marks the caseworkers who have a returned visit waiting
	// for their correction (settle).
	returnedTo map[*staffer]bool
	elderList  []*elder
	pairings   []*pairing
	activities []*activity
	idNums     map[string]bool
	rolls      []*payRoll
	insts      []*institution
	medical    []*medicalCase
}

// cst is China Standard Time, in which visits happen and dates are recorded.
var cst = time.FixedZone("CST", 8*3600)

// date returns the calendar date at midnight UTC (the storage convention).
func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// at returns the instant of hour:min on calendar day d in China.
func at(d time.Time, hour, min int) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), hour, min, 0, 0, cst)
}

// dayOf returns the calendar date in China of instant t.
func dayOf(t time.Time) time.Time {
	t = t.In(cst)
	return date(t.Year(), t.Month(), t.Day())
}

// addDays moves a date by n days.
func addDays(d time.Time, n int) time.Time { return d.AddDate(0, 0, n) }

// weekday moves a date off the weekend: Saturday back to Friday, Sunday on to Monday.
func weekday(d time.Time) time.Time {
	switch d.Weekday() {
	case time.Saturday:
		return addDays(d, -1)
	case time.Sunday:
		return addDays(d, 1)
	}
	return d
}

// dateStr formats a date for a TEXT date column.
func dateStr(d time.Time) string { return d.Format("2006-01-02") }

// instStr formats an instant for a TEXT instant column (RFC 3339 UTC).
func instStr(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// optDate is dateStr, or nil for the zero time.
func optDate(d time.Time) any {
	if d.IsZero() {
		return nil
	}
	return dateStr(d)
}

// optInst is instStr, or nil for the zero time.
func optInst(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return instStr(t)
}

// b2i stores a boolean as INTEGER 0/1.
func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
