package demo

import (
	"fmt"
	"math"
	"sort"
	"time"

	"doorstep/schema/rules"
)

// The benefit history of the half-year: the spring re-examination raised
// most amounts (从今年4月份起 … 人均补助水平从91元提高到110元), so every
// household paid before its re-examination was paid less; cancellations
// and additions come from the meetings; a few households are suspended and
// resumed, a few additions are re-approvals of households cancelled
// earlier, and two late corrections are settled on July's roll.
const (
	// TargetPaidFen is the 低保金 paid January–June (1—6月份累计发放低保金401万元).
	TargetPaidFen int64 = 401_000_000
	// numTempSuspended households are suspended after a spot check found
	// nobody at home, and resumed after a re-check.
	numTempSuspended = 12
	// numReapproved additions are re-approvals of households cancelled
	// before the half-year.
	numReapproved = 5
	// numLateCorrections households get a correction in late June of the
	// amounts paid for March–May (settled on July's open roll).
	numLateCorrections = 2
)

// period is one entitlement period while it is generated.
type period struct {
	id, decision, kind, status, reason, note string
	decided, from, until                     time.Time
	base, topUp                              int64
	covered                                  int
	recordedBy                               *staffer
	recorded                                 time.Time
	scaled                                   bool // amounts before the spring raise (scaled by oldFactor)
	benefit                                  rules.Benefit
}

