package demo

import (
	"math/rand/v2"
	"time"

	"doorstep/schema/rules"
)

// household is one 低保 household while it is generated.
type household struct {
	id, ref       string
	comm          *community
	address       string
	status        string
	class         string
	hardship      string
	staffRelative bool
	hukouLocal    bool
	flags         []string // re-check flags (rules.FlagIrregularIncomeWorkingAge)
	kind          string   // composition, for texts

	applied, approved, cancelled time.Time
	cancelReason                 string
	cancelDay                    time.Time // the visit that led to cancellation

	members    []*member
	incomes    []*income
	assets     []*asset
	housing    housing
	caseworker *staffer
	pci        int64 // target per-capita counted income, fen

	visits     []*visit
	lastVisit  *visit // the latest approved visit
	recheckDue time.Time
	benefit    rules.Benefit // as of the end of the half-year

	periods []*period     // the benefit history (history.go)
	account *payeeAccount // where the benefit is paid
}

// member is a household member.
type member struct {
	id string
	person
	rel, marital, health string
	disCat               string // "" for none
	disGrade             int
	labour, employment   string
	counted              bool
	notCounted           string
	age                  int // on the last day of the half-year
}

// Household sizes (counted members) of the active households: exact counts
// that add up to 2,522 households and 6,708 people (mean 2.66).
var activeSizes = []struct{ size, count int }{
	{1, 530}, {2, 640}, {3, 704}, {4, 486}, {5, 130}, {6, 32},
}

// sizeWeights draws the size of other households (applicants, cancelled).
var sizeWeights = weighted{{"1", 21}, {"2", 25}, {"3", 28}, {"4", 19}, {"5", 5}, {"6", 2}}

// compositions by size: kind names with weights.
var compositions = map[int]weighted{
	1: {{"elder_alone", 45}, {"disabled_alone", 35}, {"adult_alone", 20}},
	2: {{"elder_couple", 35}, {"single_parent", 35}, {"adult_with_parent", 15}, {"couple", 15}},
	3: {{"couple_child", 45}, {"single_parent", 20}, {"elders_disabled_child", 15}, {"grandparent_raising", 10}, {"couple_parent", 10}},
	4: {{"couple_children", 45}, {"couple_child_parent", 35}, {"grandparents_raising", 20}},
	5: {{"couple_children_parent", 60}, {"couple_child_parents", 40}},
	6: {{"couple_children_parents", 70}, {"couple_children_parent", 30}},
}

