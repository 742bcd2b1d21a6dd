package demo

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	"doorstep/schema"
	"doorstep/schema/rules"
)

// rows turns the generated district into table rows, in registry order.
func (g *gen) rows() []Row {
	byTable := map[string][]Row{}
	add := func(table, id string, v map[string]any) {
		v["deleted"] = int64(0)
		byTable[table] = append(byTable[table], Row{Table: table, ID: id, Values: v})
	}
	for _, s := range g.streets {
		add("streets", s.id, map[string]any{"name": s.name, "district_code": regionCode})
	}
	for _, c := range g.comms {
		add("communities", c.id, map[string]any{"street_id": c.street.id, "name": c.spec.name,
			"urban": int64(1), "region_code": c.code})
	}
	for _, s := range g.staff {
		v := map[string]any{"name": s.name, "role": s.role, "street_id": nil, "community_id": nil, "phone": s.phone}
		if s.street != nil {
			v["street_id"] = s.street.id
		}
		if s.comm != nil {
			v["community_id"] = s.comm.id
		}
		add("staff", s.id, v)
	}
	caseNos := caseNumbers(g.hhs)
	for _, h := range g.hhs {
		v := householdValues(h)
		v["case_no"] = caseNos[h.id]
		add("households", h.id, v)
		for _, m := range h.members {
			add("members", m.id, memberValues(h, m))
		}
		for _, in := range h.incomes {
			add("incomes", in.id, incomeValues(h, in))
		}
		for _, a := range h.assets {
			add("assets", a.id, assetValues(h, a))
		}
		for _, v := range h.visits {
			add("means_visits", v.id, visitValues(v))
		}
	}
	for _, e := range g.elderList {
		add("elders", e.id, map[string]any{"community_id": e.comm.id, "name": e.name, "sex": e.sex(),
			"birth_date": dateStr(e.birth), "address": e.address, "phone": e.phone,
			"needs": jsonText(e.latest().needs)})
		for _, sc := range e.screenings {
			add("elder_screenings", sc.id, screeningValues(sc))
		}
	}
	for _, p := range g.pairings {
		var vols []string
		for _, s := range p.vols {
			vols = append(vols, s.id)
		}
		add("volunteer_pairings", p.id, map[string]any{"elder_id": p.e.id, "community_id": p.e.comm.id,
			"mode": p.mode, "volunteer_ids": jsonText(vols), "started_on": dateStr(p.started),
			"ended_on": optDate(p.ended), "end_reason": endReason(p.ended), "end_note": nil})
		for _, v := range p.visits {
			// On a two-to-one or many-to-one visit the pairing's other
			// volunteers come too.
			var co any
			if others := slices.DeleteFunc(slices.Clone(vols), func(id string) bool { return id == v.vol.id }); len(others) > 0 {
				co = jsonText(others)
			}
			add("volunteer_visits", v.id, map[string]any{"co_volunteer_ids": co, "pairing_id": p.id, "elder_id": p.e.id,
				"community_id": p.e.comm.id, "volunteer_id": v.vol.id, "need": v.need,
				"started_at": instStr(v.start), "ended_at": instStr(v.end), "services": jsonText(v.services),
				"wellbeing": v.wellbeing, "feedback": v.feedback, "risk_flags": jsonText(v.risks),
				"next_visit": dateStr(v.next), "state": "submitted"})
		}
	}
	for _, a := range g.activities {
		add("group_activities", a.id, map[string]any{"community_id": a.comm.id, "kind": a.kind,
			"theme": a.theme, "held_on": dateStr(a.day), "venue": a.venue,
			"headcount": int64(a.headcount), "note": a.note, "volunteer_ids": nil})
	}
	for _, rv := range g.reviewList {
		v := map[string]any{"record_table": rv.table, "record_id": rv.recordID, "household_id": nil,
			"community_id": rv.comm.id, "action": rv.action, "comment": rv.comment,
			"field_comments": jsonText(rv.fields), "reviewer_id": rv.reviewer.id, "at": instStr(rv.at)}
		if rv.h != nil {
			v["household_id"] = rv.h.id
		}
		add("review_events", rv.id, v)
	}
	for _, mt := range g.meetings {
		var ids []string
		for _, s := range mt.attendees {
			ids = append(ids, s.id)
		}
		days := g.cfg.Process.PublicNoticeDays
		add("approval_meetings", mt.id, map[string]any{"street_id": mt.street.id,
			"held_on": dateStr(mt.held), "attendees": jsonText(ids), "notice_days": int64(days),
			"notice_start": dateStr(addDays(mt.held, -days-2)),
			"note":         fmt.Sprintf("%d年%d月%s低保会议集中审批", mt.held.Year(), mt.held.Month(), mt.street.name)})
		for _, d := range mt.decisions {
			note := "同意纳入低保"
			if d.kind == "cancel" {
				note = "同意取消低保：" + cancelNames[d.h.cancelReason]
			}
			add("meeting_decisions", d.id, map[string]any{"meeting_id": mt.id, "household_id": d.h.id,
				"visit_id": d.v.id, "community_id": d.h.comm.id, "decision": d.kind,
				"votes_for": int64(d.votesFor), "votes_against": int64(d.against),
				"votes_abstain": int64(d.abst), "note": note, "amount_fen": d.amount(),
				"reason": nil, "withdraws_id": nil})
		}
	}
	g.historyRows(add)
	g.institutionRows(add)
	var out []Row
	for _, t := range schema.Reg.Tables() {
		out = append(out, byTable[t.Name]...)
	}
	return out
}

