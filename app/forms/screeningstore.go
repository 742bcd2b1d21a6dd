package forms

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"doorstep/schema/rules"
)

// NewScreening starts a screening with id of elder elderID, or of a new
// elder in community communityID when elderID is "". For a known elder the
// basics of their latest screening are carried over (ID number, living
// arrangement, income, diagnoses, medications, needs); scores start empty.
func NewScreening(ctx context.Context, env Env, id, elderID, communityID string) (*Screening, error) {
	s := &Screening{ID: id, ScreenedOn: env.Today().Format(DateLayout), Reason: "first",
		BarthelVersion: env.Config.Barthel.DefaultVersion, Barthel: map[string]int{},
		AbilityScores: map[string]int{}}
	if elderID == "" {
		s.Elder = Elder{ID: env.newID(), CommunityID: communityID}
		return s, nil
	}
	if err := s.loadElder(ctx, env.DB, elderID); err != nil {
		return nil, fmt.Errorf("new screening: %w", err)
	}
	var prev string
	err := env.DB.QueryRowContext(ctx, `SELECT id FROM elder_screenings
		WHERE elder_id = ? AND deleted = 0 AND state = 'submitted'
		ORDER BY screened_on DESC, id DESC LIMIT 1`, elderID).Scan(&prev)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return s, nil
	case err != nil:
		return nil, fmt.Errorf("new screening: previous screening of %s: %w", elderID, err)
	}
	old, err := LoadScreening(ctx, env, prev)
	if err != nil {
		return nil, fmt.Errorf("new screening: %w", err)
	}
	s.Reason = "routine"
	s.IDNumber, s.LivingArrangement, s.SingleChild = old.IDNumber, old.LivingArrangement, old.SingleChild
	s.IncomeBand, s.ThreeNo, s.Diagnoses, s.Medications = old.IncomeBand, old.ThreeNo, old.Diagnoses, old.Medications
	s.Dementia, s.Needs = old.Dementia, old.Needs
	return s, nil
}

// loadElder reads the elder's basic data.
func (s *Screening) loadElder(ctx context.Context, db *sql.DB, id string) error {
	e := Elder{ID: id, Stored: true}
	err := db.QueryRowContext(ctx, `SELECT coalesce(community_id,''), coalesce(name,''), coalesce(sex,''),
		coalesce(birth_date,''), coalesce(address,''), coalesce(phone,'')
		FROM elders WHERE id = ? AND deleted = 0`, id).Scan(&e.CommunityID, &e.Name, &e.Sex,
		&e.BirthDate, &e.Address, &e.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("elder %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("elder %s: %w", id, err)
	}
	s.Elder = e
	return nil
}

// LoadScreening reads stored screening id with its elder.
func LoadScreening(ctx context.Context, env Env, id string) (*Screening, error) {
	s := &Screening{ID: id, Stored: true, Barthel: map[string]int{}, AbilityScores: map[string]int{}}
	var elderID, diagnoses, medications, risks, gbt, needs string
	var single, threeNo, dementia int
	b := make([]sql.NullInt64, len(rules.BarthelItems()))
	dest := []any{&elderID, &s.IDNumber, &s.ScreenedOn, &s.Reason, &s.LivingArrangement, &single,
		&s.IncomeBand, &threeNo, &diagnoses, &medications, &risks, &s.BarthelVersion, &gbt, &dementia,
		&needs, &s.State}
	cols := ""
	for i, it := range rules.BarthelItems() {
		cols += ", b_" + it.Key
		dest = append(dest, &b[i])
	}
	err := env.DB.QueryRowContext(ctx, `SELECT coalesce(elder_id,''), coalesce(id_number,''),
		coalesce(screened_on,''), coalesce(reason,''), coalesce(living_arrangement,''),
		coalesce(single_child,0), coalesce(income_band,''), coalesce(three_no,0), coalesce(diagnoses,''),
		coalesce(medications,''), coalesce(risk_events,''), coalesce(barthel_version,''),
		coalesce(gbt_items,''), coalesce(dementia,0), coalesce(needs,''), coalesce(state,'')`+cols+`
		FROM elder_screenings WHERE id = ? AND deleted = 0`, id).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("load screening %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load screening %s: %w", id, err)
	}
	s.SingleChild, s.ThreeNo, s.Dementia = single == 1, threeNo == 1, dementia == 1
	s.Diagnoses = strings.Join(jsonStrings(diagnoses), "\n")
	s.Medications = strings.Join(jsonStrings(medications), "\n")
	s.RiskEvents, s.Needs = jsonStrings(risks), jsonStrings(needs)
	for i, it := range rules.BarthelItems() {
		if b[i].Valid {
			s.Barthel[it.Key] = int(b[i].Int64)
		}
	}
	if gbt != "" {
		var a rules.Ability
		if json.Unmarshal([]byte(gbt), &a) == nil && len(a.Scores) > 0 {
			s.Ability, s.AbilityScores, s.Coma = true, a.Scores, a.Coma
		}
	}
	if err := s.loadElder(ctx, env.DB, elderID); err != nil {
		return nil, fmt.Errorf("load screening %s: %w", id, err)
	}
	return s, nil
}

