package demo

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"doorstep/schema/district"
)

// The care institutions and medical assistance of the report: 7
// institutions (2 public, 5 private), 8.19 million yuan of assets, 152
// staff, 1,066 beds, 498 residents (46 %), assessed in June on the
// district's standard for 20,400 yuan of awards; 33 people given 56,300
// yuan of medical assistance.
const (
	TargetInstitutions            = 7
	TargetBeds                    = 1066
	TargetResidents               = 498
	TargetInstitutionStaff        = 152
	TargetInstitutionAssets int64 = 819_000_000
	TargetAwardsFen         int64 = 2_040_000
	TargetMedicalCases            = 33
	TargetMedicalFen        int64 = 5_630_000
)

// institution is one care institution with its January survey and June
// assessment.
type institution struct {
	id, name, ownership  string
	comm                 *community
	opened               time.Time
	beds, residents      int
	staff                int
	assets, netAssets    int64
	countID, financeID   string
	surveyed             time.Time
	assessID             string
	assessed             time.Time
	assessors            []*staffer
	scores               map[string]int
	total                int
	band                 string
	award                int64
	address, phone, note string
}

var institutionSpecs = []struct {
	name, ownership     string
	beds, res, staff    int
	assetsWan, totalPts int
}{
	{"解放区社会福利中心", "public", 180, 96, 30, 210, 88},
	{"解放区敬老院", "public", 120, 60, 18, 95, 78},
	{"康乐老年公寓", "private", 260, 118, 34, 180, 92},
	{"福寿园养老院", "private", 150, 70, 22, 105, 86},
	{"夕阳红养老院", "private", 136, 62, 18, 88, 84},
	{"温馨家园养老中心", "private", 120, 52, 16, 76, 67},
	{"颐和老年公寓", "private", 100, 40, 14, 65, 65},
}

// institutions registers the district's care institutions, surveys them in
// January (元月摸底) and assesses them in late June.
func (g *gen) institutions() {
	r := stream(g.seed, "institutions")
	std := g.cfg.Institutions.Assessment
	survey := weekday(date(g.from.Year(), time.January, 15))
	for i, s := range institutionSpecs {
		c := g.comms[(i*5+2)%len(g.comms)]
		in := &institution{name: s.name, ownership: s.ownership, comm: c, beds: s.beds, residents: s.res,
			staff: s.staff, assets: int64(s.assetsWan) * 1_000_000, total: s.totalPts, surveyed: survey,
			address: address(r, c.spec), phone: phone(r)}
		in.netAssets = in.assets * int64(between(r, 70, 85)) / 100
		in.opened = date(g.from.Year()-between(r, 3, 20), time.Month(between(r, 1, 12)), between(r, 1, 28))
		in.id = g.ids.uuid(at(in.opened, 9, 0))
		in.countID = g.ids.uuid(at(survey, 10, i))
		in.financeID = g.ids.uuid(at(survey, 11, i))
		in.note = fmt.Sprintf("%s，床位%d张", map[string]string{"public": "公办", "private": "民办"}[s.ownership], s.beds)
		in.assessed = weekday(date(g.from.Year(), time.June, 16+i))
		in.assessID = g.ids.uuid(at(in.assessed, 15, 0))
		in.assessors = append([]*staffer{}, c.street.supervisors...)
		in.scores = scoresFor(r, std.Items(), s.totalPts)
		if b, ok := std.Band(s.totalPts); ok {
			in.band = b.Key
			if !std.PrivateOnly || s.ownership == "private" {
				in.award = b.AwardFen
			}
		}
		g.insts = append(g.insts, in)
	}
}

// scoresFor spreads a total over the items: every item starts at its
// maximum and loses points, one at a time, on random items.
func scoresFor(r *rand.Rand, items []district.AssessmentItem, total int) map[string]int {
	s := map[string]int{}
	sum := 0
	for _, it := range items {
		s[it.Key] = it.Max
		sum += it.Max
	}
	for sum > total {
		it := items[r.IntN(len(items))]
		if s[it.Key] > 0 {
			s[it.Key]--
			sum--
		}
	}
	return s
}

// medicalCase is one grant of medical assistance.
type medicalCase struct {
	id, name, idNumber, category, cause, hospital string
	comm                                          *community
	h                                             *household
	cost, amount                                  int64
	granted                                       time.Time
}

