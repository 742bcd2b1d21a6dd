package forms

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"doorstep/schema/district"
	"doorstep/schema/rules"
)

// FormScreening is the drafts.form value of the elderly needs screening.
const FormScreening = "elder_screening"

// Elder is the elder a screening is about: the basic data volunteers may
// see (elders table). The ID number is kept on the screening instead.
type Elder struct {
	ID          string `json:"id"`
	Stored      bool   `json:"stored,omitempty"`
	CommunityID string `json:"community_id"`
	Name        string `json:"name"`
	Sex         string `json:"sex"`
	BirthDate   string `json:"birth_date"`
	Address     string `json:"address"`
	Phone       string `json:"phone"`
}

// Screening is an elderly needs screening being filled in: basics, the
// Barthel index, the optional GB/T 42195 assessment and the needs
// checklist. Its JSON is the draft.
type Screening struct {
	ID         string `json:"id"`
	Stored     bool   `json:"stored,omitempty"`
	State      string `json:"state,omitempty"`
	Elder      Elder  `json:"elder"`
	IDNumber   string `json:"id_number"`
	ScreenedOn string `json:"screened_on"`

	Reason            string   `json:"reason"`
	LivingArrangement string   `json:"living_arrangement"`
	SingleChild       bool     `json:"single_child"`
	IncomeBand        string   `json:"income_band"`
	ThreeNo           bool     `json:"three_no"`
	Diagnoses         string   `json:"diagnoses"`   // one per line, as typed
	Medications       string   `json:"medications"` // one per line, as typed
	RiskEvents        []string `json:"risk_events"`

	// Barthel holds the scored Barthel items by key; an item not yet
	// scored is absent. Values are always allowed ones (see SetBarthel).
	Barthel        map[string]int `json:"barthel"`
	BarthelVersion string         `json:"barthel_version"`

	// Ability turns on the fuller GB/T 42195 assessment; AbilityScores holds
	// its scored items by key.
	Ability       bool           `json:"ability"`
	AbilityScores map[string]int `json:"ability_scores"`
	Dementia      bool           `json:"dementia"`
	Coma          bool           `json:"coma"`

	Needs []string `json:"needs"`
}

// Screening field names, for issues.
const (
	FieldElderName    = "elder.name"
	FieldElderSex     = "elder.sex"
	FieldElderBirth   = "elder.birth_date"
	FieldElderAddress = "elder.address"
	FieldElderPhone   = "elder.phone"
	FieldElderIDNo    = "id_number"
	FieldScreenedOn   = "screened_on"
	FieldReason       = "reason"
	FieldLiving       = "living_arrangement"
	FieldIncomeBand   = "income_band"
	FieldBarthel      = "barthel"
	FieldAbility      = "ability"
)

// BarthelField returns the issue field name of a Barthel item.
func BarthelField(key string) string { return "barthel." + key }

// ReadOnly reports whether the screening has been submitted.
func (s *Screening) ReadOnly() bool { return s.State == StateSubmitted }

// SetBarthel scores Barthel item key with v. Only the item's allowed values
// (rules.BarthelItems) are accepted; anything else returns the rules error
// and leaves the screening unchanged.
func (s *Screening) SetBarthel(key string, v int) error {
	var b rules.Barthel
	if err := b.Set(key, v); err != nil {
		return err
	}
	if s.Barthel == nil {
		s.Barthel = map[string]int{}
	}
	s.Barthel[key] = v
	return nil
}

// ClearBarthel removes the score of item key.
func (s *Screening) ClearBarthel(key string) { delete(s.Barthel, key) }

// SetAbility scores GB/T 42195 item key with v, if v is within the item's
// range; otherwise it returns an error and changes nothing.
func (s *Screening) SetAbility(key string, v int) error {
	trial := rules.Ability{Scores: map[string]int{}}
	for _, it := range rules.AbilityItems() {
		trial.Scores[it.Key] = 0
	}
	trial.Scores[key] = v
	if err := trial.Validate(); err != nil {
		return err
	}
	if s.AbilityScores == nil {
		s.AbilityScores = map[string]int{}
	}
	s.AbilityScores[key] = v
	return nil
}

// barthel returns the scored items as a rules.Barthel (unscored items 0)
// and how many are scored.
func (s *Screening) barthel() (rules.Barthel, int) {
	var b rules.Barthel
	n := 0
	for _, it := range rules.BarthelItems() {
		if v, ok := s.Barthel[it.Key]; ok && b.Set(it.Key, v) == nil {
			n++
		}
	}
	return b, n
}

// Birth returns the elder's birth date: the typed one, else the one in a
// valid ID number, else zero.
func (s *Screening) Birth(ref time.Time) time.Time {
	if t, ok := ParseDate(s.Elder.BirthDate); ok {
		return t
	}
	if info, err := rules.ParseID(s.IDNumber, ref); err == nil {
		return info.Birth
	}
	return time.Time{}
}

// FillFromID sets an empty sex and birth date from a valid ID number.
func (s *Screening) FillFromID(ref time.Time) bool {
	info, err := rules.ParseID(s.IDNumber, ref)
	if err != nil {
		return false
	}
	changed := false
	if s.Elder.Sex == "" {
		s.Elder.Sex, changed = string(info.Sex), true
	}
	if strings.TrimSpace(s.Elder.BirthDate) == "" {
		s.Elder.BirthDate, changed = info.Birth.Format(DateLayout), true
	}
	return changed
}

// ScreeningResult is what the screening derives, recomputed as the user
// answers.
type ScreeningResult struct {
	// Age is the elder's age on the screening date; AgeKnown is false when
	// no birth date is known yet.
	Age      int
	AgeKnown bool
	// BarthelTotal sums the scored items; BarthelScored counts them.
	// BarthelGrade is set once all ten are scored.
	BarthelTotal  int
	BarthelScored int
	BarthelGrade  rules.Code
	// Ability is the GB/T 42195 result once every item is scored.
	Ability *rules.AbilityResult
	// HomeCare is home-based care eligibility; CareGroups the monetary-care
	// groups (both need the age).
	HomeCare   bool
	CareGroups rules.CareGroups
	// Pairing is the recommended volunteer pairing mode (schema.PairingModes)
	// and PairingReasons the translation IDs of why.
	Pairing        string
	PairingReasons []string
}

// Pairing advice reasons (translation IDs).
const (
	MsgPairingSevere = "forms.pairing.reason.severe"
	MsgPairingAlone  = "forms.pairing.reason.alone"
	MsgPairingRisk   = "forms.pairing.reason.risk"
	MsgPairingNone   = "forms.pairing.reason.none"
)

// Derive computes the results on ref: age, Barthel total and grade, the
// GB/T level, home-care eligibility, monetary-care groups and the pairing
// advice. The pairing rule is deliberately simple and shown with its
// reasons: severe dependence (Barthel grade severe, or GB/T level severe or
// complete) AND living alone → many-to-one (多对一); severe dependence, living
// alone, or two or more care-risk events in 30 days → two-to-one (二对一);
// otherwise one-to-one (一对一).
func (s *Screening) Derive(ref time.Time, cfg district.Config) ScreeningResult {
	var r ScreeningResult
	if on, ok := ParseDate(s.ScreenedOn); ok {
		ref = on
	}
	if birth := s.Birth(ref); !birth.IsZero() {
		r.Age, r.AgeKnown = rules.Age(birth, ref), true
	}
	b, n := s.barthel()
	r.BarthelTotal, r.BarthelScored = b.Total(), n
	if n == len(rules.BarthelItems()) {
		if g, err := b.Grade(s.BarthelVersion, cfg); err == nil {
			r.BarthelGrade = g.Grade
		}
	}
	if s.Ability {
		a := rules.Ability{Scores: maps.Clone(s.AbilityScores), Coma: s.Coma,
			DementiaOrMentalDisorder: s.Dementia, RiskEvents30d: len(s.RiskEvents)}
		if res, err := a.Assess(); err == nil {
			r.Ability = &res
		}
	}
	if r.AgeKnown {
		r.HomeCare = rules.HomeCareEligible(r.Age, cfg)
		if s.IncomeBand != "" {
			r.CareGroups = rules.MonetaryCareGroups(r.Age, rules.IncomeBand(s.IncomeBand), s.SingleChild, cfg)
		}
	}
	severe := r.BarthelGrade == rules.CodeBarthelSevere || r.BarthelGrade == rules.CodeBarthelSevereImpairment
	if r.Ability != nil && (r.Ability.Level == rules.LevelSevere || r.Ability.Level == rules.LevelComplete) {
		severe = true
	}
	alone := s.LivingArrangement == "alone"
	risky := len(s.RiskEvents) >= 2
	if severe {
		r.PairingReasons = append(r.PairingReasons, MsgPairingSevere)
	}
	if alone {
		r.PairingReasons = append(r.PairingReasons, MsgPairingAlone)
	}
	if risky {
		r.PairingReasons = append(r.PairingReasons, MsgPairingRisk)
	}
	switch {
	case severe && alone:
		r.Pairing = "many_to_one"
	case severe || alone || risky:
		r.Pairing = "two_to_one"
	default:
		r.Pairing = "one_to_one"
		r.PairingReasons = []string{MsgPairingNone}
	}
	return r
}

var phoneRE = regexp.MustCompile(`^[0-9+\- ]{7,20}$`)

