package demo

import (
	"math/rand/v2"
	"time"

	"doorstep/schema/rules"
)

// person is who someone is: name, sex, birth date and ID number. The ID
// number encodes the birth date and, in its 17th digit, the sex.
type person struct {
	name     string
	male     bool
	birth    time.Time // date at midnight UTC
	idNumber string
}

// sex returns the stored sex code (schema.Sexes, rules.Sex).
func (p person) sex() string {
	if p.male {
		return string(rules.SexMale)
	}
	return string(rules.SexFemale)
}

// birthFor returns a birth date at which someone is exactly age (whole
// years, rules.Age) on day on.
func birthFor(r *rand.Rand, age int, on time.Time) time.Time {
	latest := on.AddDate(-age, 0, 0)
	for rules.Age(latest, on) < age {
		latest = addDays(latest, -1)
	}
	b := addDays(latest, -r.IntN(365))
	for rules.Age(b, on) > age {
		b = addDays(b, 1)
	}
	return b
}

// newPerson makes a person of age on day on, with surname ("" for a random
// one), and a fresh valid ID number.
func (g *gen) newPerson(r *rand.Rand, surname string, age int, male bool, on time.Time) person {
	if age < 0 {
		age = 0
	}
	b := birthFor(r, age, on)
	return person{
		name:     personName(r, surname, b.Year(), male),
		male:     male,
		birth:    b,
		idNumber: g.idNumber(r, b, male),
	}
}

// idNumber returns an ID number not used before in the district, with a
// birth region drawn from birthRegions and a sequence whose parity gives the sex.
func (g *gen) idNumber(r *rand.Rand, birth time.Time, male bool) string {
	region := birthRegions.pick(r)
	for {
		seq := 2 * r.IntN(500)
		if male {
			seq++
		}
		id := rules.MakeID(region, birth, seq)
		if !g.idNums[id] {
			g.idNums[id] = true
			return id
		}
	}
}

// pct reports true with probability p percent.
func pct(r *rand.Rand, p int) bool { return r.IntN(100) < p }

// between returns a uniform integer in [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }
