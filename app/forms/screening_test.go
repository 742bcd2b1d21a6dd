package forms

import (
	"errors"
	"slices"
	"testing"

	"doorstep/schema"
	"doorstep/schema/rules"
)

func TestBarthelOnlyAllowedValues(t *testing.T) {
	s := &Screening{}
	for _, it := range rules.BarthelItems() {
		for v := -5; v <= 20; v++ {
			err := s.SetBarthel(it.Key, v)
			allowed := slices.Contains(it.Allowed, v)
			if allowed != (err == nil) {
				t.Errorf("SetBarthel(%s, %d) = %v, allowed %v", it.Key, v, err, allowed)
			}
			if !allowed && !errors.Is(err, rules.ErrBarthelValue) {
				t.Errorf("SetBarthel(%s, %d) error %v, want ErrBarthelValue", it.Key, v, err)
			}
		}
	}
	// A rejected value leaves the score as it was.
	if err := s.SetBarthel("bathing", 5); err != nil {
		t.Fatal(err)
	}
	if err := s.SetBarthel("bathing", 10); err == nil || s.Barthel["bathing"] != 5 {
		t.Errorf("bathing 10 accepted or changed the score: %v %d", err, s.Barthel["bathing"])
	}
	if err := s.SetBarthel("juggling", 5); !errors.Is(err, rules.ErrBarthelItem) {
		t.Errorf("unknown item: %v", err)
	}
	// A draft edited by hand with an illegal value is reported.
	s.Barthel["stairs"] = 7
	if is := s.Validate(refNow, mustEnv(t).Config, false); !is.Has(BarthelField("stairs")) {
		t.Errorf("illegal stored value not reported: %v", fields(is))
	}
}

// scoreAll scores every Barthel item with its value at index i of Allowed
// (clamped).
func scoreAll(t *testing.T, s *Screening, pick func(allowed []int) int) {
	t.Helper()
	for _, it := range rules.BarthelItems() {
		if err := s.SetBarthel(it.Key, pick(it.Allowed)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestScreeningDerive(t *testing.T) {
	env := mustEnv(t)
	s, err := NewScreening(ctx, env, "s1", "e1", "")
	if err != nil {
		t.Fatal(err)
	}
	s.LivingArrangement, s.IncomeBand = "with_children", "below"
	r := s.Derive(env.Today(), env.Config)
	if !r.AgeKnown || r.Age != 80 || !r.HomeCare || r.CareGroups.Reported != 2 || r.BarthelGrade != "" {
		t.Errorf("derived %+v", r)
	}
	scoreAll(t, s, func(a []int) int { return a[len(a)-1] })
	r = s.Derive(env.Today(), env.Config)
	if r.BarthelTotal != 100 || r.BarthelGrade != rules.CodeBarthelIndependent || r.Pairing != "one_to_one" {
		t.Errorf("all top scores: %+v", r)
	}
	scoreAll(t, s, func(a []int) int { return a[0] })
	r = s.Derive(env.Today(), env.Config)
	if r.BarthelTotal != 0 || r.BarthelGrade != rules.CodeBarthelSevere || r.Pairing != "two_to_one" {
		t.Errorf("severe: %+v", r)
	}
	s.LivingArrangement = "alone"
	if r = s.Derive(env.Today(), env.Config); r.Pairing != "many_to_one" || len(r.PairingReasons) != 2 {
		t.Errorf("severe and alone: %+v", r)
	}
}

func TestScreeningSaveWritesElderNeeds(t *testing.T) {
	env := mustEnv(t)
	s, err := NewScreening(ctx, env, "s1", "", "c1")
	if err != nil {
		t.Fatal(err)
	}
	s.Elder.Name, s.Elder.Address, s.Elder.Phone = "周爷爷", "民主路5号", "13800000002"
	s.IDNumber = rules.MakeID("410802", date("1950-03-03"), 51)
	s.FillFromID(env.Today())
	s.LivingArrangement, s.IncomeBand, s.SingleChild = "alone", "none", true
	s.RiskEvents = []string{"fall"}
	s.Needs = ToggleList(nil, "emotional_comfort", true, schema.ElderNeeds)
	s.Needs = ToggleList(s.Needs, "daily_care", true, schema.ElderNeeds)
	s.Diagnoses = "高血压\n糖尿病、冠心病"
	if _, err := s.Save(ctx, env, true); !func() bool { is, _ := AsIssues(err); return is.Has(FieldBarthel) }() {
		t.Fatalf("unscored Barthel submitted: %v", err)
	}
	scoreAll(t, s, func(a []int) int { return a[1] })
	r, err := s.Save(ctx, env, true)
	if err != nil {
		t.Fatal(err)
	}
	if r.Age != 75 || r.CareGroups.Reported != 1 || !slices.Equal(r.CareGroups.Matched, []rules.CareGroup{1, 3}) {
		t.Errorf("result %+v", r)
	}
	if got := one[string](t, env.DB, `SELECT needs FROM elders WHERE id = ?`, s.Elder.ID); got != `["daily_care","emotional_comfort"]` {
		t.Errorf("elders.needs = %s", got)
	}
	if got := one[string](t, env.DB, `SELECT sex || birth_date FROM elders WHERE id = ?`, s.Elder.ID); got != "male1950-03-03" {
		t.Errorf("elder %s", got)
	}
	got := one[string](t, env.DB, `SELECT b_feeding || b_bathing || b_transfers || '|' || barthel_total || '|' || barthel_grade || '|' ||
		care_group || care_groups || '|' || home_care || '|' || pairing_advice || '|' || diagnoses || '|' || state FROM elder_screenings WHERE id = 's1'`)
	if want := `555|50|barthel.grade.moderate|1[1,3]|1|two_to_one|["高血压","糖尿病","冠心病"]|submitted`; got != want {
		t.Errorf("screening row %s\nwant %s", got, want)
	}
	// A second screening of the same elder carries the basics over.
	s2, err := NewScreening(ctx, env, "s2", s.Elder.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	if s2.Reason != "routine" || s2.IDNumber != s.IDNumber || len(s2.Barthel) != 0 || s2.Diagnoses != "高血压\n糖尿病\n冠心病" {
		t.Errorf("second screening %+v", s2)
	}
	back, err := LoadScreening(ctx, env, "s1")
	if err != nil || back.Barthel["feeding"] != 5 || !back.ReadOnly() {
		t.Errorf("reloaded %+v, %v", back, err)
	}
}

func TestAbilityAssessment(t *testing.T) {
	s := &Screening{Ability: true}
	items := rules.AbilityItems()
	for _, it := range items {
		if err := s.SetAbility(it.Key, it.Max+1); err == nil {
			t.Errorf("%s accepted %d", it.Key, it.Max+1)
		}
		if err := s.SetAbility(it.Key, it.Max); err != nil {
			t.Fatal(err)
		}
	}
	r := s.Derive(refNow, mustEnv(t).Config)
	if r.Ability == nil || r.Ability.Total != 90 || r.Ability.Level != rules.LevelIntact {
		t.Errorf("ability %+v", r.Ability)
	}
}