// Validate checks the screening on ref. With submit false only wrong values
// are reported, not missing ones.
func (s *Screening) Validate(ref time.Time, cfg district.Config, submit bool) Issues {
	var c issues
	if strings.TrimSpace(s.Elder.Name) == "" {
		c.required(FieldElderName)
	}
	if strings.TrimSpace(s.Elder.Address) == "" {
		c.required(FieldElderAddress)
	}
	if p := strings.TrimSpace(s.Elder.Phone); p != "" && !phoneRE.MatchString(HalfWidth(p)) {
		c.add(FieldElderPhone, MsgPhone, nil)
	}
	var info rules.IDInfo
	idOK := false
	if id := strings.TrimSpace(s.IDNumber); id != "" {
		var err error
		if info, err = rules.ParseID(id, ref); err == nil {
			idOK = true
		} else {
			is := Issue{Field: FieldElderIDNo, Incomplete: len([]rune(id)) < 18 && isDigits(id)}
			if m, ok := rules.MessageOf(err); ok {
				is.Rule = &m
			}
			c.list = append(c.list, is)
		}
	}
	bd := strings.TrimSpace(s.Elder.BirthDate)
	birth, dateOK := ParseDate(bd)
	switch {
	case bd == "":
		if !idOK {
			c.required(FieldElderBirth)
		}
	case !dateOK:
		c.add(FieldElderBirth, MsgDate, nil)
	case idOK && !birth.Equal(info.Birth):
		c.add(FieldElderBirth, MsgBirthMismatch, map[string]any{"Date": info.Birth.Format(DateLayout)})
	case birth.After(ref):
		c.add(FieldElderBirth, MsgInFuture, nil)
	}
	switch {
	case s.Elder.Sex == "":
		if !idOK {
			c.required(FieldElderSex)
		}
	case idOK && s.Elder.Sex != string(info.Sex):
		c.add(FieldElderSex, MsgSexMismatch, nil)
	}
	if d := strings.TrimSpace(s.ScreenedOn); d == "" {
		c.required(FieldScreenedOn)
	} else if t, ok := ParseDate(d); !ok {
		c.add(FieldScreenedOn, MsgDate, nil)
	} else if t.After(ref) {
		c.add(FieldScreenedOn, MsgInFuture, nil)
	}
	if s.Reason == "" {
		c.required(FieldReason)
	}
	if s.LivingArrangement == "" {
		c.required(FieldLiving)
	}
	if s.IncomeBand == "" {
		c.required(FieldIncomeBand)
	}
	_, n := s.barthel()
	for key, v := range s.Barthel {
		var probe rules.Barthel
		if err := probe.Set(key, v); err != nil {
			c.rule(BarthelField(key), err)
		}
	}
	if all := len(rules.BarthelItems()); n < all {
		for _, it := range rules.BarthelItems() {
			if _, ok := s.Barthel[it.Key]; !ok {
				c.required(BarthelField(it.Key))
			}
		}
		c.list = append(c.list, Issue{Field: FieldBarthel, Key: MsgBarthelUnscored,
			Args: map[string]any{"Count": all - n}, Incomplete: true})
	}
	if s.Ability {
		a := rules.Ability{Scores: s.AbilityScores, Coma: s.Coma, DementiaOrMentalDisorder: s.Dementia,
			RiskEvents30d: len(s.RiskEvents)}
		if err := a.Validate(); err != nil {
			is := Issue{Field: FieldAbility, Incomplete: len(s.AbilityScores) < len(rules.AbilityItems())}
			if m, ok := rules.MessageOf(err); ok {
				is.Rule = &m
			}
			c.list = append(c.list, is)
		}
	}
	return c.resultFor(submit)
}

// splitLines turns typed lines (or items separated by commas or 、) into a
// list, dropping blanks.
func splitLines(s string) []string {
	f := func(r rune) bool { return r == '\n' || r == ',' || r == '，' || r == '、' || r == ';' || r == '；' }
	var out []string
	for _, p := range strings.FieldsFunc(s, f) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// ToggleList adds or removes code in list, keeping the order of all (a code
// list such as schema.ElderNeeds), and returns the new list.
func ToggleList(list []string, code string, on bool, all []string) []string {
	has := slices.Contains(list, code)
	switch {
	case on && !has:
		list = append(list, code)
	case !on && has:
		list = slices.DeleteFunc(slices.Clone(list), func(x string) bool { return x == code })
	}
	return SortCodes(list, all)
}

// SortCodes sorts list (in place) in the order of the code list all and
// returns it.
func SortCodes(list, all []string) []string {
	slices.SortStableFunc(list, func(a, b string) int { return slices.Index(all, a) - slices.Index(all, b) })
	return list
}
