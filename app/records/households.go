package records

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"doorstep/schema/rules"
)

// Household statuses (households.status).
const (
	StatusApplicant = "applicant"
	StatusActive    = "active"
	StatusSuspended = "suspended"
	StatusCancelled = "cancelled"
)

// HouseholdSummary is one row of the household list.
type HouseholdSummary struct {
	ID          string
	RefCode     string
	HeadName    string
	Address     string
	CommunityID string
	Community   string // the community's name
	Status      string
	Class       string // A, B or C
	RecheckDue  string // date of the next re-check, "" if none
	Members     int    // members not deleted
	// CaseNo is the 低保 case number (证号) given at approval, "" before.
	CaseNo string
}

// Household is everything the household screen shows. Only staff roles may
// read it.
type Household struct {
	HouseholdSummary
	Urban          bool
	HukouLocal     bool
	StaffRelative  bool
	HardshipCause  string
	AppliedOn      string
	ApprovedOn     string
	CancelledOn    string
	CancelReason   string
	BenefitFen     int64
	CoveredMembers int
	CaseworkerID   string
	Caseworker     string // the caseworker's name
	LastVisitID    string

	Members []Member
	Incomes []Income
	Assets  []Asset
	Visits  []Visit

	// Income is the per-capita income rule applied to Members and Incomes
	// with the district configuration; IncomeErr says why it could not be
	// (e.g. no counted member) — a rules error with a user message.
	Income    rules.IncomeSummary
	IncomeErr error
}

// Member is one person of a household.
type Member struct {
	ID                 string
	Name               string
	IDNumber           string
	Sex                string
	BirthDate          string
	Relationship       string
	Marital            string
	Health             string
	DisabilityCategory string
	DisabilityGrade    int
	LabourCapacity     string
	Employment         string
	Counted            bool
	NotCountedReason   string
}

// Income is one member's monthly income from one source, in fen.
type Income struct {
	ID         string
	MemberID   string
	Kind       string
	MonthlyFen int64
	Note       string
}

// Asset is one asset of a household (dwelling, vehicle, financial, business,
// machinery — Kind says which; unused fields are zero).
type Asset struct {
	ID                string
	Kind              string
	OwnerMemberID     string
	Description       string
	FloorArea         float64
	DwellingType      string
	Renovation        string
	VehicleType       string
	DisabilityVehicle bool
	ValueFen          int64
	EmploysOthers     bool
}

// Visit is one means-test visit in a household's history, with its latest
// review decision.
type Visit struct {
	ID            string
	RefCode       string
	Purpose       string
	Method        string
	StartedAt     string
	EndedAt       string
	State         string
	Author        string // the author's name
	PerCapitaFen  int64
	BenefitFen    int64
	Eligible      bool
	ReviewAction  string // "" when not reviewed yet
	ReviewComment string
}

const summaryCols = `h.id, coalesce(h.ref_code,''), coalesce(h.head_name,''), coalesce(h.address,''),
	coalesce(h.community_id,''), coalesce(c.name,''), coalesce(h.status,''), coalesce(h.class,''),
	coalesce(h.recheck_due,''),
	(SELECT count(*) FROM members m WHERE m.household_id = h.id AND m.deleted = 0), coalesce(h.case_no,'')`

func scanSummary(r scanner, h *HouseholdSummary, extra ...any) error {
	return r.Scan(append([]any{&h.ID, &h.RefCode, &h.HeadName, &h.Address, &h.CommunityID,
		&h.Community, &h.Status, &h.Class, &h.RecheckDue, &h.Members, &h.CaseNo}, extra...)...)
}

// Household returns household id with its members, incomes, assets and
// visit history. Volunteers get ErrForbidden; a household outside me's
// communities, or absent, gets ErrNotFound.
func (s *Store) Household(ctx context.Context, me Identity, id string) (Household, error) {
	if me.IsVolunteer() {
		return Household{}, ErrForbidden
	}
	var h Household
	var urban, local, relative int
	row := s.db.QueryRowContext(ctx, `SELECT `+summaryCols+`,
		coalesce(h.urban,0), coalesce(h.hukou_local,0), coalesce(h.staff_relative,0),
		coalesce(h.hardship_cause,''), coalesce(h.applied_on,''), coalesce(h.approved_on,''),
		coalesce(h.cancelled_on,''), coalesce(h.cancel_reason,''), coalesce(h.benefit_fen,0),
		coalesce(h.covered_members,0), coalesce(h.caseworker_id,''), coalesce(st.name,''),
		coalesce(h.last_visit_id,'')
		FROM households h LEFT JOIN communities c ON c.id = h.community_id
		LEFT JOIN staff st ON st.id = h.caseworker_id
		WHERE h.id = ? AND h.deleted = 0`, id)
	err := scanSummary(row, &h.HouseholdSummary, &urban, &local, &relative, &h.HardshipCause,
		&h.AppliedOn, &h.ApprovedOn, &h.CancelledOn, &h.CancelReason, &h.BenefitFen,
		&h.CoveredMembers, &h.CaseworkerID, &h.Caseworker, &h.LastVisitID)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !me.InCommunity(h.CommunityID) {
		return Household{}, ErrNotFound
	}
	if err != nil {
		return Household{}, fmt.Errorf("read household %s: %w", id, err)
	}
	h.Urban, h.HukouLocal, h.StaffRelative = urban == 1, local == 1, relative == 1
	if h.Members, err = s.members(ctx, id); err != nil {
		return Household{}, err
	}
	if h.Incomes, err = s.incomes(ctx, id); err != nil {
		return Household{}, err
	}
	if h.Assets, err = s.assets(ctx, id); err != nil {
		return Household{}, err
	}
	if h.Visits, err = s.visits(ctx, id); err != nil {
		return Household{}, err
	}
	ms := make([]rules.Member, len(h.Members))
	for i, m := range h.Members {
		ms[i] = rules.Member{ID: m.ID, Counted: m.Counted}
	}
	rows := make([]rules.IncomeRow, len(h.Incomes))
	for i, in := range h.Incomes {
		rows[i] = rules.IncomeRow{MemberID: in.MemberID, Kind: in.Kind, MonthlyFen: in.MonthlyFen}
	}
	h.Income, h.IncomeErr = rules.PerCapitaIncome(ms, rows, s.cfg)
	return h, nil
}

func (s *Store) members(ctx context.Context, householdID string) ([]Member, error) {
	var out []Member
	err := s.queryRows(ctx, "members", `SELECT id, coalesce(name,''), coalesce(id_number,''),
		coalesce(sex,''), coalesce(birth_date,''), coalesce(relationship,''), coalesce(marital,''),
		coalesce(health,''), coalesce(disability_category,''), coalesce(disability_grade,0),
		coalesce(labour_capacity,''), coalesce(employment,''), coalesce(counted,1),
		coalesce(not_counted_reason,'')
		FROM members WHERE household_id = ? AND deleted = 0
		ORDER BY relationship <> 'self', birth_date, id`, []any{householdID}, func(r *sql.Rows) error {
		var m Member
		var counted int
		err := r.Scan(&m.ID, &m.Name, &m.IDNumber, &m.Sex, &m.BirthDate, &m.Relationship, &m.Marital,
			&m.Health, &m.DisabilityCategory, &m.DisabilityGrade, &m.LabourCapacity, &m.Employment,
			&counted, &m.NotCountedReason)
		m.Counted = counted == 1
		out = append(out, m)
		return err
	})
	return out, err
}

