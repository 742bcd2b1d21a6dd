package demo

import (
	"math/rand/v2"
	"strings"
)

// Surnames, weighted roughly by their frequency in northern Henan. The tail
// holds rarer surnames (some outside GB 2312 fonts' comfort zone, e.g. 禚, 昝,
// 亓) and a few two-character ones, so the app's fonts and search meet them.
var surnames = weighted{
	{"王", 90}, {"李", 80}, {"张", 78}, {"刘", 60}, {"陈", 38}, {"杨", 35}, {"赵", 30},
	{"郭", 24}, {"孙", 22}, {"马", 22}, {"周", 18}, {"吴", 14}, {"徐", 14}, {"朱", 14},
	{"黄", 12}, {"胡", 12}, {"高", 14}, {"何", 8}, {"郑", 10}, {"宋", 12}, {"韩", 10},
	{"冯", 10}, {"林", 6}, {"程", 8}, {"曹", 8}, {"许", 8}, {"董", 8}, {"杜", 8},
	{"田", 8}, {"梁", 6}, {"袁", 6}, {"崔", 8}, {"贾", 8}, {"魏", 8}, {"薛", 6},
	{"申", 6}, {"焦", 5}, {"原", 4}, {"牛", 5}, {"范", 6}, {"靳", 4}, {"闫", 6},
	{"毋", 2}, {"宁", 3}, {"秦", 4}, {"史", 4}, {"姚", 4}, {"侯", 4}, {"卫", 3},
	{"禚", 1}, {"蔺", 1}, {"郜", 1}, {"昝", 1}, {"亓", 1}, {"逯", 1}, {"訾", 1},
	{"茹", 1}, {"冀", 1}, {"扈", 1}, {"司马", 1}, {"欧阳", 1}, {"上官", 1},
}

// Given names by birth cohort and sex. Whole names carry the cohort's
// fashion; single characters are combined into two-character names. Each
// young cohort includes rarer characters of the 通用规范汉字表 (喆, 堃, 翀, 彧,
// 赟, 玥, 珺, 瑄, 琇, 犇, 淼, 垚, 旻, 昶, 晞).
type cohortNames struct {
	upTo          int // last birth year of the cohort
	male, female  []string
	maleC, femC   string // characters combined pairwise
	singleCharPct int    // share of one-character given names
}

var cohorts = []cohortNames{
	{upTo: 1955,
		male:   []string{"建国", "国庆", "德胜", "长林", "福贵", "保国", "振江", "金山", "长顺", "广才", "玉堂", "树林", "春生", "文彬", "守义", "满仓", "铁柱", "有才"},
		female: []string{"秀英", "桂英", "玉兰", "秀兰", "凤英", "桂兰", "淑珍", "素芳", "翠花", "玉珍", "秀珍", "桂芝", "春兰", "爱莲", "巧云", "素梅", "改花", "粉香"},
		maleC:  "德福贵长金玉广文守振树春宝明义忠孝仁山林", femC: "秀桂玉凤淑素翠春爱巧兰英珍芝芳梅莲香云",
		singleCharPct: 5},
	{upTo: 1975,
		male:   []string{"建华", "国强", "志刚", "卫东", "红军", "建军", "永强", "新民", "海涛", "卫国", "立新", "跃进", "志勇", "庆丰", "向阳", "东升", "学军", "红旗"},
		female: []string{"红梅", "秀梅", "丽华", "红霞", "淑华", "桂香", "爱华", "玉梅", "红英", "素琴", "冬梅", "晓红", "月娥", "小红", "金凤", "丽萍", "卫红", "建英"},
		maleC:  "建国志卫红永新海立跃庆东学军强刚民涛勇伟明华平", femC: "红秀丽淑桂爱玉素冬晓月金卫建梅霞华香英琴萍凤娥",
		singleCharPct: 30},
	{upTo: 1995,
		male:   []string{"鹏飞", "晓东", "建伟", "军伟", "海军", "志强", "永杰", "俊峰", "红亮", "小龙", "利军", "振宇", "海涛", "文涛", "亚伟", "国栋"},
		female: []string{"丽娜", "艳玲", "晓燕", "海燕", "丽丽", "娟娟", "晓丽", "文静", "亚楠", "红艳", "春燕", "秋菊", "雪梅", "晓娟", "利娜", "巧玲"},
		maleC:  "磊鹏超涛斌强亮辉刚杰浩飞伟峰军东俊海振亚国", femC: "静婷娟敏燕丹芳倩雪莉颖璐娜玲艳丽楠晓亚慧",
		singleCharPct: 40},
	{upTo: 2030,
		male:   []string{"浩然", "子轩", "宇航", "梓豪", "一鸣", "俊杰", "博文", "皓轩", "宇轩", "昊天", "沐阳", "子墨", "嘉懿", "梓睿", "奕辰", "锦程"},
		female: []string{"欣怡", "梓涵", "诗涵", "子萱", "雨桐", "一诺", "可馨", "语嫣", "佳琪", "思琪", "梦瑶", "若曦", "紫涵", "雅琪", "欣悦", "芷若"},
		maleC:  "浩宇轩子博皓昊沐嘉梓睿辰锦喆堃翀彧赟犇淼垚旻昶", femC: "欣怡梓涵诗萱雨桐可馨语佳琪思瑶曦雅悦玥珺瑄琇晞婧",
		singleCharPct: 12},
}

// personName returns a plausible full name for someone born in year, of
// sex male or female; surname "" picks a random surname.
func personName(r *rand.Rand, surname string, year int, male bool) string {
	if surname == "" {
		surname = surnames.pick(r)
	}
	c := cohorts[len(cohorts)-1]
	for _, x := range cohorts {
		if year <= x.upTo {
			c = x
			break
		}
	}
	whole, chars := c.female, []rune(c.femC)
	if male {
		whole, chars = c.male, []rune(c.maleC)
	}
	switch n := r.IntN(100); {
	case n < c.singleCharPct:
		return surname + string(chars[r.IntN(len(chars))])
	case n < c.singleCharPct+(100-c.singleCharPct)/2:
		return surname + whole[r.IntN(len(whole))]
	default:
		a := chars[r.IntN(len(chars))]
		b := chars[r.IntN(len(chars))]
		for b == a {
			b = chars[r.IntN(len(chars))]
		}
		return surname + string([]rune{a, b})
	}
}

// surnameOf returns the surname of a name produced by personName.
func surnameOf(name string) string {
	for _, s := range surnames {
		if len([]rune(s.v)) == 2 && strings.HasPrefix(name, s.v) {
			return s.v
		}
	}
	return string([]rune(name)[:1])
}

// weighted is a list of values with integer weights.
type weighted []struct {
	v string
	w int
}

// pick returns a value with probability proportional to its weight.
func (ws weighted) pick(r *rand.Rand) string {
	total := 0
	for _, x := range ws {
		total += x.w
	}
	n := r.IntN(total)
	for _, x := range ws {
		if n < x.w {
			return x.v
		}
		n -= x.w
	}
	return ws[len(ws)-1].v
}
