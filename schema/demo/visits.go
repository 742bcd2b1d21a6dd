package demo

import (
	"encoding/json"
	"math/rand/v2"
	"time"

	"doorstep/schema/rules"
)

// visit is a means-test visit record (means_visits).
type visit struct {
	id, ref         string
	h               *household
	purpose, method string
	day             time.Time
	start, end      time.Time
	staff           []*staffer
	author          *staffer
	submitted       time.Time // zero for a draft
	supersedes      *visit
	elig            rules.Eligibility
	ben             rules.Benefit
	living, obs     string
	neighbour, loc  string
	snapshot        string
}

// review is a review decision (review_events) on a visit, screening or
// volunteer log.
type review struct {
	id              string
	table, recordID string
	h               *household // nil for elder records
	comm            *community
	action, comment string
	fields          map[string]string
	reviewer        *staffer
	at              time.Time
}

// after returns the first weekday at least k days after d.
func after(d time.Time, k int) time.Time {
	d = addDays(d, k)
	for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
		d = addDays(d, 1)
	}
	return d
}

// visit records a submitted means-test visit to h on day: the caseworker and
// a colleague (and, for complaints, a street supervisor), the means test and
// benefit computed by the rules from what the household had by then (no
// benefit when the household fails the means test).
func (g *gen) visit(r *rand.Rand, h *household, day time.Time, purpose string) *visit {
	cw := h.caseworker
	start := workTime(r, day)
	v := &visit{h: h, purpose: purpose, method: "home", day: day, start: start,
		end:   start.Add(time.Duration(between(r, 25, 80)) * time.Minute),
		staff: []*staffer{cw, h.comm.partner(r, cw)}, author: cw}
	if purpose == "recheck" {
		v.method = weighted{{"home", 90}, {"documents", 6}, {"neighbour", 4}}.pick(r)
	}
	if purpose == "complaint" {
		v.staff = append(v.staff, h.comm.reviewer(r))
	}
	v.submitted = v.end.Add(time.Duration(between(r, 10, 20*60)) * time.Minute)
	v.id = g.ids.uuid(v.start)
	v.ref = g.ids.ref(v.start)
	v.elig = g.eligibility(h, day)
	if v.elig.Eligible {
		v.ben = g.benefit(h, day)
	}
	v.loc = location(r, h.comm.spec)
	v.living = livingText(h)
	v.obs = observationText(r, h, v)
	v.neighbour = neighbourText(r, h, v)
	v.snapshot = g.snapshot(h, day)
	h.visits = append(h.visits, v)
	return v
}

// settle reviews a submitted visit: now and then it is first returned with a
// field comment and resubmitted as a new record superseding it; then it is
// approved by a street supervisor, unless the review would fall after the
// half-year (it then waits in the queue). The approved visit becomes the
// household's last visit. It returns the final record.
//
// In the last week of the half-year each caseworker has one re-check
// returned and not yet corrected (see awaitsCorrection): what a worker's
// Today screen lists as returned on the reference date.
func (g *gen) settle(r *rand.Rand, v *visit, mayReturn bool) *visit {
	h := v.h
	day := after(dayOf(v.submitted), between(r, 1, 3))
	if mayReturn && g.awaitsCorrection(v, day) {
		field := weighted{{"neighbour_notes", 50}, {"living_conditions", 30}, {"observations", 20}}.pick(r)
		g.review(r, "means_visits", v.id, h, h.comm, "return", "请按批注补充后重新提交。",
			map[string]string{field: returnComments[field]}, day)
		g.returnedTo[v.author] = true
		return v
	}
	if mayReturn && pct(r, 3) && !after(day, 7).After(g.to) {
		field := weighted{{"neighbour_notes", 50}, {"living_conditions", 30}, {"observations", 20}}.pick(r)
		g.review(r, "means_visits", v.id, h, h.comm, "return", "请按批注补充后重新提交。",
			map[string]string{field: returnComments[field]}, day)
		v2 := *v
		v2.supersedes = v
		v2.submitted = workTime(r, after(day, between(r, 1, 3)))
		v2.id = g.ids.uuid(v2.submitted)
		v2.ref = g.ids.ref(v2.submitted)
		switch field {
		case "neighbour_notes":
			v2.neighbour += "补充：访谈对象为同楼邻居，称该户家庭人口与申报一致，未发现隐瞒收入情况。"
		case "living_conditions":
			v2.living += "补充：房屋产权证、租赁合同已拍照留存。"
		default:
			v2.obs += "补充：已核对各成员就业登记及社保缴费记录。"
		}
		h.visits = append(h.visits, &v2)
		v = &v2
		day = after(dayOf(v.submitted), between(r, 1, 3))
	}
	if day.After(g.to) {
		return v
	}
	comment := approveComments[r.IntN(len(approveComments))]
	if !v.elig.Eligible {
		comment = "核查属实，提交会议审议。"
	}
	g.review(r, "means_visits", v.id, h, h.comm, "approve", comment, nil, day)
	if h.lastVisit == nil || !v.day.Before(h.lastVisit.day) {
		h.lastVisit = v
	}
	return v
}

