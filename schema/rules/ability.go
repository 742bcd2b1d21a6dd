package rules

import (
	"errors"
)

// Sentinel errors of Ability.
var (
	// ErrAbilityValue: an item score is outside its range.
	ErrAbilityValue = errors.New("ability item score out of range")
	// ErrAbilityMissing: an item has no score.
	ErrAbilityMissing = errors.New("ability item not scored")
	// ErrAbilityItem: a score is given for an unknown item key.
	ErrAbilityItem = errors.New("unknown ability item")
	// ErrRiskEvents: the care-risk event count is negative.
	ErrRiskEvents = errors.New("care-risk event count is negative")
)

// Message codes of Ability errors.
const (
	// CodeAbilityValue args: item name (term), value, maximum.
	CodeAbilityValue Code = "ability.invalid_value"
	// CodeAbilityMissing args: item name (term).
	CodeAbilityMissing Code = "ability.missing_item"
	// CodeAbilityItem args: the key.
	CodeAbilityItem Code = "ability.unknown_item"
	// CodeRiskEvents args: the count.
	CodeRiskEvents Code = "ability.negative_risk_events"
)

// Ability domains (一级指标).
const (
	DomainSelfCare   Code = "ability.domain.self_care"
	DomainMotor      Code = "ability.domain.basic_motor"
	DomainMental     Code = "ability.domain.mental"
	DomainPerception Code = "ability.domain.perception_social"
)

// Ability levels, mildest first; AbilityLevels lists them in this order.
const (
	LevelIntact   Code = "ability.level.intact"
	LevelMild     Code = "ability.level.mild"
	LevelModerate Code = "ability.level.moderate"
	LevelSevere   Code = "ability.level.severe"
	LevelComplete Code = "ability.level.complete"
)

// AbilityLevels lists the levels from intact to complete loss.
var AbilityLevels = []Code{LevelIntact, LevelMild, LevelModerate, LevelSevere, LevelComplete}

// Level adjustments reported in AbilityResult.Adjustments.
const (
	AdjustComa          Code = "ability.adjust.coma"
	AdjustDementia      Code = "ability.adjust.dementia_mental"
	AdjustRiskEvents    Code = "ability.adjust.risk_events"
	AdjustCappedAtWorst Code = "ability.adjust.capped"
)

// AbilityItem describes one GB/T 42195 item: key (used in Ability.Scores),
// the standard's clause, domain, name and maximum score (minimum is 0).
type AbilityItem struct {
	Key    string // e.g. "stairs"
	Clause string // the standard's clause, e.g. "B.2.4"
	Domain Code   // one of the Domain… codes
	Name   Code   // the item's name, for labels
	Max    int    // the highest score; the lowest is 0
}

var abilityItems = []AbilityItem{
	{"eating", "B.1.1", DomainSelfCare, "ability.item.eating", 4},
	{"grooming", "B.1.2", DomainSelfCare, "ability.item.grooming", 4},
	{"bathing", "B.1.3", DomainSelfCare, "ability.item.bathing", 4},
	{"dressing_upper", "B.1.4", DomainSelfCare, "ability.item.dressing_upper", 4},
	{"dressing_lower", "B.1.5", DomainSelfCare, "ability.item.dressing_lower", 4},
	{"urination", "B.1.6", DomainSelfCare, "ability.item.urination", 4},
	{"defecation", "B.1.7", DomainSelfCare, "ability.item.defecation", 4},
	{"toileting", "B.1.8", DomainSelfCare, "ability.item.toileting", 4},
	{"bed_mobility", "B.2.1", DomainMotor, "ability.item.bed_mobility", 4},
	{"chair_transfer", "B.2.2", DomainMotor, "ability.item.chair_transfer", 4},
	{"walking", "B.2.3", DomainMotor, "ability.item.walking", 4},
	{"stairs", "B.2.4", DomainMotor, "ability.item.stairs", 3},
	{"time_orientation", "B.3.1", DomainMental, "ability.item.time_orientation", 4},
	{"place_orientation", "B.3.2", DomainMental, "ability.item.place_orientation", 4},
	{"person_orientation", "B.3.3", DomainMental, "ability.item.person_orientation", 4},
	{"memory", "B.3.4", DomainMental, "ability.item.memory", 4},
	{"comprehension", "B.3.5", DomainMental, "ability.item.comprehension", 4},
	{"expression", "B.3.6", DomainMental, "ability.item.expression", 4},
	{"aggression", "B.3.7", DomainMental, "ability.item.aggression", 1},
	{"depression", "B.3.8", DomainMental, "ability.item.depression", 1},
	{"consciousness", "B.3.9", DomainMental, "ability.item.consciousness", 2},
	{"vision", "B.4.1", DomainPerception, "ability.item.vision", 2},
	{"hearing", "B.4.2", DomainPerception, "ability.item.hearing", 2},
	{"daily_affairs", "B.4.3", DomainPerception, "ability.item.daily_affairs", 4},
	{"transport", "B.4.4", DomainPerception, "ability.item.transport", 3},
	{"social", "B.4.5", DomainPerception, "ability.item.social", 4},
}

// AbilityItems returns the 26 items in the standard's order (a fresh copy).
func AbilityItems() []AbilityItem {
	return append([]AbilityItem(nil), abilityItems...)
}

