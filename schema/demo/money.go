package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"doorstep/schema/district"
	"doorstep/schema/rules"
)

// income is one member's monthly income from one source, in fen.
type income struct {
	id    string
	m     *member
	kind  string
	fen   int64
	note  string
	since time.Time // recorded from this date on (zero: always)
}

// asset is one thing a household owns.
type asset struct {
	id, kind              string
	owner                 *member
	desc                  string
	area                  float64 // dwellings, m²
	dwellType, renovation string
	vehicle               string
	disVehicle            bool
	value                 int64
	employs               bool
	since                 time.Time
}

// housing is where a household lives: an owned dwelling is also an asset;
// rented, public rental (公租房) and a relative's home are not.
type housing struct {
	kind       string // owned, rented, public_rental, relative
	area       float64
	rentFen    int64
	appliances []string
}

// village reports whether c is a former village (its roads are 村).
func village(c *community) bool {
	for _, road := range c.spec.roads {
		if strings.HasSuffix(road, "村") {
			return true
		}
	}
	return false
}

// housingAndAssets gives h its home and assets, all within the 低保 asset
// limits of the configuration (the households start eligible).
func (g *gen) housingAndAssets(r *rand.Rand, h *household) {
	n := h.counted()
	vil := village(h.comm)
	hd := h.head()
	kinds := weighted{{"owned", 62}, {"rented", 22}, {"public_rental", 10}, {"relative", 6}}
	if vil {
		kinds = weighted{{"owned", 88}, {"rented", 8}, {"relative", 4}}
	}
	h.housing.kind = kinds.pick(r)
	maxArea := math.Min(g.cfg.Dibao.Assets.MaxDwellingAreaPerPersonM2*float64(n), 96)
	h.housing.area = math.Round((18+r.Float64()*(maxArea-18))*10) / 10
	for _, a := range []string{"旧电视机", "冰箱", "洗衣机", "电风扇", "空调", "电动自行车"} {
		if pct(r, 55) {
			h.housing.appliances = append(h.housing.appliances, a)
		}
	}
	switch h.housing.kind {
	case "owned":
		types := weighted{{"reformed", 35}, {"commodity", 12}, {"affordable", 10}, {"self_built", 25}, {"shanty", 18}}
		if vil {
			types = weighted{{"self_built", 85}, {"commodity", 10}, {"shanty", 5}}
		}
		a := &asset{kind: "dwelling", owner: hd, area: h.housing.area, dwellType: types.pick(r),
			renovation: weighted{{"none", 35}, {"basic", 55}, {"medium", 10}}.pick(r)}
		a.value = int64(a.area*float64(between(r, 1200, 3000))) * 100
		a.desc = fmt.Sprintf("自有%s一套", dwellingNames[a.dwellType])
		h.assets = append(h.assets, a)
	case "rented":
		h.housing.rentFen = int64(between(r, 2, 6)) * 10000
	}
	if pct(r, 4) {
		a := &asset{kind: "vehicle", owner: hd}
		switch {
		case hasDisability(h, "physical") && pct(r, 50):
			a.vehicle, a.disVehicle, a.desc = rules.VehicleCar, true, "残疾人机动轮椅车"
			a.value = int64(between(r, 50, 150)) * 10000
		case pct(r, 50):
			a.vehicle, a.desc = rules.VehicleMotorcycle, "旧摩托车"
			a.value = int64(between(r, 8, 25)) * 10000
		default:
			a.vehicle, a.desc = rules.VehicleOther, "电动三轮车"
			a.value = int64(between(r, 15, 35)) * 10000
		}
		h.assets = append(h.assets, a)
	}
	limit := int64(g.cfg.Dibao.Assets.FinancialAssetsMonths) * g.cfg.StandardFen("") * int64(n)
	if pct(r, 55) {
		v := int64(between(r, 100, int(min(limit/100, 8000)))) * 100
		h.assets = append(h.assets, &asset{kind: "financial", owner: hd, desc: "银行活期存款", value: v})
		if pct(r, 10) && v+50000 <= limit {
			h.assets = append(h.assets, &asset{kind: "financial", owner: hd, desc: "商业保险现金价值",
				value: int64(between(r, 50, 500)) * 100})
		}
	}
	if pct(r, 2) {
		h.assets = append(h.assets, &asset{kind: "business", owner: hd,
			desc:  []string{"早点摊（个体工商户，无雇工）", "修鞋摊", "小卖部（夫妻经营）"}[r.IntN(3)],
			value: int64(between(r, 20, 60)) * 10000})
	}
	if vil && pct(r, 3) {
		h.assets = append(h.assets, &asset{kind: "machinery", owner: hd, desc: "旧手扶拖拉机",
			value: int64(between(r, 15, 40)) * 10000})
	}
}