// compose fills h with n counted members of a composition drawn for n, and
// sometimes one member who is not counted.
func (g *gen) compose(r *rand.Rand, h *household, n int) {
	on := g.to
	h.kind = compositions[n].pick(r)
	add := func(p person, rel string, age int) *member {
		m := &member{person: p, rel: rel, counted: true, age: age}
		h.members = append(h.members, m)
		return m
	}
	newAdult := func(surname string, lo, hi, malePct int) *member {
		age := between(r, lo, hi)
		return add(g.newPerson(r, surname, age, pct(r, malePct), on), "self", age)
	}
	head := func(lo, hi, malePct int) *member { return newAdult("", lo, hi, malePct) }
	spouse := func(hd *member) *member {
		age := hd.age - between(r, -2, 6)
		if !hd.male {
			age = hd.age + between(r, -2, 6)
		}
		age = max(age, 21)
		m := add(g.newPerson(r, "", age, !hd.male, on), "spouse", age)
		hd.marital, m.marital = "married", "married"
		return m
	}
	child := func(hd *member, lo, hi int) *member {
		hi = min(hi, hd.age-20)
		lo = min(lo, hi)
		age := max(between(r, lo, hi), 0)
		surname := surnameOf(hd.name)
		if !hd.male && pct(r, 50) {
			surname = ""
		}
		return add(g.newPerson(r, surname, age, pct(r, 52), on), "child", age)
	}
	parent := func(hd *member) *member {
		age := min(hd.age+between(r, 22, 34), 96)
		age = max(age, 60)
		male := pct(r, 35)
		surname := ""
		if male {
			surname = surnameOf(hd.name)
		}
		m := add(g.newPerson(r, surname, age, male, on), "parent", age)
		m.marital = "widowed"
		return m
	}
	grandchild := func(hd *member) *member {
		age := between(r, 2, 16)
		return add(g.newPerson(r, surnameOf(hd.name), age, pct(r, 52), on), "grandchild", age)
	}
	lone := func(m *member, w weighted) { m.marital = w.pick(r) }
	single := weighted{{"divorced", 60}, {"widowed", 40}}

	switch h.kind {
	case "elder_alone":
		m := head(60, 92, 40)
		lone(m, weighted{{"widowed", 65}, {"divorced", 12}, {"unmarried", 23}})
	case "disabled_alone":
		m := head(30, 59, 60)
		lone(m, weighted{{"unmarried", 60}, {"divorced", 40}})
		g.disable(r, m, 1, 3)
	case "adult_alone":
		m := head(40, 59, 55)
		lone(m, weighted{{"divorced", 50}, {"unmarried", 30}, {"widowed", 20}})
		m.health = weighted{{"serious", 45}, {"chronic", 45}, {"healthy", 10}}.pick(r)
	case "elder_couple":
		spouse(head(62, 88, 85))
	case "single_parent":
		hd := head(28, 50, 30)
		lone(hd, single)
		for i := 1; i < n; i++ {
			child(hd, 1, 17)
		}
	case "adult_with_parent":
		hd := head(35, 58, 55)
		lone(hd, weighted{{"unmarried", 50}, {"divorced", 50}})
		if pct(r, 60) {
			g.disable(r, hd, 1, 4)
		} else {
			hd.health = "serious"
		}
		parent(hd)
	case "couple":
		hd := head(45, 59, 80)
		sp := spouse(hd)
		sp.health = weighted{{"serious", 60}, {"chronic", 40}}.pick(r)
	case "couple_child", "couple_children":
		hd := head(30, 52, 80)
		spouse(hd)
		for i := 2; i < n; i++ {
			child(hd, 0, 19)
		}
	case "elders_disabled_child":
		hd := head(58, 80, 85)
		spouse(hd)
		c := child(hd, 28, 50)
		c.marital = "unmarried"
		g.disable(r, c, 1, 3)
	case "grandparent_raising":
		hd := head(58, 78, 45)
		lone(hd, weighted{{"widowed", 70}, {"divorced", 30}})
		for i := 1; i < n; i++ {
			grandchild(hd)
		}
	case "grandparents_raising":
		hd := head(58, 78, 80)
		spouse(hd)
		for i := 2; i < n; i++ {
			grandchild(hd)
		}
	case "couple_parent":
		hd := head(38, 58, 80)
		spouse(hd)
		parent(hd)
	case "couple_child_parent", "couple_children_parent":
		hd := head(32, 52, 80)
		spouse(hd)
		parent(hd)
		for i := 3; i < n; i++ {
			child(hd, 0, 19)
		}
	case "couple_child_parents", "couple_children_parents":
		hd := head(32, 50, 80)
		spouse(hd)
		p1 := parent(hd)
		p2 := add(g.newPerson(r, "", max(p1.age+between(r, -4, 4), 60), !p1.male, on), "parent", 0)
		p2.age = rules.Age(p2.birth, on)
		p1.marital, p2.marital = "married", "married"
		for i := 4; i < n; i++ {
			child(hd, 0, 19)
		}
	}
	for _, m := range h.members {
		g.attributes(r, m)
	}
	if n >= 2 && pct(r, 2) {
		g.uncounted(r, h)
	}
	h.class, h.flags = classify(r, h)
	h.hardship = hardship(h)
}

// disable gives m a disability of a grade between lo and hi (1 most severe).
func (g *gen) disable(r *rand.Rand, m *member, lo, hi int) {
	m.disCat = weighted{{"physical", 40}, {"intellectual", 12}, {"mental", 12}, {"visual", 12},
		{"hearing", 10}, {"speech", 3}, {"multiple", 11}}.pick(r)
	m.disGrade = between(r, lo, hi)
}

