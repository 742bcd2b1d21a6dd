package forms

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"doorstep/schema/district"
)

// FormSpotCheck is the drafts.form value of the spot check.
const FormSpotCheck = "spot_check"

// Answers of a spot check's yes/no checklist items; "" is not answered yet.
const (
	Yes = "yes"
	No  = "no"
)

// SpotOutcomes are the values of spot_checks.outcome: the household is still
// eligible as paid, the benefit is to be raised, reduced or stopped, an
// overpayment recovered, or the case referred (e.g. fees charged by staff
// go to the discipline office).
var SpotOutcomes = []string{"still_eligible", "raise", "reduce", "stop", "recover", "refer"}

// SpotCheck is a spot check (抽查) of one household being filled in: the
// DOMAIN.md checklist and the outcome. Its JSON is the draft.
type SpotCheck struct {
	ID           string   `json:"id"`
	Stored       bool     `json:"stored,omitempty"`
	State        string   `json:"state,omitempty"`
	BatchID      string   `json:"batch_id,omitempty"`
	HouseholdID  string   `json:"household_id"`
	CommunityID  string   `json:"community_id"`
	CaseworkerID string   `json:"caseworker_id,omitempty"`
	InspectorIDs []string `json:"inspector_ids"`
	Unannounced  bool     `json:"unannounced"`
	PlannedOn    string   `json:"planned_on,omitempty"`

	// Checklist: Yes, No or "".
	Found           string `json:"found"`
	LivingThere     string `json:"living_there"`
	MakeupMatches   string `json:"makeup_matches"`
	AssetsFit       string `json:"assets_fit"`
	BenefitPaidFull string `json:"benefit_paid_full"`
	FeesCharged     string `json:"fees_charged"`
	// RecomputedIncome is the per-capita monthly income the inspectors
	// recomputed, in yuan as typed.
	RecomputedIncome   string `json:"recomputed_income"`
	NeighbourInterview string `json:"neighbour_interview"`

	Outcome  string `json:"outcome"`
	Deadline string `json:"deadline"`
	Notes    string `json:"notes"`
}

// Spot check field names, for issues and for a reviewer's field comments:
// the spot_checks column each field writes, as the review screen names it.
const (
	FieldInspectors       = "inspector_ids"
	FieldFound            = "found"
	FieldLivingThere      = "living_there"
	FieldMakeupMatches    = "makeup_matches"
	FieldAssetsFit        = "assets_fit"
	FieldBenefitPaidFull  = "benefit_paid_full"
	FieldFeesCharged      = "fees_charged"
	FieldRecomputedIncome = "recomputed_income_fen"
	FieldOutcome          = "outcome"
	FieldDeadline         = "deadline"
)

// ReadOnly reports whether the check has been submitted.
func (s *SpotCheck) ReadOnly() bool { return s.State == StateSubmitted }

// Reopen makes a submitted check that a reviewer returned editable again.
func (s *SpotCheck) Reopen() { s.State = StateDraft }

// SetInspector sets whether staff id took part.
func (s *SpotCheck) SetInspector(id string, present bool) {
	has := slices.Contains(s.InspectorIDs, id)
	switch {
	case present && !has:
		s.InspectorIDs = append(s.InspectorIDs, id)
	case !present && has:
		s.InspectorIDs = slices.DeleteFunc(s.InspectorIDs, func(x string) bool { return x == id })
	}
}

