package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"doorstep/schema/rules"
)

// pairing is a volunteer pairing (volunteer_pairings) with its visit logs.
type pairing struct {
	id             string
	e              *elder
	mode           string
	vols           []*staffer
	started, ended time.Time
	visits         []*vvisit
}

// vvisit is one volunteer visit log (volunteer_visits).
type vvisit struct {
	id                  string
	p                   *pairing
	vol                 *staffer
	need                string
	start, end          time.Time
	services            []string
	wellbeing, feedback string
	risks               []string
	next                time.Time
}

// activity is a "三小" group activity (group_activities).
type activity struct {
	id, kind, theme, venue, note string
	comm                         *community
	day                          time.Time
	headcount                    int
}

// pairingModes is how many of the 60 pairings use each mode.
var pairingModes = []struct {
	mode string
	n    int
}{{"one_to_one", 30}, {"two_to_one", 18}, {"many_to_one", 12}}

// choosePairings pairs 60 screened elders with volunteers of their
// community, preferring elders whose screening advised that mode, then the
// most dependent of those given no advice; the pairing starts some days
// after the screening.
func (g *gen) choosePairings(r *rand.Rand) {
	taken := map[*elder]bool{}
	for _, pm := range pairingModes {
		var chosen []*elder
		for _, e := range g.elderList {
			if len(chosen) < pm.n && !taken[e] && e.screenings[0].advice == pm.mode {
				chosen = append(chosen, e)
				taken[e] = true
			}
		}
		// Too few advised for this mode: take the most dependent of the
		// elders given no advice.
		rest := slices.Clone(g.elderList)
		slices.SortStableFunc(rest, func(a, b *elder) int {
			return a.screenings[0].barthel.Total() - b.screenings[0].barthel.Total()
		})
		for _, e := range rest {
			if len(chosen) < pm.n && !taken[e] && e.screenings[0].advice == "" {
				e.screenings[0].advice = pm.mode
				chosen = append(chosen, e)
				taken[e] = true
			}
		}
		for _, e := range chosen {
			g.earlier(r, e)
			g.pairings = append(g.pairings, g.pair(r, e, pm.mode))
		}
	}
}

// earlier moves a paired elder's screening into the first months of the
// year (the volunteers' screening, 摸底筛查, came before the pairing), when
// the elder's age is the same on the earlier day.
func (g *gen) earlier(r *rand.Rand, e *elder) {
	sc := e.screenings[0]
	y := g.from.Year()
	day := visitDay(r, date(y, time.February, 20), date(y, time.April, 15))
	if day.Before(sc.day) && rules.Age(e.birth, day) == sc.age {
		sc.day = day
	}
}

// pair makes a pairing of e with one, two or three to five volunteers.
func (g *gen) pair(r *rand.Rand, e *elder, mode string) *pairing {
	k := 1
	switch mode {
	case "two_to_one":
		k = 2
	case "many_to_one":
		k = between(r, 3, 5)
	}
	pool := append([]*staffer{}, e.comm.volunteers...)
	r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	p := &pairing{e: e, mode: mode, vols: pool[:k]}
	last := date(g.from.Year(), time.June, 20)
	p.started = after(e.screenings[0].day, between(r, 3, 20))
	if p.started.After(last) {
		p.started = weekday(last)
	}
	p.id = g.ids.uuid(workTime(r, p.started))
	return p
}

// volunteering generates the volunteer visit logs of every pairing (two
// pairings end in June, when the elder moves into a care home) and the 16
// "三小" activities.
func (g *gen) volunteering() {
	r := stream(g.seed, "volunteering")
	ended := 0
	for _, p := range g.pairings {
		if ended < 2 && p.started.Before(date(g.from.Year(), time.May, 1)) && pct(r, 20) {
			p.ended = visitDay(r, date(g.from.Year(), time.June, 1), date(g.from.Year(), time.June, 20))
			ended++
		}
		end := g.to
		if !p.ended.IsZero() {
			end = p.ended
		}
		for day := after(p.started, between(r, 2, 7)); !day.After(end); {
			gap := between(r, 7, 16)
			v := g.volunteerVisit(r, p, len(p.visits), day, after(day, gap))
			p.visits = append(p.visits, v)
			day = v.next
		}
	}
	g.groupActivities(r)
}

var needServices = map[string][]string{
	"daily_care":        {"meal_help", "cleaning"},
	"housekeeping":      {"cleaning", "shopping"},
	"rehabilitation":    {"exercise", "accompany_doctor"},
	"health_care":       {"health_check", "accompany_doctor"},
	"emotional_comfort": {"chat", "reading"},
	"emergency_help":    {"health_check", "chat"},
	"legal_rights":      {"legal_help"},
	"culture_exercise":  {"exercise", "reading"},
}

var feedbacks = map[string][]string{
	"good": {"老人精神状态好，聊了家常，很开心。", "帮老人打扫了卫生，老人表示感谢。", "老人身体状况稳定，按时服药。", "陪老人下楼散步半小时，心情不错。"},
	"fair": {"老人近日睡眠不好，已提醒家属关注。", "老人腿脚不便，需要有人帮忙买菜。", "老人有些孤单，希望志愿者多来看看。"},
	"poor": {"老人血压偏高，精神较差，已告知社区工作人员。", "老人情绪低落，不愿多说话，需要持续关注。", "老人家中存粮不多，已联系社区协助。"},
}