// benefitHistory builds every household's entitlement periods and
// calibrates the amounts paid before the spring re-examination so that the
// six closed rolls pay TargetPaidFen.
func (g *gen) benefitHistory() {
	r := stream(g.seed, "history")
	approvals := map[*household]*decision{}
	cancels := map[*household]*decision{}
	for _, mt := range g.meetings {
		for _, d := range mt.decisions {
			if d.kind == "cancel" {
				cancels[d.h] = d
			} else {
				approvals[d.h] = d
			}
		}
	}
	reviewOf := map[string]*review{}
	for _, rv := range g.reviewList {
		if rv.action == "approve" {
			reviewOf[rv.recordID] = rv
		}
	}
	spring := date(g.from.Year(), time.April, 1)
	// reexam returns the review that approved h's spring re-examination.
	reexam := func(h *household) *review {
		v := h.lastVisit
		if v == nil || v.purpose != "recheck" || v.day.Before(spring) {
			return nil
		}
		rv := reviewOf[v.id]
		if rv == nil || dayOf(rv.at).After(g.to) {
			return nil
		}
		return rv
	}
	var newOnes, continuing []*household
	for _, h := range g.hhs {
		switch h.status {
		case "applicant":
			continue
		case "active":
			if approvals[h] != nil {
				newOnes = append(newOnes, h)
			} else {
				continuing = append(continuing, h)
			}
		}
		sv := h.comm.street.supervisors[0]
		final := h.benefit
		if h.status != "active" {
			day := g.to
			if h.status == "cancelled" {
				day = addDays(h.cancelDay, -1)
			}
			final = g.benefit(h, day)
		}
		rv := reexam(h)
		first := &period{kind: rules.KindApprove, status: rules.EntitlementActive, decided: h.approved,
			from: h.approved, benefit: final, scaled: rv != nil || h.status == "cancelled", recordedBy: sv}
		if d := approvals[h]; d != nil {
			first.decision = d.id
		}
		h.periods = append(h.periods, first)
		if rv != nil {
			h.periods = append(h.periods, &period{kind: rules.KindRecheck, status: rules.EntitlementActive,
				decision: rv.id, decided: dayOf(rv.at), from: dayOf(rv.at), benefit: final, recordedBy: rv.reviewer})
		}
		switch h.status {
		case "cancelled":
			d := cancels[h]
			h.periods = append(h.periods, &period{kind: rules.KindCancel, status: rules.EntitlementCancelled,
				decision: d.id, decided: h.cancelled, from: h.cancelled, reason: h.cancelReason,
				note: "会议集中审批：" + cancelNames[h.cancelReason], recordedBy: sv})
		case "suspended":
			// Suspended from the complaint visit; decided after the
			// spring re-examination's approval when that came later.
			day := h.visits[len(h.visits)-1].day
			decided := day
			if last := h.periods[len(h.periods)-1]; last.decided.After(decided) {
				decided = last.decided
			}
			h.periods = append(h.periods, &period{kind: rules.KindSuspend, status: rules.EntitlementSuspended,
				decided: decided, from: day, reason: "under_investigation", note: "接举报，核查期间暂停发放", recordedBy: sv})
		}
	}
	// Temporary suspensions of continuing households re-examined from May.
	var temp []*household
	for _, h := range continuing {
		if rv := reexam(h); rv != nil && !dayOf(rv.at).Before(date(g.from.Year(), time.May, 1)) && h.class == "A" {
			temp = append(temp, h)
		}
	}
	for i, j := range r.Perm(len(temp)) {
		if i == numTempSuspended {
			break
		}
		h := temp[j]
		first := h.periods[0]
		off := weekday(date(g.from.Year(), time.February, between(r, 3, 20)))
		on := weekday(date(g.from.Year(), time.March, between(r, 5, 31)))
		h.periods = append(h.periods[:1], append([]*period{
			{kind: rules.KindSuspend, status: rules.EntitlementSuspended, decided: off, from: off,
				reason: "absent_at_spot_check", note: "抽查两次上门家中无人，暂停发放", recordedBy: first.recordedBy},
			{kind: rules.KindResume, status: rules.EntitlementActive, decided: on, from: on, benefit: first.benefit,
				scaled: true, note: "复核时户主在家，情况属实，恢复发放", recordedBy: first.recordedBy},
		}, h.periods[1:]...)...)
	}
	// Re-approvals: some additions were cancelled before the half-year.
	for i, j := range r.Perm(len(newOnes)) {
		if i == numReapproved {
			break
		}
		h := newOnes[j]
		was := addDays(g.from, -between(r, 900, 1800))
		gone := addDays(g.from, -between(r, 60, 400))
		h.periods[0].kind = rules.KindReapprove
		h.periods = append([]*period{
			{kind: rules.KindApprove, status: rules.EntitlementActive, decided: was, from: was,
				benefit: h.periods[0].benefit, scaled: true, recordedBy: h.periods[0].recordedBy},
			{kind: rules.KindCancel, status: rules.EntitlementCancelled, decided: gone, from: gone,
				reason: "income_above_standard", note: "家庭人均收入超过低保标准", recordedBy: h.periods[0].recordedBy},
		}, h.periods...)
	}
	// Late corrections of March–May, decided on 27 June, for households
	// whose amount did not change in the half-year.
	corrected := 0
	for _, j := range r.Perm(len(continuing)) {
		h := continuing[j]
		if corrected == numLateCorrections {
			break
		}
		if len(h.periods) != 1 {
			continue
		}
		corrected++
		first := h.periods[0]
		b := first.benefit
		b.BaseFen += 5000
		h.periods = append(h.periods, &period{kind: rules.KindCorrect, status: rules.EntitlementActive,
			decided: weekday(date(g.from.Year(), time.June, 27)), from: date(g.from.Year(), time.March, 1),
			until: date(g.from.Year(), time.May, 31), benefit: b,
			reason:     "复核发现3—5月家庭成员因病停工，收入核定有误，补发差额",
			recordedBy: first.recordedBy})
	}
	// Ids, recording instants and decisions in time order.
	for _, h := range g.hhs {
		for i, p := range h.periods {
			p.recorded = at(p.decided, 16, i)
			p.id = g.ids.uuid(p.recorded)
			if p.decision == "" {
				p.decision = p.id
			}
		}
	}
	g.calibrateOld()
}

// setAmounts sets every active period's amounts from its benefit, the base
// of those paid before the spring raise scaled by f.
func (g *gen) setAmounts(f float64) {
	for _, h := range g.hhs {
		for _, p := range h.periods {
			if p.status != rules.EntitlementActive {
				continue
			}
			p.base, p.topUp, p.covered = p.benefit.BaseFen, p.benefit.TopUpFen, p.benefit.CoveredMembers
			if p.scaled {
				p.base = int64(math.Round(float64(p.base) * f))
			}
		}
	}
}

