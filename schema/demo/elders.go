package demo

import (
	"math/rand/v2"
	"slices"
	"time"

	"doorstep/schema"
	"doorstep/schema/rules"
)

// elder is a screened elder (elders) with their needs screenings.
type elder struct {
	id string
	person
	comm       *community
	address    string
	phone      string
	screenings []*screening
}

// screening is an elderly needs screening (elder_screenings).
type screening struct {
	id                     string
	e                      *elder
	day                    time.Time
	age                    int
	reason, living, band   string
	single, threeNo        bool
	diagnoses, medications []string
	risks                  []string
	barthel                rules.Barthel
	grade                  rules.BarthelGrade
	ability                *rules.Ability
	abilityRes             rules.AbilityResult
	dementia               bool
	needs                  []string
	homeCare               bool
	groups                 rules.CareGroups
	advice                 string
	submitted              time.Time
	author                 *staffer
	reviewed               bool
}

// elderPlan is a block of elders with the facts that decide their
// monetary-care group: 70 or older or not, income band, single-child family.
// The blocks give 46 elders aged 70+ (home-based care) and 155 in a group:
// 10 in group 1, 20 in group 2 (8 of them also matching group 3), 125 in
// group 3 only; 140 are in no group.
var elderPlans = []struct {
	old    bool
	band   rules.IncomeBand
	single bool
	n      int
}{
	{true, rules.IncomeNone, false, 7},
	{true, rules.IncomeNone, true, 3},
	{true, rules.IncomeBelow, false, 15},
	{true, rules.IncomeBelow, true, 5},
	{true, rules.IncomeAtOrAbove, true, 6},
	{true, rules.IncomeAtOrAbove, false, 10},
	{false, "", true, 119},
	{false, "", false, 130},
}

var (
	elderDiagnoses = []string{"高血压", "糖尿病", "冠心病", "慢性阻塞性肺疾病", "骨关节炎", "脑卒中后遗症", "白内障", "骨质疏松"}
	medicationFor  = map[string]string{
		"高血压": "苯磺酸氨氯地平片", "糖尿病": "二甲双胍缓释片", "冠心病": "阿司匹林肠溶片",
		"慢性阻塞性肺疾病": "沙美特罗替卡松吸入剂", "骨关节炎": "氨基葡萄糖胶囊", "脑卒中后遗症": "阿托伐他汀钙片",
		"骨质疏松": "碳酸钙D3片", "阿尔茨海默病": "盐酸多奈哌齐片",
	}
)

// elders generates the screened elders: who they are, where they live, and
// one screening each (a second, immediate one after a fall for a few).
func (g *gen) elders() {
	r := stream(g.seed, "elders")
	type slot struct {
		old    bool
		band   rules.IncomeBand
		single bool
	}
	var slots []slot
	for _, p := range elderPlans {
		for i := 0; i < p.n; i++ {
			slots = append(slots, slot{p.old, p.band, p.single})
		}
	}
	r.Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })
	y := g.from.Year()
	threeNo := 0
	for _, s := range slots {
		day := visitDay(r, date(y, time.February, 20), date(y, time.June, 24))
		if pct(r, 60) {
			day = visitDay(r, date(y, time.May, 6), date(y, time.May, 29))
		}
		age := between(r, 60, 69)
		if s.old {
			age = 70 + min(r.IntN(12)+r.IntN(14), 24)
		}
		band := s.band
		if band == "" {
			band = rules.IncomeBand(weighted{{"none", 10}, {"below", 35}, {"at_or_above", 55}}.pick(r))
		}
		c := g.pickCommunity(r)
		e := &elder{person: g.newPerson(r, "", age, pct(r, 42), day), comm: c,
			address: address(r, c.spec), phone: phone(r)}
		sc := &screening{e: e, day: day, age: age, reason: "first", band: string(band), single: s.single}
		switch {
		case s.old && band == rules.IncomeNone && !s.single && threeNo < 3:
			sc.threeNo, sc.living = true, "alone"
			threeNo++
		case s.single:
			sc.living = weighted{{"with_spouse", 50}, {"with_children", 30}, {"alone", 20}}.pick(r)
		default:
			sc.living = weighted{{"alone", 28}, {"with_spouse", 45}, {"with_children", 27}}.pick(r)
		}
		if pct(r, 12) {
			sc.reason = weighted{{"routine", 2}, {"reassessment", 1}}.pick(r)
		}
		g.assess(r, sc, dependency(r, age))
		e.screenings = append(e.screenings, sc)
		g.elderList = append(g.elderList, e)
	}
	g.choosePairings(r)
	for _, e := range g.elderList {
		first := e.screenings[0]
		e.id = g.ids.uuid(at(first.day, 8, 0))
		if len(first.risks) > 0 && pct(r, 35) {
			g.reassess(r, e)
		}
		for _, sc := range e.screenings {
			g.finishScreening(r, sc)
		}
	}
}