// Validate checks the spot check on ref (today). With submit false only
// values that are wrong (not missing ones) are reported.
func (s *SpotCheck) Validate(ref time.Time, cfg district.Config, submit bool) Issues {
	var c issues
	if _, present, err := ParseYuan(s.RecomputedIncome); err != nil {
		c.add(FieldRecomputedIncome, MsgAmount, nil)
	} else if !present && s.Found == Yes {
		c.required(FieldRecomputedIncome)
	}
	if d := strings.TrimSpace(s.Deadline); d != "" {
		if t, ok := ParseDate(d); !ok {
			c.add(FieldDeadline, MsgDate, nil)
		} else if t.Before(ref) && !s.ReadOnly() {
			c.add(FieldDeadline, MsgDeadlineInPast, nil)
		}
	}
	if s.CaseworkerID != "" && slices.Contains(s.InspectorIDs, s.CaseworkerID) {
		c.add(FieldInspectors, MsgInspectorCaseworker, nil)
	}
	if !submit {
		return c.result()
	}
	if min := cfg.Process.MinSpotCheckInspectors; len(s.InspectorIDs) < min {
		c.list = append(c.list, Issue{Field: FieldInspectors, Key: MsgInspectorsTooFew, Incomplete: true,
			Args: map[string]any{"Min": min, "Count": len(s.InspectorIDs)}})
	}
	if s.Found == "" {
		c.required(FieldFound)
	}
	if s.Found == Yes {
		for field, v := range map[string]string{FieldLivingThere: s.LivingThere, FieldMakeupMatches: s.MakeupMatches,
			FieldAssetsFit: s.AssetsFit, FieldBenefitPaidFull: s.BenefitPaidFull, FieldFeesCharged: s.FeesCharged} {
			if v == "" {
				c.required(field)
			}
		}
	}
	if s.Outcome == "" {
		c.required(FieldOutcome)
	}
	if s.Outcome != "" && s.Outcome != "still_eligible" && strings.TrimSpace(s.Deadline) == "" {
		c.list = append(c.list, Issue{Field: FieldDeadline, Key: MsgDeadlineRequired, Incomplete: true})
	}
	// Report in form order.
	order := []string{FieldInspectors, FieldFound, FieldLivingThere, FieldMakeupMatches, FieldAssetsFit,
		FieldRecomputedIncome, FieldBenefitPaidFull, FieldFeesCharged, FieldOutcome, FieldDeadline}
	slices.SortStableFunc(c.list, func(a, b Issue) int {
		return slices.Index(order, a.Field) - slices.Index(order, b.Field)
	})
	return c.result()
}

// ErrHidden is returned when an unannounced spot check is opened by the
// household's own caseworker before it has happened.
var ErrHidden = errors.New("unannounced spot check is hidden from the household's caseworker")

// ErrOwnCaseload is returned when a worker starts a spot check of a
// household of their own caseload: a spot check is done by others.
var ErrOwnCaseload = errors.New("spot check of one's own caseload")

// MaySpotCheck reports whether user may start a spot check (抽查) of a
// household whose caseworker is caseworkerID: never of their own caseload.
func MaySpotCheck(userID, caseworkerID string) bool {
	return userID == "" || userID != caseworkerID
}

// NewSpotCheck starts an ad-hoc spot check with id of household householdID,
// with the signed-in user as the first inspector. The household's own
// caseworker may not start one (ErrOwnCaseload) and is never pre-selected.
func NewSpotCheck(ctx context.Context, env Env, id, householdID string) (*SpotCheck, error) {
	s := &SpotCheck{ID: id, HouseholdID: householdID, PlannedOn: env.Today().Format(DateLayout)}
	err := env.DB.QueryRowContext(ctx, `SELECT coalesce(community_id,''), coalesce(caseworker_id,'')
		FROM households WHERE id = ? AND deleted = 0`, householdID).Scan(&s.CommunityID, &s.CaseworkerID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("new spot check: household %s: %w", householdID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("new spot check: household %s: %w", householdID, err)
	}
	if !MaySpotCheck(env.UserID, s.CaseworkerID) {
		return nil, fmt.Errorf("new spot check: household %s: %w", householdID, ErrOwnCaseload)
	}
	if env.UserID != "" {
		s.InspectorIDs = []string{env.UserID}
	}
	return s, nil
}

// LoadSpotCheck reads spot check id (usually drawn by a supervisor and
// assigned to inspectors). An unannounced check not done yet is refused to
// the household's caseworker unless they are an inspector (ErrHidden).
func LoadSpotCheck(ctx context.Context, env Env, id string) (*SpotCheck, error) {
	s := &SpotCheck{ID: id, Stored: true}
	var inspectors, checkedAt string
	var unannounced int
	var found, living, makeup, assetsFit, paidFull, fees sql.NullInt64
	var income sql.NullInt64
	err := env.DB.QueryRowContext(ctx, `SELECT coalesce(batch_id,''), coalesce(household_id,''),
		coalesce(community_id,''), coalesce(caseworker_id,''), coalesce(inspector_ids,''),
		coalesce(unannounced,0), coalesce(planned_on,''), coalesce(checked_at,''), found, living_there,
		makeup_matches, assets_fit, recomputed_income_fen, benefit_paid_full, fees_charged,
		coalesce(neighbour_interview,''), coalesce(outcome,''), coalesce(deadline,''), coalesce(notes,''),
		coalesce(state,'')
		FROM spot_checks WHERE id = ? AND deleted = 0`, id).Scan(&s.BatchID, &s.HouseholdID,
		&s.CommunityID, &s.CaseworkerID, &inspectors, &unannounced, &s.PlannedOn, &checkedAt, &found,
		&living, &makeup, &assetsFit, &income, &paidFull, &fees, &s.NeighbourInterview, &s.Outcome,
		&s.Deadline, &s.Notes, &s.State)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("load spot check %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load spot check %s: %w", id, err)
	}
	s.InspectorIDs = jsonStrings(inspectors)
	s.Unannounced = unannounced == 1
	if s.Unannounced && checkedAt == "" && s.CaseworkerID == env.UserID && !slices.Contains(s.InspectorIDs, env.UserID) {
		return nil, fmt.Errorf("load spot check %s: %w", id, ErrHidden)
	}
	yn := func(v sql.NullInt64) string {
		switch {
		case !v.Valid:
			return ""
		case v.Int64 == 1:
			return Yes
		}
		return No
	}
	s.Found, s.LivingThere, s.MakeupMatches = yn(found), yn(living), yn(makeup)
	s.AssetsFit, s.BenefitPaidFull, s.FeesCharged = yn(assetsFit), yn(paidFull), yn(fees)
	if income.Valid {
		s.RecomputedIncome = FormatYuan(income.Int64)
	}
	return s, nil
}

