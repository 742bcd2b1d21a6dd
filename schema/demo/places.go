package demo

import (
	"fmt"
	"math/rand/v2"
)

// The district: 焦作市解放区 (410802), its nine streets (街道) and 32
// communities (社区), as many as the district had in 2011. Street and
// community names are real where the report or public gazetteers name them
// (花园街、陶瓷路、电翔、道清里 社区 from the report; 民生、民主、新华 streets'
// communities from the 2006 gazetteer); the others are plausible local names.
// Street codes follow the 9-digit township code format (410802 + 3 digits)
// and community codes the 12-digit village code format; only 410802 itself is
// an official code.
const (
	regionCode   = "410802"
	cityDistrict = "焦作市解放区"
)

// streetSpec is one street with its communities. Each community lists the
// roads its addresses lie on, its approximate centre and its share of the
// district's 低保 households (weight).
type streetSpec struct {
	name        string
	communities []communitySpec
}

type communitySpec struct {
	name     string
	roads    []string
	lat, lon float64
	weight   int
}

var streetSpecs = []streetSpec{
	{"民生街道", []communitySpec{
		{"民生街社区", []string{"民生街", "解放中路"}, 35.2405, 113.2372, 8},
		{"学苑社区", []string{"学苑路", "人民路"}, 35.2441, 113.2339, 6},
		{"学生路社区", []string{"学生路", "民主北路"}, 35.2463, 113.2398, 7},
		{"世纪新区社区", []string{"建设中路", "塔北路"}, 35.2490, 113.2431, 5},
	}},
	{"民主街道", []communitySpec{
		{"焦作街社区", []string{"焦作街", "车站街"}, 35.2347, 113.2422, 9},
		{"道清里社区", []string{"道清路", "民主南路"}, 35.2318, 113.2386, 10},
		{"月季苑社区", []string{"民主南路", "丰收中路"}, 35.2289, 113.2409, 6},
		{"民权街社区", []string{"民权街", "解放中路"}, 35.2366, 113.2455, 7},
	}},
	{"新华街道", []communitySpec{
		{"鑫源社区", []string{"新华南街", "胜利南街"}, 35.2371, 113.2281, 8},
		{"鸿源社区", []string{"新华中街", "烈士街"}, 35.2402, 113.2263, 7},
		{"丰源社区", []string{"新华北街", "自力东街"}, 35.2436, 113.2249, 6},
	}},
	{"焦西街道", []communitySpec{
		{"电翔社区", []string{"电厂路", "建设西路"}, 35.2384, 113.2168, 10},
		{"焦西社区", []string{"焦西路", "解放西路"}, 35.2352, 113.2195, 9},
		{"建设西路社区", []string{"建设西路", "工业路"}, 35.2421, 113.2142, 6},
	}},
	{"焦南街道", []communitySpec{
		{"焦南社区", []string{"焦东南路", "丰收中路"}, 35.2266, 113.2348, 11},
		{"塔南路社区", []string{"塔南路", "南通路"}, 35.2241, 113.2471, 8},
		{"东焦社区", []string{"东焦路", "焦东南路"}, 35.2253, 113.2522, 9},
		{"丰收路社区", []string{"丰收中路", "民主南路"}, 35.2218, 113.2405, 7},
	}},
	{"焦北街道", []communitySpec{
		{"花园街社区", []string{"花园街", "人民中路"}, 35.2478, 113.2322, 9},
		{"站前路社区", []string{"站前路", "太行中路"}, 35.2512, 113.2290, 8},
		{"太行社区", []string{"太行中路", "民主北路"}, 35.2537, 113.2368, 7},
		{"人民路社区", []string{"人民中路", "塔北路"}, 35.2501, 113.2411, 6},
	}},
	{"七百间街道", []communitySpec{
		{"陶瓷路社区", []string{"陶瓷路", "焦东北路"}, 35.2335, 113.2558, 12},
		{"七百间社区", []string{"七百间路", "解放东路"}, 35.2368, 113.2592, 11},
		{"健康路社区", []string{"健康路", "山阳路"}, 35.2397, 113.2531, 8},
		{"工业路社区", []string{"工业路", "解放东路"}, 35.2312, 113.2620, 9},
	}},
	{"上白作街道", []communitySpec{
		{"上白作社区", []string{"上白作村", "北环路"}, 35.2652, 113.2077, 6},
		{"田涧社区", []string{"田涧村", "焦辉路"}, 35.2603, 113.1985, 5},
		{"春林社区", []string{"春林村", "北环路"}, 35.2688, 113.2011, 4},
	}},
	{"王褚街道", []communitySpec{
		{"王褚社区", []string{"王褚村", "新园路"}, 35.2589, 113.2485, 7},
		{"东王褚社区", []string{"东王褚村", "迎宾路"}, 35.2611, 113.2552, 5},
		{"李河社区", []string{"李河村", "北环路"}, 35.2707, 113.2450, 4},
	}},
}

// Birth-registration regions for ID numbers: mostly the district itself,
// then the rest of Jiaozuo, a little from further away.
var birthRegions = weighted{
	{"410802", 70}, {"410811", 6}, {"410803", 4}, {"410804", 4}, {"410821", 3},
	{"410822", 2}, {"410823", 2}, {"410825", 2}, {"410882", 2}, {"410883", 2},
	{"410801", 3}, {"410703", 1}, {"140502", 1},
}

// address returns a street address in community c, e.g.
// "焦作市解放区民主南路12号院3号楼2单元301" (flats) or
// "焦作市解放区焦作街东三巷7号" (single-storey houses). Village-style roads
// ("…村") get house numbers in groups (组).
func address(r *rand.Rand, c communitySpec) string {
	road := c.roads[r.IntN(len(c.roads))]
	if []rune(road)[len([]rune(road))-1] == '村' {
		return fmt.Sprintf("%s%s%d组%d号", cityDistrict, road, 1+r.IntN(9), 1+r.IntN(60))
	}
	if r.IntN(100) < 22 {
		sides := []string{"东", "西", "南", "北"}
		nums := []string{"一", "二", "三", "四", "五", "六"}
		return fmt.Sprintf("%s%s%s%s巷%d号", cityDistrict, road, sides[r.IntN(4)], nums[r.IntN(6)], 1+r.IntN(40))
	}
	floor := 1 + r.IntN(7)
	return fmt.Sprintf("%s%s%d号院%d号楼%d单元%d%02d", cityDistrict, road,
		2+r.IntN(180), 1+r.IntN(12), 1+r.IntN(4), floor, 1+r.IntN(2))
}

// phone returns a mobile number with a common mainland prefix.
func phone(r *rand.Rand) string {
	prefixes := []string{"133", "135", "137", "138", "139", "150", "151", "155", "158", "159", "176", "182", "185", "186", "187", "188", "189"}
	return prefixes[r.IntN(len(prefixes))] + fmt.Sprintf("%08d", r.IntN(100000000))
}

// location returns the JSON location of a visit near c's centre: latitude,
// longitude (WGS 84, six decimals) and accuracy in metres.
func location(r *rand.Rand, c communitySpec) string {
	lat := c.lat + (r.Float64()-0.5)*0.006
	lon := c.lon + (r.Float64()-0.5)*0.007
	return fmt.Sprintf(`{"lat":%.6f,"lon":%.6f,"accuracy_m":%d}`, lat, lon, 5+r.IntN(30))
}