// dependency draws a Barthel band for an elder of age: the target total.
func dependency(r *rand.Rand, age int) int {
	w := weighted{{"100", 60}, {"mild", 30}, {"moderate", 7}, {"severe", 3}}
	if age >= 70 {
		w = weighted{{"100", 30}, {"mild", 42}, {"moderate", 16}, {"severe", 12}}
	}
	switch w.pick(r) {
	case "mild":
		return 5 * between(r, 13, 19) // 65–95
	case "moderate":
		return 5 * between(r, 9, 12) // 45–60
	case "severe":
		return 5 * between(r, 1, 8) // 5–40
	}
	return 100
}

// barthelDrop lowers items, those lost first more likely, until the total
// is target. Every allowed value list is 0, 5, 10 … so a step of 5 from any
// positive value is allowed.
func barthelDrop(r *rand.Rand, b *rules.Barthel, target int) {
	order := weighted{{"stairs", 9}, {"bathing", 8}, {"mobility", 7}, {"transfers", 5}, {"dressing", 5},
		{"grooming", 4}, {"toilet", 4}, {"bladder", 3}, {"bowels", 2}, {"feeding", 2}}
	for b.Total() > target {
		key := order.pick(r)
		v, _ := b.Get(key)
		if v > 0 {
			if err := b.Set(key, v-5); err != nil {
				panic("demo: barthel: " + err.Error())
			}
		}
	}
}

// assess fills a screening's health, Barthel items (total target), GB/T
// assessment (for a quarter of elders and everyone more than mildly
// dependent), needs and advice.
func (g *gen) assess(r *rand.Rand, sc *screening, target int) {
	sc.barthel = rules.Barthel{Feeding: 10, Bathing: 5, Grooming: 5, Dressing: 10, Bowels: 10,
		Bladder: 10, Toilet: 10, Transfers: 15, Mobility: 15, Stairs: 10}
	barthelDrop(r, &sc.barthel, target)
	sc.diagnoses = nil
	for _, d := range elderDiagnoses {
		if pct(r, 22) {
			sc.diagnoses = append(sc.diagnoses, d)
		}
	}
	if pct(r, 3) || sc.age >= 75 && pct(r, 6) {
		sc.dementia = true
		sc.diagnoses = append(sc.diagnoses, "阿尔茨海默病")
	}
	sc.medications = nil
	for _, d := range sc.diagnoses {
		if m, ok := medicationFor[d]; ok {
			sc.medications = append(sc.medications, m)
		}
	}
	fall := 8
	if target <= 60 {
		fall = 20
	}
	sc.risks = nil
	if pct(r, fall) {
		sc.risks = append(sc.risks, "fall")
		if pct(r, 12) {
			sc.risks = append(sc.risks, schema.CareRiskEvents[1+r.IntN(3)])
		}
	}
	sc.ability = nil
	if target <= 60 || pct(r, 25) {
		a := &rules.Ability{Scores: map[string]int{}, DementiaOrMentalDisorder: sc.dementia, RiskEvents30d: len(sc.risks)}
		p := float64(sc.barthel.Total()) / 100
		for _, it := range rules.AbilityItems() {
			q := p
			if it.Domain == rules.DomainMental {
				q = 0.92
				if sc.dementia {
					q = 0.45
				}
			}
			if it.Domain == rules.DomainPerception {
				q = (p + 0.8) / 2
			}
			q += (r.Float64() - 0.5) * 0.3
			a.Scores[it.Key] = max(0, min(it.Max, int(q*float64(it.Max)+0.5)))
		}
		sc.ability = a
	}
	sc.needs = elderNeeds(r, sc)
	sc.advice = ""
	alone := sc.living == "alone"
	total := sc.barthel.Total()
	switch {
	case alone && total <= 60:
		sc.advice = "many_to_one"
	case alone:
		sc.advice = "one_to_one"
	case sc.living == "with_spouse" && total < 90:
		sc.advice = "two_to_one"
	}
}