// Save writes the spot check in one transaction and removes its draft. With
// submit it becomes submitted and its checked_at is set. Invalid input
// returns Issues and writes nothing.
func (s *SpotCheck) Save(ctx context.Context, env Env, submit bool) error {
	if s.ReadOnly() {
		return Issues{{Key: MsgReadOnly}}
	}
	if is := s.Validate(env.Today(), env.Config, submit); len(is) > 0 {
		return is
	}
	state := StateDraft
	if submit {
		state = StateSubmitted
	}
	yn := func(v string) any {
		switch v {
		case Yes:
			return 1
		case No:
			return 0
		}
		return nil
	}
	income := any(nil)
	if fen, present, _ := ParseYuan(s.RecomputedIncome); present {
		income = fen
	}
	deadline := any(nil)
	if t, ok := ParseDate(s.Deadline); ok {
		deadline = t.Format(DateLayout)
	}
	cols := []col{
		{"household_id", s.HouseholdID}, {"community_id", s.CommunityID},
		{"inspector_ids", jsonList(s.InspectorIDs)}, {"unannounced", s.Unannounced},
		{"found", yn(s.Found)}, {"living_there", yn(s.LivingThere)}, {"makeup_matches", yn(s.MakeupMatches)},
		{"assets_fit", yn(s.AssetsFit)}, {"recomputed_income_fen", income},
		{"benefit_paid_full", yn(s.BenefitPaidFull)}, {"fees_charged", yn(s.FeesCharged)},
		{"neighbour_interview", s.NeighbourInterview}, {"outcome", nullIf(s.Outcome)},
		{"deadline", deadline}, {"notes", s.Notes}, {"state", state}, {"author_id", nullIf(env.UserID)},
		{"deleted", 0},
	}
	if !s.Stored {
		cols = append(cols, col{"caseworker_id", nullIf(s.CaseworkerID)}, col{"planned_on", nullIf(s.PlannedOn)})
	}
	if submit {
		cols = append(cols, col{"checked_at", env.stamp()})
	}
	err := inTx(ctx, env.DB, "save spot check "+s.ID, func(tx *sql.Tx) error {
		if err := writeRow(ctx, tx, "spot_checks", s.ID, cols); err != nil {
			return err
		}
		if submit {
			if err := env.signSubmit(ctx, tx, "spot_checks", s.ID, ""); err != nil {
				return err
			}
		}
		return deleteDraft(ctx, tx, FormSpotCheck, s.ID)
	})
	if err != nil {
		return err
	}
	s.Stored, s.State = true, state
	return nil
}