// attributes completes a member's marital status, health, disability,
// labour capacity and employment from their age and what compose set.
func (g *gen) attributes(r *rand.Rand, m *member) {
	age := m.age
	if m.marital == "" {
		switch {
		case age < 22:
			m.marital = "unmarried"
		default:
			m.marital = weighted{{"unmarried", 70}, {"divorced", 30}}.pick(r)
		}
	}
	if m.health == "" {
		switch {
		case age < 18:
			m.health = weighted{{"healthy", 92}, {"chronic", 6}, {"serious", 2}}.pick(r)
		case age < 60:
			m.health = weighted{{"healthy", 55}, {"chronic", 30}, {"serious", 15}}.pick(r)
		default:
			m.health = weighted{{"healthy", 25}, {"chronic", 60}, {"serious", 15}}.pick(r)
		}
	}
	if m.disCat == "" {
		p := 10
		if age < 18 {
			p = 4
		}
		if pct(r, p) {
			g.disable(r, m, 1, 4)
		}
	}
	switch {
	case age < 16 || age >= 60 || m.health == "serious" || m.disCat != "" && m.disGrade <= 2:
		m.labour = "none"
	case m.health == "chronic" || m.disCat != "":
		m.labour = "partial"
	default:
		m.labour = "full"
	}
	switch {
	case age < 6:
		m.employment = "preschool"
	case age < 18 || age <= 22 && pct(r, 50):
		m.employment = "student"
	case age >= 60:
		m.employment = weighted{{"retired", 25}, {"none", 75}}.pick(r)
	case m.labour == "none":
		m.employment = "none"
	case m.labour == "partial":
		m.employment = weighted{{"flexible", 30}, {"unemployed_registered", 35}, {"unemployed_unregistered", 35}}.pick(r)
	default:
		m.employment = weighted{{"employed", 25}, {"flexible", 40}, {"unemployed_registered", 25}, {"unemployed_unregistered", 10}}.pick(r)
	}
}

// uncounted adds a member who is not counted in the means test, with the reason.
func (g *gen) uncounted(r *rand.Rand, h *household) {
	hd := h.members[0]
	reason := weighted{{"prison", 40}, {"declared_missing", 20}, {"clergy_apart", 15}, {"other", 25}}.pick(r)
	rel, age, male := "child", between(r, 19, max(19, hd.age-20)), pct(r, 75)
	if reason == "prison" && hd.age < 55 && !hd.male && hd.marital != "married" {
		rel, age, male = "spouse", hd.age+between(r, 0, 5), true
		hd.marital = "married"
	}
	surname := ""
	if rel == "child" {
		surname = surnameOf(hd.name)
	}
	m := &member{person: g.newPerson(r, surname, age, male, g.to), rel: rel, age: age,
		counted: false, notCounted: reason}
	g.attributes(r, m)
	if rel == "spouse" {
		m.marital = "married"
	}
	h.members = append(h.members, m)
}

// classify returns the household's class and re-check flags: A when nobody
// counted can work, C when a member able to work has irregular income, B
// otherwise (or by chance among partial capacity only).
func classify(r *rand.Rand, h *household) (string, []string) {
	full, partial, irregular := false, false, false
	for _, m := range h.members {
		if !m.counted {
			continue
		}
		switch m.labour {
		case "full":
			full = true
		case "partial":
			partial = true
		}
		if m.labour != "none" && m.employment != "employed" && m.employment != "student" {
			irregular = true
		}
	}
	var flags []string
	if irregular {
		flags = []string{rules.FlagIrregularIncomeWorkingAge}
	}
	switch {
	case full && irregular && pct(r, 60):
		return "C", flags
	case full:
		return "B", flags
	case partial && pct(r, 50):
		return "B", flags
	}
	if partial {
		return "A", flags
	}
	return "A", nil
}

// hardship returns the main cause of hardship (schema.HardshipCauses).
func hardship(h *household) string {
	var serious, disabled, elder, unemployed bool
	for _, m := range h.members {
		serious = serious || m.health == "serious"
		disabled = disabled || m.disCat != ""
		unemployed = unemployed || m.employment == "unemployed_registered" || m.employment == "unemployed_unregistered"
	}
	elder = h.members[0].age >= 60
	switch {
	case serious:
		return "illness"
	case disabled:
		return "disability"
	case elder:
		return "old_age"
	case h.kind == "single_parent":
		return "single_parent"
	case unemployed:
		return "unemployment"
	}
	return "low_income"
}

// counted returns the number of counted members.
func (h *household) counted() int {
	n := 0
	for _, m := range h.members {
		if m.counted {
			n++
		}
	}
	return n
}

// head returns the applicant (relationship "self").
func (h *household) head() *member { return h.members[0] }