var cancelNames = map[string]string{
	"income_above_standard": "家庭人均收入超过低保标准", "assets_exceed": "家庭财产不符合条件",
	"moved_away": "已迁出本辖区", "deceased": "单人户户主死亡", "refused_recheck": "拒不配合复核",
	"withdrawn": "本人申请退出",
}

// caseNumbers gives every approved household its case number (证号): the
// district code, the year of approval and the sequence of approvals that
// year, in order of approval date (then id).
func caseNumbers(hhs []*household) map[string]any {
	approved := make([]*household, 0, len(hhs))
	for _, h := range hhs {
		if !h.approved.IsZero() {
			approved = append(approved, h)
		}
	}
	sort.SliceStable(approved, func(i, j int) bool {
		if !approved[i].approved.Equal(approved[j].approved) {
			return approved[i].approved.Before(approved[j].approved)
		}
		return approved[i].id < approved[j].id
	})
	out := make(map[string]any, len(hhs))
	seq := map[int]int{}
	for _, h := range approved {
		y := h.approved.Year()
		seq[y]++
		out[h.id] = schema.CaseNumber(regionCode, y, seq[y])
	}
	return out
}

// householdValues is the households row of h.
func householdValues(h *household) map[string]any {
	v := map[string]any{"community_id": h.comm.id, "ref_code": h.ref, "address": h.address,
		"urban": int64(1), "head_name": h.head().name, "hardship_cause": h.hardship,
		"staff_relative": b2i(h.staffRelative), "hukou_local": b2i(h.hukouLocal), "class": h.class,
		"status": h.status, "applied_on": optDate(h.applied), "approved_on": optDate(h.approved),
		"cancelled_on": optDate(h.cancelled), "cancel_reason": nil, "benefit_fen": int64(0),
		"covered_members": int64(0), "caseworker_id": h.caseworker.id, "last_visit_id": nil,
		"recheck_due": optDate(h.recheckDue)}
	if h.cancelReason != "" {
		v["cancel_reason"] = h.cancelReason
	}
	if h.status == "active" {
		v["benefit_fen"] = h.benefit.TotalFen
		v["covered_members"] = int64(h.benefit.CoveredMembers)
	}
	if h.lastVisit != nil {
		v["last_visit_id"] = h.lastVisit.id
	}
	return v
}

// memberValues is the members row of m.
func memberValues(h *household, m *member) map[string]any {
	v := map[string]any{"household_id": h.id, "community_id": h.comm.id, "name": m.name,
		"id_number": m.idNumber, "sex": m.sex(), "birth_date": dateStr(m.birth), "relationship": m.rel,
		"marital": m.marital, "health": m.health, "disability_category": nil, "disability_grade": nil,
		"labour_capacity": m.labour, "employment": m.employment, "counted": b2i(m.counted),
		"not_counted_reason": nil}
	if m.disCat != "" {
		v["disability_category"] = m.disCat
		v["disability_grade"] = int64(m.disGrade)
	}
	if !m.counted {
		v["not_counted_reason"] = m.notCounted
	}
	return v
}

// incomeValues is the incomes row of in.
func incomeValues(h *household, in *income) map[string]any {
	return map[string]any{"household_id": h.id, "member_id": in.m.id, "community_id": h.comm.id,
		"kind": in.kind, "monthly_fen": in.fen, "note": in.note}
}