// awaitsCorrection reports whether visit v, reviewed on day, is the one
// re-check of its author returned in the half-year's last week and left
// for them to correct: the household keeps its earlier approved visit (so
// its re-check date stands), and no other visit of the author is waiting.
func (g *gen) awaitsCorrection(v *visit, day time.Time) bool {
	return v.purpose == "recheck" && v.h.lastVisit != nil && !g.returnedTo[v.author] &&
		!day.After(g.to) && day.After(addDays(g.to, -7))
}

var approveComments = []string{"同意。", "材料齐全，同意。", "情况属实，同意按标准施保。", "核查属实，同意。"}

var returnComments = map[string]string{
	"neighbour_notes":   "邻居访谈内容过简，请注明访谈对象并补充。",
	"living_conditions": "请注明住房面积及产权性质，附证明材料照片。",
	"observations":      "请补充家庭成员就业及社保缴费情况。",
}

// review records a review decision by a supervisor of comm's street on day.
func (g *gen) review(r *rand.Rand, table, recordID string, h *household, comm *community,
	action, comment string, fields map[string]string, day time.Time) *review {
	rv := &review{table: table, recordID: recordID, h: h, comm: comm, action: action,
		comment: comment, fields: fields, reviewer: comm.reviewer(r), at: workTime(r, day)}
	rv.id = g.ids.uuid(rv.at)
	g.reviewList = append(g.reviewList, rv)
	return rv
}

// snapshot returns the JSON snapshot of the household as a visit on day
// recorded it: the household's identifying columns and the member, income
// and asset rows (with their ids, without household_id and community_id,
// which the visit row holds) recorded by then.
func (g *gen) snapshot(h *household, day time.Time) string {
	type snap struct {
		Household map[string]any   `json:"household"`
		Members   []map[string]any `json:"members"`
		Incomes   []map[string]any `json:"incomes"`
		Assets    []map[string]any `json:"assets"`
	}
	withID := func(id string, v map[string]any) map[string]any {
		v["id"] = id
		delete(v, "household_id") // implied by the visit
		delete(v, "community_id")
		delete(v, "deleted")
		return v
	}
	s := snap{
		Household: map[string]any{"id": h.id, "address": h.address, "urban": int64(1),
			"head_name": h.head().name, "hukou_local": b2i(h.hukouLocal), "class": h.class,
			"hardship_cause": h.hardship},
		Members: []map[string]any{}, Incomes: []map[string]any{}, Assets: []map[string]any{},
	}
	for _, m := range h.members {
		s.Members = append(s.Members, withID(m.id, memberValues(h, m)))
	}
	for _, in := range h.incomes {
		if !in.since.After(day) {
			s.Incomes = append(s.Incomes, withID(in.id, incomeValues(h, in)))
		}
	}
	for _, a := range h.assets {
		if !a.since.After(day) {
			s.Assets = append(s.Assets, withID(a.id, assetValues(h, a)))
		}
	}
	b, err := json.Marshal(s)
	if err != nil {
		panic("demo: snapshot: " + err.Error())
	}
	return string(b)
}