// Ability is one GB/T 42195-2022 (老年人能力评估规范) assessment: the raw item
// scores plus the facts that adjust the level.
//
// Decision on the item structure, taken from the standard's annex B score
// sheets as reproduced in published assessment forms and training material
// (the standard's own text was not at hand): 26 second-level items in 4
// domains, total 90.
//
//	self-care (B.1)                8 items × 0–4                  = 32
//	basic motor (B.2)              3 items × 0–4, stairs 0–3      = 15
//	mental state (B.3)             6 items × 0–4, aggression 0–1,
//	                               depression 0–1, consciousness 0–2 = 28
//	perception & participation (B.4) vision 0–2, hearing 0–2,
//	                               daily affairs 0–4, transport 0–3,
//	                               social 0–4                     = 15
//
// DOMAIN.md's domain maxima (32/15/28/15) are right; its "mental state 7
// items" is not: the standard has 9 (8 + 4 + 9 + 5 = the 26 items the
// standard and its press release name). Basic motor is 15, not 16, because
// stairs (上下楼梯) scores 0–3.
//
// Levels from the total: intact 90, mild 66–89, moderate 46–65, severe
// 30–45, complete 0–29. Adjustments, as the standard words them: a person in
// a coma (昏迷) is graded "complete" directly; otherwise, if ANY of
// (diagnosed dementia, F00–F03; another mental or behavioural disorder
// diagnosed by a psychiatrist, F04–F99; 2 or more care-risk events — fall,
// choking, suicide/self-harm, getting lost, etc. — in the last 30 days)
// applies, the level is raised ONE step. The standard says "one of the
// following", so several conditions still move one step only, and nothing
// goes beyond "complete". The levels are national, so they are constants,
// not district configuration.
type Ability struct {
	// Scores maps each AbilityItem key to its score; all 26 are required.
	Scores map[string]int `json:"scores"`
	// Coma: the person is in a coma; the level is "complete" directly.
	Coma bool `json:"coma"`
	// DementiaOrMentalDisorder: diagnosed dementia or another mental or
	// behavioural disorder (ICD-10 F00–F99).
	DementiaOrMentalDisorder bool `json:"dementia_or_mental_disorder"`
	// RiskEvents30d is the number of care-risk events (falls, choking,
	// suicide or self-harm, getting lost, …) in the last 30 days, all kinds
	// together.
	RiskEvents30d int `json:"risk_events_30d"`
}

// AbilityResult is a scored and levelled assessment.
type AbilityResult struct {
	// Domains maps each domain code to its score.
	Domains map[Code]int
	// Total is the sum of all items, 0–90.
	Total int
	// Preliminary is the level from the total alone.
	Preliminary Code
	// Level is the final level after adjustments.
	Level Code
	// Adjustments lists the adjustments that applied, empty if none;
	// AdjustCappedAtWorst means a raise could not go past complete.
	Adjustments []Code
}

// Validate checks that every item is scored within 0..its maximum, that no
// unknown key is present and that RiskEvents30d is not negative. It returns
// nil or the problems joined with errors.Join, each an *Error.
func (a Ability) Validate() error {
	var errs []error
	known := make(map[string]bool, len(abilityItems))
	for _, it := range abilityItems {
		known[it.Key] = true
		v, ok := a.Scores[it.Key]
		switch {
		case !ok:
			errs = append(errs, newError(ErrAbilityMissing, CodeAbilityMissing, term(it.Name)))
		case v < 0 || v > it.Max:
			errs = append(errs, newError(ErrAbilityValue, CodeAbilityValue, term(it.Name), litInt(v), litInt(it.Max)))
		}
	}
	for k := range a.Scores {
		if !known[k] {
			errs = append(errs, newError(ErrAbilityItem, CodeAbilityItem, lit(k)))
		}
	}
	if a.RiskEvents30d < 0 {
		errs = append(errs, newError(ErrRiskEvents, CodeRiskEvents, litInt(a.RiskEvents30d)))
	}
	return errors.Join(errs...)
}

// AbilityLevelOf returns the preliminary level for a total (0–90): intact 90,
// mild 66–89, moderate 46–65, severe 30–45, complete 0–29 (and below).
func AbilityLevelOf(total int) Code {
	switch {
	case total >= 90:
		return LevelIntact
	case total >= 66:
		return LevelMild
	case total >= 46:
		return LevelModerate
	case total >= 30:
		return LevelSevere
	default:
		return LevelComplete
	}
}

// Assess validates a, sums the domains and total, and levels the result with
// the standard's adjustments (see Ability):
// coma → complete; else one step worse if dementia/mental disorder or 2+
// risk events, one step at most, capped at complete. Errors: those of Validate.
func (a Ability) Assess() (AbilityResult, error) {
	if err := a.Validate(); err != nil {
		return AbilityResult{}, err
	}
	r := AbilityResult{Domains: make(map[Code]int, 4)}
	for _, it := range abilityItems {
		v := a.Scores[it.Key]
		r.Domains[it.Domain] += v
		r.Total += v
	}
	r.Preliminary = AbilityLevelOf(r.Total)
	r.Level = r.Preliminary
	if a.Coma {
		r.Level = LevelComplete
		if r.Preliminary != LevelComplete {
			r.Adjustments = []Code{AdjustComa}
		}
		return r, nil
	}
	if a.DementiaOrMentalDisorder {
		r.Adjustments = append(r.Adjustments, AdjustDementia)
	}
	if a.RiskEvents30d >= 2 {
		r.Adjustments = append(r.Adjustments, AdjustRiskEvents)
	}
	if len(r.Adjustments) > 0 {
		i := indexOf(AbilityLevels, r.Preliminary)
		if i == len(AbilityLevels)-1 {
			r.Adjustments = append(r.Adjustments, AdjustCappedAtWorst)
		} else {
			r.Level = AbilityLevels[i+1]
		}
	}
	return r, nil
}

func indexOf(list []Code, c Code) int {
	for i, x := range list {
		if x == c {
			return i
		}
	}
	return -1
}
