package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"doorstep/schema/rules"
)

// Free-text fields of visit records, written the way caseworkers write them.

var (
	chronicIllnesses = []string{"高血压", "糖尿病", "慢性支气管炎", "冠心病", "类风湿关节炎", "腰椎间盘突出"}
	seriousIllnesses = []string{"尿毒症（规律透析）", "肺癌", "乳腺癌", "脑梗后遗症", "白血病", "肝硬化"}
	disabilityNames  = map[string]string{
		"visual": "视力", "hearing": "听力", "speech": "言语", "physical": "肢体",
		"intellectual": "智力", "mental": "精神", "multiple": "多重",
	}
	notCountedNames = map[string]string{
		"prison": "正在服刑", "declared_missing": "已被宣告失踪", "clergy_apart": "出家且离家三年以上",
		"other": "现役义务兵",
	}
	incomeNames = map[string]string{
		"wages": "务工收入", "farming": "种植收入", "business": "经营收入", "property": "财产收入",
		"pension": "养老金", "support": "赡养扶养费", "subsidy": "失业保险金等补贴", "other": "其他收入",
	}
	renovationNames = map[string]string{
		"none": "未装修，水泥地面", "basic": "简单装修", "medium": "中等装修（十余年前装修）", "luxury": "装修较好",
	}
	cancelNeighbour = map[string]string{
		"income_above_standard": "邻居反映其家人近几个月每天按时上下班，已有稳定工作。",
		"assets_exceed":         "邻居证实该户近期开回一辆小轿车，停在楼下。",
		"moved_away":            "邻居称该户已搬走半年以上，房屋空置。",
		"deceased":              "邻居证实户主已于近期病故，丧事已办完。",
		"refused_recheck":       "邻居称该户白天常有人在家，但不愿见社区工作人员。",
	}
	neighbourSayings = []string{
		"邻居反映该户生活确实困难，平时未见大额消费。",
		"楼下住户称户主常年患病，主要靠亲友接济。",
		"邻居表示该户平时很少外出，家中无机动车。",
		"社区网格员证实家庭人口情况属实。",
		"邻居反映其家人打零工，收入不稳定。",
		"同院居民称该户多年居住于此，家庭情况无明显变化。",
	}
)

// pickBy returns an element of list chosen by key, so that a member keeps
// the same illness in every visit.
func pickBy(list []string, key string) string {
	h := 0
	for _, c := range key {
		h = h*31 + int(c)
	}
	if h < 0 {
		h = -h
	}
	return list[h%len(list)]
}

// livingText describes the home: tenure, area, renovation, appliances.
func livingText(h *household) string {
	var b strings.Builder
	switch h.housing.kind {
	case "owned":
		for _, a := range h.assets {
			if a.kind == "dwelling" {
				fmt.Fprintf(&b, "自有%s约%.1f平方米，%s。", dwellingNames[a.dwellType], a.area, renovationNames[a.renovation])
				break
			}
		}
	case "rented":
		fmt.Fprintf(&b, "租住私房约%.1f平方米，月租金%d元。", h.housing.area, h.housing.rentFen/100)
	case "public_rental":
		fmt.Fprintf(&b, "租住公租房约%.1f平方米。", h.housing.area)
	default:
		fmt.Fprintf(&b, "借住亲属房屋约%.1f平方米。", h.housing.area)
	}
	if len(h.housing.appliances) == 0 {
		b.WriteString("家中无大件家电。")
	} else {
		fmt.Fprintf(&b, "家中有%s等旧家电。", strings.Join(h.housing.appliances, "、"))
	}
	return b.String()
}

// healthPhrase describes a member's health and disability.
func healthPhrase(m *member) string {
	var parts []string
	switch m.health {
	case "chronic":
		parts = append(parts, "患"+pickBy(chronicIllnesses, m.idNumber)+"，需长期服药")
	case "serious":
		parts = append(parts, "患"+pickBy(seriousIllnesses, m.idNumber)+"，治疗费用较高")
	default:
		parts = append(parts, "身体健康")
	}
	if m.disCat != "" {
		parts = append(parts, fmt.Sprintf("%s残疾%d级", disabilityNames[m.disCat], m.disGrade))
	}
	return strings.Join(parts, "，")
}

// observationText summarises what the visit found.
func observationText(r *rand.Rand, h *household, v *visit) string {
	hd := h.head()
	var b strings.Builder
	fmt.Fprintf(&b, "户主%s，%d岁，%s。家庭共%d人", hd.name, rules.Age(hd.birth, v.day), healthPhrase(hd), h.counted())
	for _, m := range h.members {
		if !m.counted {
			fmt.Fprintf(&b, "（另有%s%s，不计入家庭人口）", m.name, notCountedNames[m.notCounted])
		}
	}
	kinds := map[string]bool{}
	var names []string
	for _, in := range h.incomes {
		if n, ok := incomeNames[in.kind]; ok && !kinds[in.kind] && !in.since.After(v.day) {
			kinds[in.kind] = true
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		b.WriteString("，家庭无固定收入来源。")
	} else {
		fmt.Fprintf(&b, "，收入主要为%s。", strings.Join(names, "、"))
	}
	switch {
	case v.purpose == "complaint" && h.status == "suspended":
		b.WriteString([]string{"接群众举报反映该户有家庭成员在外务工未申报，现场核查中。",
			"接群众举报反映该户家中有机动车，正在调取车辆登记信息核实。"}[r.IntN(2)])
	case h.status == "cancelled" && v.day.Equal(h.cancelDay):
		b.WriteString(cancelPhrase(h, v))
	}
	return b.String()
}

// cancelPhrase says why the household is proposed for cancellation.
func cancelPhrase(h *household, v *visit) string {
	switch h.cancelReason {
	case "income_above_standard":
		for _, in := range h.incomes {
			if !in.since.IsZero() {
				return fmt.Sprintf("经核查，%s已稳定就业，月工资约%d元，家庭人均收入超过低保标准。", in.m.name, in.fen/100)
			}
		}
	case "assets_exceed":
		return "经核查，该户新购置小轿车一辆，不符合低保财产条件。"
	case "moved_away":
		return "该户已迁往外地居住，经邻居证实已半年未回。"
	case "deceased":
		return "户主已病故，系单人户。"
	case "refused_recheck":
		return "多次入户均无人，电话联系拒不配合复核。"
	case "withdrawn":
		return "户主表示家庭情况好转，主动申请退出低保。"
	}
	return ""
}

// neighbourText is the neighbour interview note.
func neighbourText(r *rand.Rand, h *household, v *visit) string {
	if v.method == "documents" {
		return "本次为材料核查，未走访邻居。"
	}
	if h.status == "cancelled" && v.day.Equal(h.cancelDay) {
		if s, ok := cancelNeighbour[h.cancelReason]; ok {
			return s
		}
	}
	return neighbourSayings[r.IntN(len(neighbourSayings))]
}
