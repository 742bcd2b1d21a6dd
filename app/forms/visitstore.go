package forms

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/rs/xid"
)

// ErrNotFound is returned when a record to load does not exist.
var ErrNotFound = errors.New("record not found")

// NewVisit starts a means-test visit with id for household householdID, as
// its rows stand now, or for a new applicant household in community
// communityID when householdID is "". The signed-in user is listed as the
// first staff member present.
func NewVisit(ctx context.Context, env Env, id, householdID, communityID string) (*Visit, error) {
	v := &Visit{ID: id, Method: "home", Purpose: "application", StartedAt: env.stamp(),
		StaffSigs: map[string]string{}}
	if env.UserID != "" {
		v.StaffIDs = []string{env.UserID}
	}
	if householdID == "" {
		v.Household = Household{ID: env.newID(), CommunityID: communityID, Urban: true, HukouLocal: true}
		if communityID != "" {
			var urban sql.NullInt64
			err := env.DB.QueryRowContext(ctx, `SELECT urban FROM communities WHERE id = ?`, communityID).Scan(&urban)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return nil, fmt.Errorf("new visit: read community %s: %w", communityID, err)
			}
			if urban.Valid {
				v.Household.Urban = urban.Int64 == 1
			}
		}
		return v, nil
	}
	if err := v.loadHousehold(ctx, env.DB, householdID); err != nil {
		return nil, fmt.Errorf("new visit: %w", err)
	}
	if v.Household.Status != "" && v.Household.Status != "applicant" {
		v.Purpose = "recheck"
	}
	return v, nil
}

// LoadVisit reads a stored visit with its household's current rows. A
// submitted visit loads read-only (see Visit.ReadOnly).
func LoadVisit(ctx context.Context, env Env, id string) (*Visit, error) {
	v := &Visit{ID: id}
	var hh, staff, photos, staffSigs string
	err := env.DB.QueryRowContext(ctx, `SELECT coalesce(household_id,''), coalesce(state,''),
		coalesce(ref_code,''), coalesce(supersedes_id,''), coalesce(purpose,''), coalesce(method,''),
		coalesce(started_at,''), coalesce(staff_ids,''), coalesce(observations,''),
		coalesce(living_conditions,''), coalesce(neighbour_notes,''), coalesce(location,''),
		coalesce(photos,''), coalesce(applicant_signature,''), coalesce(staff_signatures,'')
		FROM means_visits WHERE id = ? AND deleted = 0`, id).Scan(&hh, &v.State, &v.RefCode,
		&v.SupersedesID, &v.Purpose, &v.Method, &v.StartedAt, &staff, &v.Observations,
		&v.LivingConditions, &v.NeighbourNotes, &v.Location, &photos, &v.ApplicantSig, &staffSigs)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("load visit %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load visit %s: %w", id, err)
	}
	v.StaffIDs = jsonStrings(staff)
	v.Photos = jsonStrings(photos)
	v.StaffSigs = map[string]string{}
	if staffSigs != "" {
		_ = json.Unmarshal([]byte(staffSigs), &v.StaffSigs)
	}
	if err := v.loadHousehold(ctx, env.DB, hh); err != nil {
		return nil, fmt.Errorf("load visit %s: %w", id, err)
	}
	return v, nil
}

// Correction starts the correction of a returned visit: a new visit with
// id that supersedes it, holding the same answers and the household's
// current rows, ready to be edited and submitted again.
func Correction(ctx context.Context, env Env, returnedID, id string) (*Visit, error) {
	v, err := LoadVisit(ctx, env, returnedID)
	if err != nil {
		return nil, fmt.Errorf("correct visit: %w", err)
	}
	v.ID, v.SupersedesID, v.State, v.RefCode = id, returnedID, "", ""
	return v, nil
}