// Reopen makes a submitted screening that a reviewer returned editable
// again; submitting it again resolves the return.
func (s *Screening) Reopen() { s.State = StateDraft }

// Save writes the elder's basic data (with the screened needs, the list
// volunteers see) and the screening with its derived results, in one
// transaction, and removes the draft. Invalid input returns Issues.
func (s *Screening) Save(ctx context.Context, env Env, submit bool) (ScreeningResult, error) {
	if s.ReadOnly() {
		return ScreeningResult{}, Issues{{Key: MsgReadOnly}}
	}
	ref := env.Today()
	if is := s.Validate(ref, env.Config, submit); len(is) > 0 {
		return ScreeningResult{}, is
	}
	r := s.Derive(ref, env.Config)
	state := StateDraft
	if submit {
		state = StateSubmitted
	}
	birth := any(nil)
	if t := s.Birth(ref); !t.IsZero() {
		birth = t.Format(DateLayout)
	}
	needs := jsonList(s.Needs)
	screenedOn := any(nil)
	if t, ok := ParseDate(s.ScreenedOn); ok {
		screenedOn = t.Format(DateLayout)
	}
	homeCare, careGroup, careGroups := any(nil), any(nil), any(nil)
	if r.AgeKnown {
		groups := make([]int, len(r.CareGroups.Matched))
		for i, g := range r.CareGroups.Matched {
			groups[i] = int(g)
		}
		gj, _ := json.Marshal(groups)
		homeCare, careGroup, careGroups = r.HomeCare, int(r.CareGroups.Reported), string(gj)
	}
	cols := []col{
		{"elder_id", s.Elder.ID}, {"community_id", s.Elder.CommunityID},
		{"id_number", nullIf(strings.ToUpper(strings.TrimSpace(s.IDNumber)))}, {"screened_on", screenedOn},
		{"reason", nullIf(s.Reason)}, {"living_arrangement", nullIf(s.LivingArrangement)},
		{"single_child", s.SingleChild}, {"income_band", nullIf(s.IncomeBand)}, {"three_no", s.ThreeNo},
		{"diagnoses", jsonList(splitLines(s.Diagnoses))}, {"medications", jsonList(splitLines(s.Medications))},
		{"risk_events", jsonList(s.RiskEvents)}, {"barthel_version", nullIf(s.BarthelVersion)},
		{"needs", needs}, {"dementia", s.Dementia}, {"home_care", homeCare}, {"care_group", careGroup},
		{"care_groups", careGroups}, {"pairing_advice", r.Pairing}, {"state", state},
		{"author_id", nullIf(env.UserID)}, {"deleted", 0},
	}
	for _, it := range rules.BarthelItems() {
		var v any
		if score, ok := s.Barthel[it.Key]; ok {
			v = score
		}
		cols = append(cols, col{"b_" + it.Key, v})
	}
	if r.BarthelScored == len(rules.BarthelItems()) {
		cols = append(cols, col{"barthel_total", r.BarthelTotal}, col{"barthel_grade", nullIf(string(r.BarthelGrade))})
	} else {
		cols = append(cols, col{"barthel_total", nil}, col{"barthel_grade", nil})
	}
	if s.Ability {
		items, _ := json.Marshal(rules.Ability{Scores: s.AbilityScores, Coma: s.Coma,
			DementiaOrMentalDisorder: s.Dementia, RiskEvents30d: len(s.RiskEvents)})
		cols = append(cols, col{"gbt_items", string(items)})
		if r.Ability != nil {
			cols = append(cols, col{"gbt_total", r.Ability.Total}, col{"gbt_level", string(r.Ability.Level)})
		}
	} else {
		cols = append(cols, col{"gbt_items", nil}, col{"gbt_total", nil}, col{"gbt_level", nil})
	}
	if submit {
		cols = append(cols, col{"submitted_at", env.stamp()})
	}
	e := s.Elder
	err := inTx(ctx, env.DB, "save screening "+s.ID, func(tx *sql.Tx) error {
		err := writeRow(ctx, tx, "elders", e.ID, []col{
			{"community_id", e.CommunityID}, {"name", strings.TrimSpace(e.Name)}, {"sex", nullIf(e.Sex)},
			{"birth_date", birth}, {"address", e.Address}, {"phone", nullIf(strings.TrimSpace(e.Phone))},
			{"needs", needs}, {"deleted", 0},
		})
		if err != nil {
			return err
		}
		if err := writeRow(ctx, tx, "elder_screenings", s.ID, cols); err != nil {
			return err
		}
		if submit {
			if err := env.signSubmit(ctx, tx, "elder_screenings", s.ID, ""); err != nil {
				return err
			}
		}
		return deleteDraft(ctx, tx, FormScreening, s.ID)
	})
	if err != nil {
		return ScreeningResult{}, err
	}
	s.Stored, s.Elder.Stored, s.State = true, true, state
	return r, nil
}
