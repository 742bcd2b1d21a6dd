package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"doorstep/schema/rules"
)

// Households beyond the active ones: some applications are in progress and a
// few households are suspended while a complaint is investigated.
const (
	numSuspended  = 6
	numApplicants = 15
	// staffRelativeShare: 1 in this many active households is a near
	// relative of staff or cadres (单独登记备案).
	staffRelativeShare = 100
)

// Months (1–6) in which additions and cancellations were approved at the
// collective approval meetings: more from April, when the standard rose
// and every household was re-examined.
var (
	addMonths    = weighted{{"1", 8}, {"2", 8}, {"3", 12}, {"4", 22}, {"5", 25}, {"6", 25}}
	cancelMonths = weighted{{"1", 10}, {"2", 8}, {"3", 12}, {"4", 20}, {"5", 25}, {"6", 25}}
)

// meeting is a street's monthly collective approval meeting (会议集中审批).
type meeting struct {
	id        string
	street    *street
	held      time.Time
	attendees []*staffer
	decisions []*decision
}

// decision is one household's decision at a meeting.
type decision struct {
	id                      string
	h                       *household
	v                       *visit
	kind                    string // approve, cancel
	votesFor, against, abst int
}

// households generates every 低保 household and its half-year: active ones
// (220 of them approved in the half-year), cancelled, suspended and applicants.
func (g *gen) households() {
	r := stream(g.seed, "households")
	g.scheduleMeetings(r)

	var sizes []int
	for _, s := range activeSizes {
		for i := 0; i < s.count; i++ {
			sizes = append(sizes, s.size)
		}
	}
	r.Shuffle(len(sizes), func(i, j int) { sizes[i], sizes[j] = sizes[j], sizes[i] })
	var active []*household
	for _, n := range sizes {
		active = append(active, g.newHousehold(r, n, "active"))
	}
	others := func(status string, k int) []*household {
		var out []*household
		for i := 0; i < k; i++ {
			n, _ := strconv.Atoi(sizeWeights.pick(r))
			out = append(out, g.newHousehold(r, n, status))
		}
		return out
	}
	cancelled := others("cancelled", TargetCancelled)
	suspended := others("suspended", numSuspended)
	applicants := others("applicant", numApplicants)

	all := append(append(append(append([]*household{}, active...), cancelled...), suspended...), applicants...)
	for _, h := range all {
		g.housingAndAssets(r, h)
		h.pci = drawPCI(r, h.class)
	}
	g.calibrate(active)
	for _, h := range all {
		g.splitIncome(r, h, h.pci*int64(h.counted()))
		g.excludedIncomes(r, h)
	}
	for i, j := range r.Perm(len(active)) {
		if i < len(active)/staffRelativeShare {
			active[j].staffRelative = true
		}
	}
	isNew := map[*household]bool{}
	for _, j := range r.Perm(len(active))[:TargetAdded] {
		isNew[active[j]] = true
	}
	for _, h := range active {
		if isNew[h] {
			g.addition(r, h)
		} else {
			g.continuing(r, h)
		}
		h.benefit = g.benefit(h, g.to)
	}
	for _, h := range cancelled {
		g.cancellation(r, h)
	}
	for _, h := range suspended {
		g.suspension(r, h)
	}
	for _, h := range applicants {
		g.application(r, h)
	}
	g.hhs = all
}

// newHousehold composes a household of n counted members in a random community.
func (g *gen) newHousehold(r *rand.Rand, n int, status string) *household {
	c := g.pickCommunity(r)
	h := &household{comm: c, status: status, hukouLocal: true, address: address(r, c.spec)}
	g.compose(r, h, n)
	h.caseworker = c.caseworker()
	return h
}

// scheduleMeetings makes each street's monthly meeting, on a weekday around
// the 20th–25th, attended by the street's supervisors and one from the district.
func (g *gen) scheduleMeetings(r *rand.Rand) {
	for i, s := range g.streets {
		for m := time.January; m <= time.June; m++ {
			held := weekday(date(g.from.Year(), m, 20+i%6))
			mt := &meeting{street: s, held: held,
				attendees: append(append([]*staffer{}, s.supervisors...), g.districtSV[r.IntN(len(g.districtSV))])}
			mt.id = g.ids.uuid(at(held, 14, 30))
			g.meetings = append(g.meetings, mt)
		}
	}
}