var dwellingNames = map[string]string{
	"commodity": "商品房", "reformed": "房改房", "affordable": "经济适用房",
	"self_built": "自建房", "shanty": "棚户房",
}

func hasDisability(h *household, cat string) bool {
	for _, m := range h.members {
		if m.disCat == cat {
			return true
		}
	}
	return false
}

// drawPCI draws a per-capita income target by class: class A households
// more often have no income at all, class C ones earn most.
func drawPCI(r *rand.Rand, class string) int64 {
	switch class {
	case "A":
		if pct(r, 40) {
			return 0
		}
		return int64(between(r, 2000, 15000))
	case "B":
		if pct(r, 15) {
			return 0
		}
		return int64(between(r, 5000, 17000))
	}
	if pct(r, 5) {
		return 0
	}
	return int64(between(r, 9000, 19000))
}

// maxPCI keeps every active household at least 10 yuan a person below the
// standard.
const maxPCI = 19000

// calibrate adjusts the per-capita income targets of the active households
// so that their benefits (difference method plus class top-ups, by
// schema/rules) add up to exactly TargetPayoutFen: the top-ups are fixed by
// who the members are, so the bases must add up to the rest, i.e. the
// counted incomes Σ pci×n must equal standard × people − (target − top-ups).
func (g *gen) calibrate(active []*household) {
	std := g.cfg.StandardFen("")
	var topUps, people, cur int64
	for _, h := range active {
		b, err := rules.MonthlyBenefit(g.rulesHousehold(h, time.Time{}, false), g.to, g.cfg)
		if err != nil {
			panic("demo: calibrate: " + err.Error())
		}
		topUps += b.TopUpFen
		n := int64(h.counted())
		people += n
		cur += h.pci * n
	}
	want := std*people - (TargetPayoutFen - topUps)
	if cur > 0 {
		f := float64(want) / float64(cur)
		cur = 0
		for _, h := range active {
			h.pci = min(int64(math.Round(float64(h.pci)*f)), maxPCI)
			cur += h.pci * int64(h.counted())
		}
	}
	// Walk the residual down one fen per person at a time, then let a
	// one-person household take the last few fen.
	for res := want - cur; res != 0; {
		moved := false
		for _, h := range active {
			n := int64(h.counted())
			step := int64(1)
			if res < 0 {
				step = -1
			}
			if h.pci == 0 || res*step < n || h.pci+step > maxPCI || h.pci+step < 1 {
				continue
			}
			h.pci += step
			res -= step * n
			moved = true
		}
		if res != 0 && !moved {
			for _, h := range active {
				if h.counted() == 1 && h.pci > 0 && h.pci+res >= 1 && h.pci+res <= maxPCI {
					h.pci += res
					res = 0
					break
				}
			}
			if res != 0 {
				panic(fmt.Sprintf("demo: calibrate: %d fen left over", res))
			}
		}
	}
}

// incomeSource is a candidate income of a member.
type incomeSource struct {
	m          *member
	kind, note string
	w          int
}

// splitIncome records counted income totalling exactly total fen a month
// over one to three sources that suit the members.
func (g *gen) splitIncome(r *rand.Rand, h *household, total int64) {
	if total <= 0 {
		return
	}
	var cs []incomeSource
	for _, m := range h.members {
		if !m.counted {
			continue
		}
		switch {
		case m.age >= 60:
			cs = append(cs, incomeSource{m, rules.IncomePension, "城乡居民基础养老金", 4})
			if pct(r, 30) {
				cs = append(cs, incomeSource{m, rules.IncomeSupport, "外地子女赡养费", 2})
			}
		case m.employment == "employed":
			cs = append(cs, incomeSource{m, rules.IncomeWages, []string{"保洁员工资", "保安工资", "超市理货员工资", "餐馆帮厨工资"}[r.IntN(4)], 6})
		case m.employment == "flexible":
			cs = append(cs, incomeSource{m, rules.IncomeWages, []string{"打零工收入（月均）", "装卸零工（月均）", "家政钟点工（月均）"}[r.IntN(3)], 5})
		case m.employment == "unemployed_registered":
			cs = append(cs, incomeSource{m, rules.IncomeSubsidy, "失业保险金", 2})
		case m.employment == "unemployed_unregistered":
			cs = append(cs, incomeSource{m, rules.IncomeSupport, "亲友资助", 1})
		}
	}
	hd := h.head()
	if village(h.comm) {
		cs = append(cs, incomeSource{hd, rules.IncomeFarming, "承包地收入（年收入折月）", 3})
	}
	if pct(r, 3) {
		cs = append(cs, incomeSource{hd, rules.IncomeProperty, "出租闲置小屋", 1})
	}
	if h.hasAsset("business") {
		cs = append(cs, incomeSource{hd, rules.IncomeBusiness, "小摊经营净收入", 4})
	}
	if len(cs) == 0 || pct(r, 5) {
		cs = append(cs, incomeSource{hd, rules.IncomeOther, "其他收入", 1})
	}
	r.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
	k := min(len(cs), between(r, 1, 3))
	if total < 3000 {
		k = 1
	}
	cs = cs[:k]
	var wsum int
	for _, c := range cs {
		wsum += c.w
	}
	left := total
	for i, c := range cs {
		fen := left
		if i < len(cs)-1 {
			fen = total * int64(c.w) / int64(wsum) / 100 * 100 // whole yuan
			fen = max(fen, 100)
			fen = min(fen, left-int64(len(cs)-1-i)*100)
		}
		left -= fen
		h.incomes = append(h.incomes, &income{m: c.m, kind: c.kind, fen: fen, note: c.note})
	}
}