// elderNeeds derives the needs checklist from the screening, in
// schema.ElderNeeds order.
func elderNeeds(r *rand.Rand, sc *screening) []string {
	total := sc.barthel.Total()
	alone := sc.living == "alone"
	has := map[string]bool{
		"daily_care":        total <= 60,
		"housekeeping":      total < 100 || sc.age >= 75 && alone,
		"rehabilitation":    slices.Contains(sc.diagnoses, "脑卒中后遗症") || total <= 60 && pct(r, 50),
		"health_care":       len(sc.diagnoses) > 0,
		"emotional_comfort": alone || sc.dementia,
		"emergency_help":    alone && (len(sc.risks) > 0 || total <= 60),
		"legal_rights":      pct(r, 4),
		"culture_exercise":  total >= 90 && pct(r, 50),
	}
	var out []string
	for _, n := range schema.ElderNeeds {
		if has[n] {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		out = []string{"culture_exercise"}
	}
	return out
}

// reassess adds an immediate re-screening some weeks after a fall, with a
// lower Barthel total, when the elder's age (and so their groups) is the
// same on that day.
func (g *gen) reassess(r *rand.Rand, e *elder) {
	first := e.screenings[0]
	day := after(first.day, between(r, 20, 50))
	if day.After(addDays(g.to, -2)) || rules.Age(e.birth, day) != first.age {
		return
	}
	sc := *first
	sc.day, sc.reason = day, "immediate"
	g.assess(r, &sc, max(5, first.barthel.Total()-5*between(r, 1, 3)))
	sc.risks = append([]string{"fall"}, sc.risks...)
	if len(sc.risks) > 1 && sc.risks[0] == sc.risks[1] {
		sc.risks = sc.risks[1:]
	}
	sc.needs = elderNeeds(r, &sc)
	if first.advice != "" {
		sc.advice = first.advice
	}
	e.screenings = append(e.screenings, &sc)
}

// finishScreening computes the rules' results (grade, GB/T level, home-care
// eligibility, care groups) and the record's ids, author and review.
func (g *gen) finishScreening(r *rand.Rand, sc *screening) {
	var err error
	if sc.grade, err = sc.barthel.Grade("", g.cfg); err != nil {
		panic("demo: barthel grade: " + err.Error())
	}
	if sc.ability != nil {
		if sc.abilityRes, err = sc.ability.Assess(); err != nil {
			panic("demo: ability: " + err.Error())
		}
	}
	sc.homeCare = rules.HomeCareEligible(sc.age, g.cfg)
	sc.groups = rules.MonetaryCareGroups(sc.age, rules.IncomeBand(sc.band), sc.single, g.cfg)
	sc.author = sc.e.comm.workers[r.IntN(len(sc.e.comm.workers))]
	start := workTime(r, sc.day)
	sc.id = g.ids.uuid(start)
	sc.submitted = start.Add(time.Duration(between(r, 60, 12*60)) * time.Minute)
	if day := after(dayOf(sc.submitted), between(r, 1, 4)); !day.After(g.to) {
		g.review(r, "elder_screenings", sc.id, nil, sc.e.comm, "approve", "同意。", nil, day)
		sc.reviewed = true
	}
}

// latest returns the elder's latest screening.
func (e *elder) latest() *screening { return e.screenings[len(e.screenings)-1] }