// entitlements returns h's periods as the rules see them.
func (g *gen) entitlements(h *household) []rules.Entitlement {
	out := make([]rules.Entitlement, len(h.periods))
	for i, p := range h.periods {
		out[i] = rules.Entitlement{ID: p.id, HouseholdID: h.id, CommunityID: h.comm.id, DecisionID: p.decision,
			Kind: p.kind, DecidedOn: p.decided, From: p.from, Until: p.until, Status: p.status, BaseFen: p.base,
			TopUpFen: p.topUp, Covered: p.covered, SubsidyFen: int64(p.covered) * g.cfg.Dibao.PriceSubsidyFen,
			Reason: p.reason, RecordedAt: p.recorded}
		if p.status != rules.EntitlementActive {
			out[i].BaseFen, out[i].TopUpFen, out[i].Covered, out[i].SubsidyFen = 0, 0, 0, 0
		}
	}
	return out
}

// rollClosed returns the day a month's roll is closed: the fourth working
// day or so of the month.
func rollClosed(month time.Time) time.Time { return weekday(month.AddDate(0, 0, 4)) }

// halfYearPaid adds up the 低保金 the six rolls of the half-year pay.
func (g *gen) halfYearPaid() int64 {
	var sum int64
	for _, h := range g.hhs {
		rows := g.entitlements(h)
		for m := g.from; !m.After(g.to); m = m.AddDate(0, 1, 0) {
			if l, ok := rules.Due(rows, m, rollClosed(m)); ok {
				sum += l.BenefitFen()
			}
		}
	}
	return sum
}

// calibrateOld finds the factor for the amounts before the raise that
// makes the half-year pay TargetPaidFen, by bisection.
func (g *gen) calibrateOld() {
	lo, hi := 0.3, 1.0
	for i := 0; i < 40; i++ {
		mid := (lo + hi) / 2
		g.setAmounts(mid)
		if g.halfYearPaid() < TargetPaidFen {
			lo = mid
		} else {
			hi = mid
		}
	}
	g.setAmounts((lo + hi) / 2)
	if paid := g.halfYearPaid(); paid < TargetPaidFen*995/1000 || paid > TargetPaidFen*1005/1000 {
		panic(fmt.Sprintf("demo: half-year paid %d fen, target %d", paid, TargetPaidFen))
	}
}

// payeeAccount is where a household's benefit is paid.
type payeeAccount struct {
	id, bank, account string
	since             time.Time
}

var banks = []string{"中国农业银行焦作解放支行", "中国工商银行焦作分行营业部", "焦作中旅银行解放路支行", "中国邮政储蓄银行焦作市分行"}

// payouts opens each paid household's account and closes the six monthly
// rolls of every street, as the office did at the start of each month.
func (g *gen) payouts() {
	r := stream(g.seed, "payouts")
	for _, h := range g.hhs {
		if len(h.periods) == 0 {
			continue
		}
		since := h.periods[0].from
		h.account = &payeeAccount{id: g.ids.uuid(at(since, 10, 0)), bank: banks[r.IntN(len(banks))], since: since}
		h.account.account = fmt.Sprintf("62284800%011d", r.Int64N(1e11))
	}
	for _, s := range g.streets {
		for m := g.from; !m.After(g.to); m = m.AddDate(0, 1, 0) {
			rl := &payRoll{street: s, month: m, closed: rollClosed(m), by: s.supervisors[0]}
			rl.id = rules.RollID(s.id, m.Format("2006-01"))
			for _, h := range g.hhs {
				if h.comm.street != s || len(h.periods) == 0 {
					continue
				}
				if l, ok := rules.Due(g.entitlements(h), m, rl.closed); ok {
					rl.lines = append(rl.lines, payLine{h: h, l: l})
				}
			}
			sort.Slice(rl.lines, func(i, j int) bool { return rl.lines[i].h.id < rl.lines[j].h.id })
			g.rolls = append(g.rolls, rl)
		}
	}
}

// payRoll is a closed monthly payout roll of one street.
type payRoll struct {
	id     string
	street *street
	month  time.Time
	closed time.Time
	by     *staffer
	lines  []payLine
}

// payLine is one household's line on a roll.
type payLine struct {
	h *household
	l rules.PayLine
}