// excludedIncomes adds receipts the configuration does not count: student
// grants, one-child rewards, the occasional martyr pension, temporary relief
// and bravery reward.
func (g *gen) excludedIncomes(r *rand.Rand, h *household) {
	children := 0
	for _, m := range h.members {
		if m.rel == "child" {
			children++
		}
		if m.employment == "student" && m.age >= 12 && pct(r, 12) {
			h.incomes = append(h.incomes, &income{m: m, kind: rules.IncomeScholarship,
				fen: int64(between(r, 5, 10)) * 1000, note: "国家助学金（月均）"})
		}
		if m.age >= 70 && pct(r, 1) {
			h.incomes = append(h.incomes, &income{m: m, kind: rules.IncomeMartyrPension,
				fen: int64(between(r, 80, 150)) * 10000, note: "烈属定期抚恤金"})
		}
	}
	if children == 1 && pct(r, 35) {
		h.incomes = append(h.incomes, &income{m: h.head(), kind: rules.IncomeOneChildReward,
			fen: 1000, note: "独生子女父母奖励费"})
	}
	if pct(r, 3) {
		h.incomes = append(h.incomes, &income{m: h.head(), kind: rules.IncomeTemporaryRelief,
			fen: int64(between(r, 20, 50)) * 1000, note: "临时救助（折月）"})
	}
	if r.IntN(1000) < 2 {
		h.incomes = append(h.incomes, &income{m: h.head(), kind: rules.IncomeBraveryReward,
			fen: 20000, note: "见义勇为奖励（折月）"})
	}
}

func (h *household) hasAsset(kind string) bool {
	for _, a := range h.assets {
		if a.kind == kind {
			return true
		}
	}
	return false
}

// rulesHousehold converts h to the rules' input, with the incomes and assets
// recorded on or before day (the zero time: all of them; withIncome false:
// none). A member is Disabled when they have any disability category, and
// SeriousIllness when their health is "serious"; businesses are registered
// (工商登记) and employ others when employs_others is 1.
func (g *gen) rulesHousehold(h *household, day time.Time, withIncome bool) rules.Household {
	rh := rules.Household{Setting: district.SettingUrban, LocalHukou: h.hukouLocal}
	for _, m := range h.members {
		rh.Members = append(rh.Members, rules.Member{ID: m.id, Counted: m.counted, Birth: m.birth,
			Disabled: m.disCat != "", SeriousIllness: m.health == "serious"})
	}
	seen := func(since time.Time) bool { return day.IsZero() || !since.After(day) }
	if withIncome {
		for _, in := range h.incomes {
			if seen(in.since) {
				rh.Income = append(rh.Income, rules.IncomeRow{MemberID: in.m.id, Kind: in.kind, MonthlyFen: in.fen})
			}
		}
	}
	for _, a := range h.assets {
		if !seen(a.since) {
			continue
		}
		switch a.kind {
		case "dwelling":
			rh.Assets.Dwellings = append(rh.Assets.Dwellings, rules.Dwelling{AreaM2: a.area})
		case "vehicle":
			rh.Assets.Vehicles = append(rh.Assets.Vehicles, rules.Vehicle{Kind: a.vehicle, DisabilityVehicle: a.disVehicle, ValueFen: a.value})
		case "financial":
			rh.Assets.FinancialFen += a.value
		case "business":
			rh.Assets.Businesses = append(rh.Assets.Businesses, rules.Business{Registered: true, Employees: int(b2i(a.employs))})
		}
	}
	return rh
}