// volunteerVisit logs the k-th visit of p on day; next is the planned next visit.
func (g *gen) volunteerVisit(r *rand.Rand, p *pairing, k int, day, next time.Time) *vvisit {
	e := p.e
	sc := e.screenings[0]
	for _, s := range e.screenings {
		if !s.day.After(day) {
			sc = s
		}
	}
	v := &vvisit{p: p, vol: p.vols[k%len(p.vols)], need: sc.needs[r.IntN(len(sc.needs))], next: next}
	v.start = at(day, 9, 0).Add(time.Duration(r.IntN(7*60)) * time.Minute)
	v.end = v.start.Add(time.Duration(between(r, 40, 120)) * time.Minute)
	v.services = append([]string{}, needServices[v.need][:1+r.IntN(len(needServices[v.need]))]...)
	// A visit for another need often ends with a chat, unless chatting was
	// its service already (the same draw either way, so the district stays
	// the same for a seed).
	if v.services[0] != "chat" && pct(r, 50) && !slices.Contains(v.services, "chat") {
		v.services = append(v.services, "chat")
	}
	w := weighted{{"good", 65}, {"fair", 28}, {"poor", 7}}
	if sc.barthel.Total() <= 40 {
		w = weighted{{"good", 40}, {"fair", 40}, {"poor", 20}}
	}
	v.wellbeing = w.pick(r)
	fb := feedbacks[v.wellbeing]
	v.feedback = fb[r.IntN(len(fb))]
	switch {
	case v.wellbeing == "poor" && pct(r, 60):
		v.risks = []string{[]string{"health_worse", "low_mood", "no_food"}[r.IntN(3)]}
	case pct(r, 2):
		v.risks = []string{[]string{"fall", "unsafe_home"}[r.IntN(2)]}
	}
	v.id = g.ids.uuid(v.start)
	if !day.After(addDays(g.to, -14)) {
		g.review(r, "volunteer_visits", v.id, nil, e.comm, "approve", "已阅。", nil, after(day, between(r, 2, 7)))
	}
	return v
}

// activityTitles names an activity by theme and kind.
var activityTitles = map[string]map[string]string{
	"health_care":           {"lecture": "老年人常见慢性病预防与用药安全", "contest": "老年健身操比赛", "performance": "太极拳、八段锦展示"},
	"rights_protection":     {"lecture": "老年人权益保障法与防范养老诈骗", "contest": "维权知识有奖问答", "performance": "普法情景剧《识破保健品骗局》"},
	"hobby_tutoring":        {"lecture": "智能手机使用辅导", "contest": "书法绘画比赛", "performance": "剪纸、编织作品展示"},
	"cultural_performance":  {"lecture": "豫剧唱腔赏析", "contest": "老年合唱比赛", "performance": "戏曲票友专场（豫剧、怀梆）"},
	"psychological_comfort": {"lecture": "老年心理健康与情绪调适", "contest": "趣味记忆力竞赛", "performance": "“夕阳红”联欢会"},
}

var kindNames = map[string]string{"contest": "小比赛", "performance": "小表演", "lecture": "小讲座"}

// groupActivities makes the 16 "三小" activities: the four communities the
// report's visitors saw first, then twelve others; every kind and theme
// appears; headcounts add up to 1,200–1,259.
func (g *gen) groupActivities(r *rand.Rand) {
	var comms []*community
	for _, name := range []string{"花园街社区", "陶瓷路社区", "电翔社区", "道清里社区"} {
		for _, c := range g.comms {
			if c.spec.name == name {
				comms = append(comms, c)
			}
		}
	}
	for _, i := range r.Perm(len(g.comms)) {
		if len(comms) < TargetActivities && !contains(comms, g.comms[i]) {
			comms = append(comms, g.comms[i])
		}
	}
	kinds := []string{"contest", "performance", "lecture"}
	themes := []string{"health_care", "rights_protection", "hobby_tutoring", "cultural_performance", "psychological_comfort"}
	total := 0
	y := g.from.Year()
	for i, c := range comms {
		a := &activity{comm: c, kind: kinds[i%3], theme: themes[(i+i/5)%5],
			day: visitDay(r, date(y, time.March, 3), date(y, time.June, 26)), headcount: between(r, 55, 95)}
		a.venue = c.spec.name + []string{"老年活动室", "居民服务站多功能厅", "文化广场"}[r.IntN(3)]
		a.note = fmt.Sprintf("“%s”：%s", kindNames[a.kind], activityTitles[a.theme][a.kind])
		a.id = g.ids.uuid(at(a.day, 9, 0))
		total += a.headcount
		g.activities = append(g.activities, a)
	}
	want := TargetActivityHeadcount + r.IntN(60)
	for i := 0; total != want; i = (i + 1) % len(g.activities) {
		if total < want {
			g.activities[i].headcount++
			total++
		} else {
			g.activities[i].headcount--
			total--
		}
	}
}

func contains(cs []*community, c *community) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}
