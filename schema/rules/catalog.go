package rules

// entry is one code's wording: zh-CN and en, as fmt formats taking the same
// number of %s verbs, all arguments being strings.
type entry struct{ zh, en string }

// catalog holds the wording of every Code. A test checks that every code the
// package can produce is here, in both languages, with matching arguments.
var catalog = map[Code]entry{
	// ID numbers.
	CodeIDLength:    {"身份证号码应为 18 位，实际为 %s 位", "An ID number has 18 characters, not %s"},
	CodeIDChars:     {"身份证号码第 %s 位“%s”无效：前 17 位应为数字，末位为数字或 X", "ID number character %s (“%s”) is invalid: the first 17 must be digits, the last a digit or X"},
	CodeIDChecksum:  {"身份证号码校验位为 %s，应为 %s，请核对号码", "The ID number's check character is %s but should be %s; please check the number"},
	CodeIDBirthDate: {"身份证号码中的出生日期 %s 无效", "The birth date %s in the ID number is not valid"},

	// Income.
	CodeNoCountedMembers: {"家庭没有计入的共同生活成员，无法计算人均收入", "No member is counted in the household, so per-capita income cannot be computed"},
	CodeUnknownMember:    {"收入记录所属成员 %s 不在本家庭中", "An income row belongs to member %s, who is not in this household"},
	CodeNegativeIncome:   {"成员 %s 的收入 %s 元为负数；经营亏损请记为 0", "Member %s has a negative income of ¥%s; record a loss as 0"},
	CodeIncomeKind:       {"成员 %s 有一条收入未填写收入类别", "An income row of member %s has no kind"},

	// 低保 means test.
	CodeIncomeNotBelowStandard: {"人均月收入 %s 元，不低于保障标准 %s 元", "Per-capita income ¥%s is not below the standard ¥%s"},
	CodeHukouNotLocal:          {"家庭不是本地户籍", "The household has no local hukou (户籍)"},
	CodeVehicle:                {"家庭拥有机动车 %s 辆（残疾人代步车除外）", "The household owns %s motor vehicle(s) other than disability vehicles"},
	CodeDwellingCount:          {"家庭拥有住房 %s 套，超过上限 %s 套", "The household owns %s dwellings, more than the limit of %s"},
	CodeDwellingArea:           {"人均住房面积 %s 平方米，超过上限 %s 平方米", "Floor area per person, %s m², is above the limit of %s m²"},
	CodeFinancialPerCapita:     {"人均金融资产 %s 元，超过上限 %s 元", "Financial assets per person, ¥%s, are above the limit of ¥%s"},
	CodeFinancialHousehold:     {"家庭金融资产 %s 元，超过上限 %s 元", "Household financial assets, ¥%s, are above the limit of ¥%s"},
	CodeBusinessEmploysOthers:  {"家庭有 %s 个登记注册且雇佣他人的经营实体", "The household has %s registered business(es) employing others"},
	CodeNegativeAsset:          {"资产数值 %s 无效，不能为负数", "Asset value %s is invalid: it cannot be negative"},

	// Benefit top-ups.
	CodeTopUpElder:          {"老年人分类施保", "Elder top-up"},
	CodeTopUpOldElder:       {"高龄老年人分类施保", "Senior elder top-up"},
	CodeTopUpMinor:          {"未成年人分类施保", "Minor top-up"},
	CodeTopUpDisabled:       {"残疾人分类施保", "Disability top-up"},
	CodeTopUpSeriousIllness: {"重病患者分类施保", "Serious illness top-up"},

	// Re-checks.
	CodeUnknownClass: {"复核规则表中没有家庭类别“%s”", "The re-check table has no household class “%s”"},

	// Barthel index.
	CodeBarthelValue:              {"巴氏指数项目“%s”不能为 %s 分（可选：%s）", "Barthel item “%s” cannot be %s (allowed: %s)"},
	CodeBarthelItem:               {"未知的 Barthel 指数项目“%s”", "Unknown Barthel item “%s”"},
	CodeBarthelVersion:            {"未知的巴氏指数分级版本“%s”", "Unknown Barthel grading version “%s”"},
	"barthel.item.feeding":        {"进食", "Feeding"},
	"barthel.item.bathing":        {"洗澡", "Bathing"},
	"barthel.item.grooming":       {"修饰", "Grooming"},
	"barthel.item.dressing":       {"穿衣", "Dressing"},
	"barthel.item.bowels":         {"大便控制", "Bowel control"},
	"barthel.item.bladder":        {"小便控制", "Bladder control"},
	"barthel.item.toilet":         {"如厕", "Toilet use"},
	"barthel.item.transfers":      {"床椅转移", "Transfers (bed to chair and back)"},
	"barthel.item.mobility":       {"平地行走 45 米", "Mobility (45 m on level ground)"},
	"barthel.item.stairs":         {"上下楼梯", "Stairs"},
	CodeBarthelIndependent:        {"完全自理", "Independent"},
	CodeBarthelMild:               {"轻度依赖", "Mild dependence"},
	CodeBarthelModerate:           {"中度依赖", "Moderate dependence"},
	CodeBarthelSevere:             {"重度依赖", "Severe dependence"},
	CodeBarthelIntact:             {"能力完好", "Intact"},
	CodeBarthelMildImpairment:     {"轻度受损", "Mildly impaired"},
	CodeBarthelModerateImpairment: {"中度受损", "Moderately impaired"},
	CodeBarthelSevereImpairment:   {"重度受损", "Severely impaired"},

	// GB/T 42195-2022 ability assessment.
	CodeAbilityValue:                  {"“%s”得分 %s 超出范围 0–%s", "“%s” score %s is outside 0–%s"},
	CodeAbilityMissing:                {"“%s”尚未评分", "“%s” has not been scored"},
	CodeAbilityItem:                   {"未知的评估项目“%s”", "Unknown assessment item “%s”"},
	CodeRiskEvents:                    {"照护风险事件次数 %s 不能为负数", "The number of care-risk events, %s, cannot be negative"},
	DomainSelfCare:                    {"自理能力", "Self-care"},
	DomainMotor:                       {"基础运动能力", "Basic motor ability"},
	DomainMental:                      {"精神状态", "Mental state"},
	DomainPerception:                  {"感知觉与社会参与", "Perception and social participation"},
	LevelIntact:                       {"能力完好", "Ability intact"},
	LevelMild:                         {"能力轻度受损（轻度失能）", "Mildly impaired (mild disability)"},
	LevelModerate:                     {"能力中度受损（中度失能）", "Moderately impaired (moderate disability)"},
	LevelSevere:                       {"能力重度受损（重度失能）", "Severely impaired (severe disability)"},
	LevelComplete:                     {"能力完全丧失（完全失能）", "Complete loss of ability (total disability)"},
	AdjustComa:                        {"处于昏迷状态，直接评定为能力完全丧失", "In a coma: graded as complete loss of ability"},
	AdjustDementia:                    {"确诊痴呆或其他精神和行为障碍，能力等级加重一级", "Diagnosed dementia or another mental or behavioural disorder: one level worse"},
	AdjustRiskEvents:                  {"近 30 天内发生 2 次及以上照护风险事件，能力等级加重一级", "Two or more care-risk events in the last 30 days: one level worse"},
	AdjustCappedAtWorst:               {"已为最重等级，不再加重", "Already at the most severe level; no further change"},
	"ability.item.eating":             {"进食", "Eating"},
	"ability.item.grooming":           {"修饰", "Grooming"},
	"ability.item.bathing":            {"洗澡", "Bathing"},
	"ability.item.dressing_upper":     {"穿/脱上衣", "Dressing the upper body"},
	"ability.item.dressing_lower":     {"穿/脱裤子和鞋袜", "Dressing trousers, shoes and socks"},
	"ability.item.urination":          {"小便控制", "Urinary control"},
	"ability.item.defecation":         {"大便控制", "Bowel control"},
	"ability.item.toileting":          {"如厕", "Toileting"},
	"ability.item.bed_mobility":       {"床上体位转移", "Turning and sitting up in bed"},
	"ability.item.chair_transfer":     {"床椅转移", "Bed–chair transfer"},
	"ability.item.walking":            {"平地行走", "Walking on level ground"},
	"ability.item.stairs":             {"上下楼梯", "Stairs"},
	"ability.item.time_orientation":   {"时间定向", "Orientation to time"},
	"ability.item.place_orientation":  {"空间定向", "Orientation to place"},
	"ability.item.person_orientation": {"人物定向", "Orientation to people"},
	"ability.item.memory":             {"记忆", "Memory"},
	"ability.item.comprehension":      {"理解能力", "Understanding"},
	"ability.item.expression":         {"表达能力", "Expression"},
	"ability.item.aggression":         {"攻击行为", "Aggressive behaviour"},
	"ability.item.depression":         {"抑郁症状", "Depressive symptoms"},
	"ability.item.consciousness":      {"意识水平", "Level of consciousness"},
	"ability.item.vision":             {"视力", "Vision"},
	"ability.item.hearing":            {"听力", "Hearing"},
	"ability.item.daily_affairs":      {"执行日常事务", "Handling daily affairs"},
	"ability.item.transport":          {"使用交通工具外出", "Going out by transport"},
	"ability.item.social":             {"社会交往能力", "Social interaction"},

	// Elderly care.
	CodeIncomeNone:      {"无收入", "No income"},
	CodeIncomeBelow:     {"月收入低于 %s 元", "Monthly income under ¥%s"},
	CodeIncomeAtOrAbove: {"月收入 %s 元及以上", "Monthly income ¥%s or more"},
	CodeHomeCare:        {"可享受居家养老服务", "Eligible for home-based care"},
	CodeCareGroup1:      {"货币化养老第一类（高龄无收入老年人）", "Monetary care group 1 (older elders with no income)"},
	CodeCareGroup2:      {"货币化养老第二类（高龄低收入老年人）", "Monetary care group 2 (older elders with low income)"},
	CodeCareGroup3:      {"货币化养老第三类（独生子女家庭老年人）", "Monetary care group 3 (elders in single-child families)"},
}