// meetingOf returns street s's meeting in month m.
func (g *gen) meetingOf(s *street, m time.Month) *meeting {
	for _, mt := range g.meetings {
		if mt.street == s && mt.held.Month() == m {
			return mt
		}
	}
	panic("demo: no meeting for " + s.name)
}

// decide records a decision on h at mt.
func (g *gen) decide(r *rand.Rand, mt *meeting, h *household, v *visit, kind string) {
	d := &decision{h: h, v: v, kind: kind, votesFor: between(r, 5, 9)}
	if pct(r, 10) {
		d.against = 1
	}
	if pct(r, 10) {
		d.abst = 1
	}
	d.id = g.ids.uuid(at(mt.held, 15, len(mt.decisions)%60))
	mt.decisions = append(mt.decisions, d)
}

// identify gives h, its members, incomes and assets their ids and h its
// reference code, stamped with the application date.
func (g *gen) identify(r *rand.Rand, h *household) {
	t := workTime(r, h.applied)
	h.id = g.ids.uuid(t)
	h.ref = g.ids.ref(t)
	for _, m := range h.members {
		m.id = g.ids.uuid(t)
	}
	for _, in := range h.incomes {
		in.id = g.ids.uuid(t)
	}
	for _, a := range h.assets {
		a.id = g.ids.uuid(t)
	}
}

// approvedBefore sets the application and approval dates of a household
// approved before the half-year, most of them in the last few years.
func (g *gen) approvedBefore(r *rand.Rand, h *household) {
	u := r.Float64()
	h.approved = addDays(g.from, -(20 + int(3650*u*u)))
	h.applied = addDays(h.approved, -between(r, 25, 60))
}

// visitDay returns a weekday between from and to (inclusive).
func visitDay(r *rand.Rand, from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours() / 24)
	d := weekday(addDays(from, r.IntN(days+1)))
	if d.After(to) {
		d = addDays(d, -3)
	}
	if d.Before(from) {
		d = addDays(d, 3)
	}
	return d
}

// earlyRecheck gives class B and C households a re-check in the first quarter.
func (g *gen) earlyRecheck(r *rand.Rand, h *household, last time.Time) {
	if h.class == "A" || last.Before(addDays(g.from, 10)) {
		return
	}
	day := visitDay(r, addDays(g.from, 3), last)
	v := g.visit(r, h, day, "recheck")
	g.settle(r, v, true)
}

// reexamine is the spring re-examination of every household when the
// standard rose (从今年4月份起 … 对全区低保工作重新审核、审批).
func (g *gen) reexamine(r *rand.Rand, h *household, from time.Time) *visit {
	spring := date(g.from.Year(), time.April, 1)
	if from.Before(spring) {
		from = spring
	}
	day := visitDay(r, from, date(g.from.Year(), time.June, 25))
	v := g.visit(r, h, day, "recheck")
	return g.settle(r, v, true)
}

// continuing is an active household approved before the half-year.
func (g *gen) continuing(r *rand.Rand, h *household) {
	g.approvedBefore(r, h)
	g.identify(r, h)
	g.earlyRecheck(r, h, date(g.from.Year(), time.March, 25))
	g.reexamine(r, h, g.from)
	g.setRecheck(h, false)
}

// addition is a household that applied and was approved in the half-year.
func (g *gen) addition(r *rand.Rand, h *household) {
	m, _ := strconv.Atoi(addMonths.pick(r))
	mt := g.meetingOf(h.comm.street, time.Month(m))
	h.approved = mt.held
	h.applied = addDays(mt.held, -between(r, 30, 55))
	g.identify(r, h)
	v := g.visit(r, h, weekday(addDays(h.applied, between(r, 3, 9))), "application")
	v = g.settle(r, v, true)
	g.decide(r, mt, h, v, "approve")
	if h.approved.Month() < time.April {
		g.reexamine(r, h, addDays(h.approved, 14))
	}
	g.setRecheck(h, true)
}