// loadHousehold fills the household, members, incomes and assets from the
// database.
func (v *Visit) loadHousehold(ctx context.Context, db *sql.DB, id string) error {
	h := Household{ID: id, Stored: true}
	var urban, local, relative int
	err := db.QueryRowContext(ctx, `SELECT coalesce(community_id,''), coalesce(ref_code,''),
		coalesce(address,''), coalesce(urban,1), coalesce(hukou_local,1), coalesce(hardship_cause,''),
		coalesce(class,''), coalesce(staff_relative,0), coalesce(status,'')
		FROM households WHERE id = ? AND deleted = 0`, id).Scan(&h.CommunityID, &h.RefCode,
		&h.Address, &urban, &local, &h.HardshipCause, &h.Class, &relative, &h.Status)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("household %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("household %s: %w", id, err)
	}
	h.Urban, h.HukouLocal, h.StaffRelative = urban == 1, local == 1, relative == 1
	v.Household = h
	v.Members, v.Incomes, v.Assets = nil, nil, nil
	err = query(ctx, db, `SELECT id, coalesce(name,''), coalesce(id_number,''), coalesce(sex,''),
		coalesce(birth_date,''), coalesce(relationship,''), coalesce(marital,''), coalesce(health,''),
		coalesce(disability_category,''), coalesce(disability_grade,0), coalesce(labour_capacity,''),
		coalesce(employment,''), coalesce(counted,1), coalesce(not_counted_reason,'')
		FROM members WHERE household_id = ? AND deleted = 0
		ORDER BY relationship <> 'self', birth_date, id`, []any{id}, func(r *sql.Rows) error {
		m := Member{Stored: true}
		var grade, counted int
		err := r.Scan(&m.ID, &m.Name, &m.IDNumber, &m.Sex, &m.BirthDate, &m.Relationship, &m.Marital,
			&m.Health, &m.DisabilityCategory, &grade, &m.LabourCapacity, &m.Employment, &counted,
			&m.NotCountedReason)
		if grade > 0 {
			m.DisabilityGrade = strconv.Itoa(grade)
		}
		m.Counted = counted == 1
		v.Members = append(v.Members, m)
		return err
	})
	if err != nil {
		return err
	}
	err = query(ctx, db, `SELECT id, coalesce(member_id,''), coalesce(kind,''), coalesce(monthly_fen,0),
		coalesce(note,'') FROM incomes WHERE household_id = ? AND deleted = 0 ORDER BY member_id, kind, id`,
		[]any{id}, func(r *sql.Rows) error {
			in := Income{Stored: true}
			var fen int64
			err := r.Scan(&in.ID, &in.MemberID, &in.Kind, &fen, &in.Note)
			in.Amount = FormatYuan(fen)
			v.Incomes = append(v.Incomes, in)
			return err
		})
	if err != nil {
		return err
	}
	return query(ctx, db, `SELECT id, coalesce(kind,''), coalesce(owner_member_id,''),
		coalesce(description,''), coalesce(floor_area,0), coalesce(dwelling_type,''),
		coalesce(renovation,''), coalesce(vehicle_type,''), coalesce(disability_vehicle,0),
		coalesce(value_fen,0), coalesce(employs_others,0)
		FROM assets WHERE household_id = ? AND deleted = 0 ORDER BY kind, id`, []any{id},
		func(r *sql.Rows) error {
			a := Asset{Stored: true}
			var area float64
			var dv, emp int
			var value int64
			err := r.Scan(&a.ID, &a.Kind, &a.OwnerMemberID, &a.Description, &area, &a.DwellingType,
				&a.Renovation, &a.VehicleType, &dv, &value, &emp)
			a.FloorArea = FormatArea(area)
			if value != 0 {
				a.Value = FormatYuan(value)
			}
			a.DisabilityVehicle, a.EmploysOthers = dv == 1, emp == 1
			v.Assets = append(v.Assets, a)
			return err
		})
}