// assetValues is the assets row of a; columns that do not apply to its kind are NULL.
func assetValues(h *household, a *asset) map[string]any {
	v := map[string]any{"household_id": h.id, "community_id": h.comm.id, "kind": a.kind,
		"owner_member_id": a.owner.id, "description": a.desc, "floor_area": nil, "dwelling_type": nil,
		"renovation": nil, "vehicle_type": nil, "disability_vehicle": nil, "value_fen": a.value,
		"employs_others": nil}
	switch a.kind {
	case "dwelling":
		v["floor_area"], v["dwelling_type"], v["renovation"] = a.area, a.dwellType, a.renovation
	case "vehicle":
		v["vehicle_type"], v["disability_vehicle"] = a.vehicle, b2i(a.disVehicle)
	case "business":
		v["employs_others"] = b2i(a.employs)
	}
	return v
}

// visitValues is the means_visits row of v.
func visitValues(v *visit) map[string]any {
	var staff []string
	for _, s := range v.staff {
		staff = append(staff, s.id)
	}
	reasons := v.elig.Reasons
	if reasons == nil {
		reasons = []rules.Message{}
	}
	out := map[string]any{"household_id": v.h.id, "community_id": v.h.comm.id, "ref_code": v.ref,
		"purpose": v.purpose, "method": v.method, "started_at": instStr(v.start), "ended_at": instStr(v.end),
		"staff_ids": jsonText(staff), "observations": v.obs, "living_conditions": v.living,
		"neighbour_notes": v.neighbour, "location": v.loc, "photos": "[]", "applicant_signature": nil,
		"staff_signatures": "{}", "per_capita_fen": v.elig.Income.PerCapitaFen, "benefit_fen": v.ben.TotalFen,
		"eligible": b2i(v.elig.Eligible), "reasons": jsonText(reasons), "snapshot": v.snapshot,
		"state": "submitted", "submitted_at": optInst(v.submitted), "author_id": v.author.id,
		"supersedes_id": nil}
	if v.submitted.IsZero() {
		out["state"] = "draft"
	}
	if v.supersedes != nil {
		out["supersedes_id"] = v.supersedes.id
	}
	return out
}

// screeningValues is the elder_screenings row of sc.
func screeningValues(sc *screening) map[string]any {
	b := sc.barthel
	groups := []int{}
	for _, gr := range sc.groups.Matched {
		groups = append(groups, int(gr))
	}
	v := map[string]any{"elder_id": sc.e.id, "community_id": sc.e.comm.id, "id_number": sc.e.idNumber,
		"screened_on": dateStr(sc.day), "reason": sc.reason, "living_arrangement": sc.living,
		"single_child": b2i(sc.single), "income_band": sc.band, "three_no": b2i(sc.threeNo),
		"diagnoses": jsonText(sc.diagnoses), "medications": jsonText(sc.medications),
		"risk_events": jsonText(sc.risks),
		"b_feeding":   int64(b.Feeding), "b_bathing": int64(b.Bathing), "b_grooming": int64(b.Grooming),
		"b_dressing": int64(b.Dressing), "b_bowels": int64(b.Bowels), "b_bladder": int64(b.Bladder),
		"b_toilet": int64(b.Toilet), "b_transfers": int64(b.Transfers), "b_mobility": int64(b.Mobility),
		"b_stairs": int64(b.Stairs), "barthel_version": sc.grade.Version,
		"barthel_total": int64(sc.grade.Total), "barthel_grade": string(sc.grade.Grade),
		"gbt_items": nil, "gbt_total": nil, "gbt_level": nil, "dementia": b2i(sc.dementia),
		"needs": jsonText(sc.needs), "home_care": b2i(sc.homeCare), "care_group": nil,
		"care_groups": jsonText(groups), "pairing_advice": nil, "state": "submitted",
		"submitted_at": instStr(sc.submitted), "author_id": sc.author.id}
	if sc.ability != nil {
		v["gbt_items"] = jsonText(sc.ability)
		v["gbt_total"] = int64(sc.abilityRes.Total)
		v["gbt_level"] = string(sc.abilityRes.Level)
	}
	if sc.groups.Reported != 0 {
		v["care_group"] = int64(sc.groups.Reported)
	}
	if sc.advice != "" {
		v["pairing_advice"] = sc.advice
	}
	return v
}

// jsonText encodes v as JSON TEXT; a nil slice or map becomes [] or {}.
func jsonText(v any) string {
	switch x := v.(type) {
	case []string:
		if x == nil {
			return "[]"
		}
	case map[string]string:
		if x == nil {
			return "{}"
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic("demo: json: " + err.Error())
	}
	return string(b)
}

// endReason is why a demo pairing ended: the elder declined further
// visits (the demo's pairings end no other way); nil while it runs.
func endReason(ended time.Time) any {
	if ended.IsZero() {
		return nil
	}
	return "elder_declined"
}