// cancellation is a household approved earlier and cancelled in the half-year.
func (g *gen) cancellation(r *rand.Rand, h *household) {
	g.approvedBefore(r, h)
	g.identify(r, h)
	m, _ := strconv.Atoi(cancelMonths.pick(r))
	mt := g.meetingOf(h.comm.street, time.Month(m))
	day := weekday(addDays(mt.held, -between(r, 12, 30)))
	if day.Before(addDays(g.from, 3)) {
		day = weekday(addDays(g.from, 3))
	}
	g.earlyRecheck(r, h, addDays(day, -20))

	h.cancelReason = weighted{{"income_above_standard", 40}, {"assets_exceed", 12}, {"moved_away", 15},
		{"deceased", 13}, {"refused_recheck", 10}, {"withdrawn", 10}}.pick(r)
	if h.cancelReason == "deceased" && (len(h.members) > 1 || h.head().age < 60) {
		h.cancelReason = "moved_away"
	}
	switch h.cancelReason {
	case "income_above_standard":
		earner := h.head()
		for _, mb := range h.members {
			if mb.counted && mb.age >= 18 && mb.age < 60 && mb.labour != "none" {
				earner = mb
				break
			}
		}
		h.incomes = append(h.incomes, &income{id: g.ids.uuid(at(day, 10, 0)), m: earner, kind: rules.IncomeWages,
			fen: int64(between(r, 1800, 3200)) * 100, note: "新就业月工资", since: day})
	case "assets_exceed":
		h.assets = append(h.assets, &asset{id: g.ids.uuid(at(day, 10, 0)), kind: "vehicle", owner: h.head(),
			vehicle: rules.VehicleCar, desc: "二手小轿车", value: int64(between(r, 30, 80)) * 1000000, since: day})
	}
	purpose := "recheck"
	if day.Before(date(g.from.Year(), time.April, 1)) && pct(r, 40) {
		purpose = "complaint"
	}
	h.cancelDay = day
	v := g.visit(r, h, day, purpose)
	v = g.settle(r, v, false)
	g.decide(r, mt, h, v, "cancel")
	h.cancelled = mt.held
}

// suspension is a household whose benefit is suspended while a complaint
// visit, submitted late in June, awaits review.
func (g *gen) suspension(r *rand.Rand, h *household) {
	g.approvedBefore(r, h)
	g.identify(r, h)
	g.earlyRecheck(r, h, date(g.from.Year(), time.March, 25))
	g.reexamine(r, h, g.from)
	g.setRecheck(h, false)
	day := visitDay(r, date(g.from.Year(), time.June, 8), date(g.from.Year(), time.June, 26))
	g.visit(r, h, day, "complaint")
}

// application is a household that applied in June: most visits are
// submitted and wait for review, some are drafts, a few not yet made.
func (g *gen) application(r *rand.Rand, h *household) {
	h.applied = visitDay(r, date(g.from.Year(), time.June, 1), date(g.from.Year(), time.June, 22))
	if pct(r, 15) {
		h.assets = append(h.assets, &asset{kind: "vehicle", owner: h.head(), vehicle: rules.VehicleCar,
			desc: "二手小轿车", value: int64(between(r, 20, 50)) * 1000000})
	}
	g.identify(r, h)
	switch n := r.IntN(15); {
	case n < 10:
		g.visit(r, h, weekday(addDays(h.applied, between(r, 2, 6))), "application")
	case n < 13:
		v := g.visit(r, h, weekday(addDays(h.applied, between(r, 2, 6))), "application")
		v.submitted = time.Time{}
	}
}

// setRecheck sets the household's next re-check from its last approved
// visit: the re-check date, or the approval date for an application.
func (g *gen) setRecheck(h *household, isNew bool) {
	last := h.lastVisit.day
	if isNew && h.lastVisit.purpose == "application" {
		last = h.approved
	}
	due, err := rules.RecheckDue(h.class, "", last, h.flags, g.cfg)
	if err != nil {
		panic(fmt.Sprintf("demo: recheck due: %v", err))
	}
	h.recheckDue = due
}

// benefit returns h's benefit on day, from what was recorded by then.
func (g *gen) benefit(h *household, day time.Time) rules.Benefit {
	b, err := rules.MonthlyBenefit(g.rulesHousehold(h, day, true), day, g.cfg)
	if err != nil {
		panic("demo: benefit: " + err.Error())
	}
	return b
}

// eligibility returns h's means-test result on day.
func (g *gen) eligibility(h *household, day time.Time) rules.Eligibility {
	e, err := rules.CheckEligibility(g.rulesHousehold(h, day, true), g.cfg)
	if err != nil {
		panic("demo: eligibility: " + err.Error())
	}
	return e
}

// amount is the monthly benefit an approval grants (meeting_decisions.amount_fen),
// NULL for a cancellation.
func (d *decision) amount() any {
	if d.kind != "approve" {
		return nil
	}
	return d.v.ben.TotalFen
}