var hospitals = []string{"焦作市人民医院", "焦作市第二人民医院", "焦作煤业集团中央医院", "解放区人民医院", "焦作市中医院"}

// medicalAid grants the half-year's medical assistance: mostly to members
// of 低保 households, some to people of low-income families and 特困
// people, for a serious illness or a sudden accident.
func (g *gen) medicalAid() {
	r := stream(g.seed, "medical")
	var active []*household
	for _, h := range g.hhs {
		if h.status == "active" {
			active = append(active, h)
		}
	}
	weights := make([]int64, TargetMedicalCases)
	var wsum int64
	for i := range weights {
		weights[i] = int64(between(r, 6, 30))
		wsum += weights[i]
	}
	hundreds := TargetMedicalFen / 10000
	var given int64
	for i := 0; i < TargetMedicalCases; i++ {
		mc := &medicalCase{cause: "serious_illness", hospital: hospitals[r.IntN(len(hospitals))]}
		if pct(r, 33) {
			mc.cause = "sudden_accident"
		}
		h100 := max(hundreds*weights[i]/wsum, 1)
		if i == TargetMedicalCases-1 {
			h100 = hundreds - given
		}
		given += h100
		mc.amount = h100 * 10000
		mc.cost = mc.amount * int64(between(r, 4, 12))
		switch n := r.IntN(10); {
		case n < 7:
			h := active[r.IntN(len(active))]
			m := h.members[r.IntN(len(h.members))]
			mc.h, mc.comm, mc.name, mc.idNumber, mc.category = h, h.comm, m.name, m.idNumber, "dibao"
		default:
			mc.comm = g.comms[r.IntN(len(g.comms))]
			p := g.newPerson(r, "", between(r, 35, 85), pct(r, 50), g.to)
			mc.name, mc.idNumber, mc.category = p.name, p.idNumber, "low_income"
			if n == 9 {
				mc.category = "tekun"
			}
		}
		mc.granted = visitDay(r, g.from, addDays(g.to, -3))
		mc.id = g.ids.uuid(at(mc.granted, 10, i))
		g.medical = append(g.medical, mc)
	}
	sort.Slice(g.medical, func(i, j int) bool { return g.medical[i].granted.Before(g.medical[j].granted) })
}

// institutionRows adds the institutions, their surveys and assessments,
// and the medical-assistance grants.
func (g *gen) institutionRows(add func(table, id string, v map[string]any)) {
	for _, in := range g.insts {
		add("care_institutions", in.id, map[string]any{"community_id": in.comm.id, "name": in.name,
			"ownership": in.ownership, "address": in.address, "phone": in.phone, "opened_on": dateStr(in.opened),
			"closed_on": nil, "note": in.note})
		sv := in.comm.street.supervisors[0]
		add("institution_counts", in.countID, map[string]any{"institution_id": in.id, "community_id": in.comm.id,
			"as_of": dateStr(in.surveyed), "beds": int64(in.beds), "residents": int64(in.residents),
			"staff": int64(in.staff), "recorded_by": sv.id})
		add("institution_finances", in.financeID, map[string]any{"institution_id": in.id,
			"community_id": in.comm.id, "as_of": dateStr(in.surveyed), "total_assets_fen": in.assets,
			"net_assets_fen": in.netAssets, "recorded_by": sv.id})
		var names []string
		for _, s := range in.assessors {
			names = append(names, s.name)
		}
		scores, _ := json.Marshal(in.scores)
		add("institution_assessments", in.assessID, map[string]any{"institution_id": in.id,
			"community_id": in.comm.id, "half": fmt.Sprintf("%dH1", g.from.Year()),
			"assessed_on": dateStr(in.assessed), "assessors": jsonText(names), "scores": string(scores),
			"total": int64(in.total), "band": in.band, "award_fen": in.award,
			"note": "对照以奖代补考核标准现场考核", "author_id": sv.id})
	}
	for _, mc := range g.medical {
		var household any
		if mc.h != nil {
			household = mc.h.id
		}
		add("medical_assistance", mc.id, map[string]any{"community_id": mc.comm.id, "household_id": household,
			"person_name": mc.name, "id_number": mc.idNumber, "category": mc.category, "cause": mc.cause,
			"hospital": mc.hospital, "medical_cost_fen": mc.cost, "amount_fen": mc.amount,
			"granted_on": dateStr(mc.granted), "note": "", "recorded_by": mc.comm.street.supervisors[0].id})
	}
}