// Save writes the visit and the household's rows as typed, in one
// transaction, and removes the visit's draft. With submit the visit becomes
// submitted: its submission time, the household snapshot and the computed
// per-capita income, benefit, eligibility and reasons are stored with it.
// Invalid input returns Issues (see Validate) and writes nothing.
func (v *Visit) Save(ctx context.Context, env Env, submit bool) (Live, error) {
	if v.ReadOnly() {
		return Live{}, Issues{{Field: "", Key: MsgReadOnly}}
	}
	ref := env.Today()
	if is := v.Validate(ref, env.Config, submit); len(is) > 0 {
		return Live{}, is
	}
	live := v.Compute(ref, env.Config)
	state := StateDraft
	if submit {
		state = StateSubmitted
	}
	hh := &v.Household
	err := inTx(ctx, env.DB, "save visit "+v.ID, func(tx *sql.Tx) error {
		if err := v.writeHousehold(ctx, tx, env); err != nil {
			return err
		}
		refCode := v.RefCode
		if refCode == "" {
			refCode = "V-" + xid.NewWithTime(env.now()).String()
		}
		staffSigs, _ := json.Marshal(nonNilMap(v.StaffSigs))
		cols := []col{
			{"household_id", hh.ID}, {"community_id", hh.CommunityID}, {"ref_code", refCode},
			{"purpose", v.Purpose}, {"method", v.Method}, {"started_at", nullIf(v.StartedAt)},
			{"staff_ids", jsonList(v.StaffIDs)}, {"observations", v.Observations},
			{"living_conditions", v.LivingConditions}, {"neighbour_notes", v.NeighbourNotes},
			{"location", v.Location}, {"photos", jsonList(v.Photos)},
			{"applicant_signature", nullIf(v.ApplicantSig)}, {"staff_signatures", string(staffSigs)},
			{"state", state}, {"author_id", nullIf(env.UserID)}, {"supersedes_id", nullIf(v.SupersedesID)},
			{"deleted", 0},
		}
		if live.Err == nil {
			reasons, _ := json.Marshal(nonNilSlice(live.Eligibility.Reasons))
			cols = append(cols, col{"per_capita_fen", live.Income.PerCapitaFen},
				col{"benefit_fen", live.BenefitFen}, col{"eligible", live.Eligibility.Eligible},
				col{"reasons", string(reasons)})
		}
		if submit {
			snap, err := json.Marshal(v.Snapshot(ref))
			if err != nil {
				return fmt.Errorf("snapshot: %w", err)
			}
			cols = append(cols, col{"snapshot", string(snap)}, col{"submitted_at", env.stamp()},
				col{"ended_at", env.stamp()})
		}
		if err := writeRow(ctx, tx, "means_visits", v.ID, cols); err != nil {
			return err
		}
		if submit {
			if err := env.signSubmit(ctx, tx, "means_visits", v.ID, v.StartedAt); err != nil {
				return err
			}
		}
		v.RefCode = refCode
		return deleteDraft(ctx, tx, FormMeansVisit, v.ID)
	})
	if err != nil {
		return Live{}, err
	}
	v.State = state
	v.markStored()
	return live, nil
}

// writeHousehold writes the household, its members, incomes and assets.
func (v *Visit) writeHousehold(ctx context.Context, tx *sql.Tx, env Env) error {
	hh := &v.Household
	head := v.Title()
	cols := []col{
		{"community_id", hh.CommunityID}, {"address", hh.Address}, {"urban", hh.Urban},
		{"hukou_local", hh.HukouLocal}, {"hardship_cause", nullIf(hh.HardshipCause)},
		{"class", nullIf(hh.Class)}, {"staff_relative", hh.StaffRelative}, {"head_name", head},
	}
	if !hh.Stored {
		if hh.RefCode == "" {
			hh.RefCode = "H-" + xid.NewWithTime(env.now()).String()
		}
		hh.Status = "applicant"
		cols = append(cols, col{"ref_code", hh.RefCode}, col{"status", "applicant"},
			col{"applied_on", env.Today().Format(DateLayout)}, col{"caseworker_id", nullIf(env.UserID)},
			col{"deleted", 0})
	}
	if err := writeRow(ctx, tx, "households", hh.ID, cols); err != nil {
		return err
	}
	ref := env.Today()
	for _, m := range v.Members {
		birth := m.Birth(ref)
		bd := any(nil)
		if !birth.IsZero() {
			bd = birth.Format(DateLayout)
		}
		err := writeRow(ctx, tx, "members", m.ID, []col{
			{"household_id", hh.ID}, {"community_id", hh.CommunityID}, {"name", m.Name},
			{"id_number", nullIf(m.normalisedID())}, {"sex", nullIf(m.Sex)}, {"birth_date", bd},
			{"relationship", nullIf(m.Relationship)}, {"marital", nullIf(m.Marital)},
			{"health", nullIf(m.Health)}, {"disability_category", nullIf(m.DisabilityCategory)},
			{"disability_grade", nullIf(m.disabilityGrade())}, {"labour_capacity", nullIf(m.LabourCapacity)},
			{"employment", nullIf(m.Employment)}, {"counted", m.Counted},
			{"not_counted_reason", nullIf(notCountedReason(m))}, {"deleted", 0},
		})
		if err != nil {
			return err
		}
	}
	for _, in := range v.Incomes {
		fen, _, _ := ParseYuan(in.Amount)
		err := writeRow(ctx, tx, "incomes", in.ID, []col{
			{"household_id", hh.ID}, {"member_id", nullIf(in.MemberID)}, {"community_id", hh.CommunityID},
			{"kind", nullIf(in.Kind)}, {"monthly_fen", fen}, {"note", nullIf(in.Note)}, {"deleted", 0},
		})
		if err != nil {
			return err
		}
	}
	for _, a := range v.Assets {
		area, _, _ := ParseArea(a.FloorArea)
		value, _, _ := ParseYuan(a.Value)
		err := writeRow(ctx, tx, "assets", a.ID, []col{
			{"household_id", hh.ID}, {"community_id", hh.CommunityID}, {"kind", nullIf(a.Kind)},
			{"owner_member_id", nullIf(a.OwnerMemberID)}, {"description", nullIf(a.Description)},
			{"floor_area", nullIf(area)}, {"dwelling_type", nullIf(a.DwellingType)},
			{"renovation", nullIf(a.Renovation)}, {"vehicle_type", nullIf(a.VehicleType)},
			{"disability_vehicle", a.DisabilityVehicle}, {"value_fen", value},
			{"employs_others", a.EmploysOthers}, {"deleted", 0},
		})
		if err != nil {
			return err
		}
	}
	if err := markDeleted(ctx, tx, "members", v.Removed.Members); err != nil {
		return err
	}
	if err := markDeleted(ctx, tx, "incomes", v.Removed.Incomes); err != nil {
		return err
	}
	return markDeleted(ctx, tx, "assets", v.Removed.Assets)
}

// markStored records that every row now exists in the database.
func (v *Visit) markStored() {
	v.Household.Stored = true
	for i := range v.Members {
		v.Members[i].Stored = true
	}
	for i := range v.Incomes {
		v.Incomes[i].Stored = true
	}
	for i := range v.Assets {
		v.Assets[i].Stored = true
	}
	v.Removed = Removed{}
}

func notCountedReason(m Member) string {
	if m.Counted {
		return ""
	}
	return m.NotCountedReason
}

// query runs q and calls scan for every row.
func query(ctx context.Context, db *sql.DB, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("scan: %w", err)
		}
	}
	return rows.Err()
}

// jsonList encodes a list of strings as a JSON array ("[]" for none).
func jsonList(ss []string) string {
	b, _ := json.Marshal(nonNilSlice(ss))
	return string(b)
}

// jsonStrings decodes a JSON array of strings; anything else is nil.
func jsonStrings(s string) []string {
	var out []string
	if s == "" || json.Unmarshal([]byte(s), &out) != nil {
		return nil
	}
	return out
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// instantOf formats an instant for storage.
func instantOf(t time.Time) string { return t.UTC().Format(time.RFC3339) }
