package forms

import (
	"fmt"

	"doorstep/schema/rules"
)

// What each score of an assessment item means, shown beside the score.

// BarthelScoreKey is the translation key describing value v of Barthel
// item key (e.g. feeding 5: needs some help).
func BarthelScoreKey(key string, v int) string { return fmt.Sprintf("score.barthel.%s.%d", key, v) }

// abilityLadder lists the GB/T 42195 items scored on the standard's
// common 0–4 help ladder (self-care and basic motor items but stairs):
// 4 does it alone … 0 fully dependent. Every other item has its own
// wording per score.
var abilityLadder = map[string]bool{
	"eating": true, "grooming": true, "bathing": true, "dressing_upper": true, "dressing_lower": true,
	"urination": true, "defecation": true, "toileting": true, "bed_mobility": true,
	"chair_transfer": true, "walking": true,
}

// AbilityScoreKey is the translation key describing value v of GB/T 42195
// item key.
func AbilityScoreKey(key string, v int) string {
	if abilityLadder[key] {
		return fmt.Sprintf("score.ability.ladder.%d", v)
	}
	return fmt.Sprintf("score.ability.%s.%d", key, v)
}

// ScoreKeys lists every score description key, so the app can check that
// its translation files have them all.
func ScoreKeys() []string {
	var out []string
	for _, it := range rules.BarthelItems() {
		for _, v := range it.Allowed {
			out = append(out, BarthelScoreKey(it.Key, v))
		}
	}
	for _, it := range rules.AbilityItems() {
		for v := 0; v <= it.Max; v++ {
			out = append(out, AbilityScoreKey(it.Key, v))
		}
	}
	return out
}