func (s *Store) incomes(ctx context.Context, householdID string) ([]Income, error) {
	var out []Income
	err := s.queryRows(ctx, "incomes", `SELECT id, coalesce(member_id,''), coalesce(kind,''),
		coalesce(monthly_fen,0), coalesce(note,'')
		FROM incomes WHERE household_id = ? AND deleted = 0 ORDER BY member_id, kind, id`,
		[]any{householdID}, func(r *sql.Rows) error {
			var in Income
			err := r.Scan(&in.ID, &in.MemberID, &in.Kind, &in.MonthlyFen, &in.Note)
			out = append(out, in)
			return err
		})
	return out, err
}

func (s *Store) assets(ctx context.Context, householdID string) ([]Asset, error) {
	var out []Asset
	err := s.queryRows(ctx, "assets", `SELECT id, coalesce(kind,''), coalesce(owner_member_id,''),
		coalesce(description,''), coalesce(floor_area,0), coalesce(dwelling_type,''),
		coalesce(renovation,''), coalesce(vehicle_type,''), coalesce(disability_vehicle,0),
		coalesce(value_fen,0), coalesce(employs_others,0)
		FROM assets WHERE household_id = ? AND deleted = 0 ORDER BY kind, id`,
		[]any{householdID}, func(r *sql.Rows) error {
			var a Asset
			var dv, emp int
			err := r.Scan(&a.ID, &a.Kind, &a.OwnerMemberID, &a.Description, &a.FloorArea,
				&a.DwellingType, &a.Renovation, &a.VehicleType, &dv, &a.ValueFen, &emp)
			a.DisabilityVehicle, a.EmploysOthers = dv == 1, emp == 1
			out = append(out, a)
			return err
		})
	return out, err
}

func (s *Store) visits(ctx context.Context, householdID string) ([]Visit, error) {
	var out []Visit
	err := s.queryRows(ctx, "visits", `SELECT v.id, coalesce(v.ref_code,''), coalesce(v.purpose,''),
		coalesce(v.method,''), coalesce(v.started_at,''), coalesce(v.ended_at,''), coalesce(v.state,''),
		coalesce(st.name,''), coalesce(v.per_capita_fen,0), coalesce(v.benefit_fen,0),
		coalesce(v.eligible,0),
		coalesce((SELECT action FROM review_events e WHERE e.record_id = v.id AND e.deleted = 0
			ORDER BY e.at DESC, e.id DESC LIMIT 1),''),
		coalesce((SELECT comment FROM review_events e WHERE e.record_id = v.id AND e.deleted = 0
			ORDER BY e.at DESC, e.id DESC LIMIT 1),'')
		FROM means_visits v LEFT JOIN staff st ON st.id = v.author_id
		WHERE v.household_id = ? AND v.deleted = 0
		ORDER BY v.started_at DESC, v.id DESC`, []any{householdID}, func(r *sql.Rows) error {
		var v Visit
		var eligible int
		err := r.Scan(&v.ID, &v.RefCode, &v.Purpose, &v.Method, &v.StartedAt, &v.EndedAt, &v.State,
			&v.Author, &v.PerCapitaFen, &v.BenefitFen, &eligible, &v.ReviewAction, &v.ReviewComment)
		v.Eligible = eligible == 1
		out = append(out, v)
		return err
	})
	return out, err
}

// Community is a community (社区) of the district.
type Community struct {
	ID       string
	Name     string
	StreetID string
	Street   string
}

// Communities returns every community on the device, by street then name.
func (s *Store) Communities(ctx context.Context) ([]Community, error) {
	var out []Community
	err := s.queryRows(ctx, "communities", `SELECT c.id, coalesce(c.name,''), coalesce(c.street_id,''),
		coalesce(s.name,'') FROM communities c LEFT JOIN streets s ON s.id = c.street_id
		WHERE c.deleted = 0 ORDER BY s.name, c.name`, nil, func(r *sql.Rows) error {
		var c Community
		err := r.Scan(&c.ID, &c.Name, &c.StreetID, &c.Street)
		out = append(out, c)
		return err
	})
	return out, err
}
