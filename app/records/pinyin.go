package records

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// maxReadings caps how many pinyin spellings one name contributes when its
// characters have several readings (多音字, e.g. 曾 zeng/ceng, 单 shan/dan).
const maxReadings = 8

var pinyinArgs = pinyin.Args{Style: pinyin.Normal, Heteronym: true}

// PinyinKeys returns the spellings Chinese users type for name: the full
// pinyin without tones ("zhangsan") and the initials ("zs"), one pair per
// combination of readings, at most maxReadings. A run of Latin letters or
// digits counts as one syllable ("Li Na" gives "lina" and "ln"); separators
// such as "·" are dropped.
func PinyinKeys(name string) (full, initials []string) {
	combos := [][]string{{}}
	add := func(syl []string) {
		next := make([][]string, 0, len(combos)*len(syl))
		for _, c := range combos {
			for _, s := range syl {
				if len(next) == maxReadings {
					break
				}
				next = append(next, append(c[:len(c):len(c)], s))
			}
		}
		combos = next
	}
	var word []rune // a run of Latin letters or digits is one syllable
	flush := func() {
		if len(word) > 0 {
			add([]string{strings.ToLower(string(word))})
			word = word[:0]
		}
	}
	for _, r := range name {
		switch {
		case unicode.Is(unicode.Han, r):
			flush()
			if syl := pinyin.SinglePinyin(r, pinyinArgs); len(syl) > 0 {
				add(syl)
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			word = append(word, r)
		default:
			flush()
		}
	}
	flush()
	seenF, seenI := map[string]bool{}, map[string]bool{}
	for _, c := range combos {
		if len(c) == 0 {
			continue
		}
		var f, i strings.Builder
		for _, s := range c {
			f.WriteString(s)
			i.WriteByte(s[0])
		}
		if !seenF[f.String()] {
			seenF[f.String()] = true
			full = append(full, f.String())
		}
		if !seenI[i.String()] {
			seenI[i.String()] = true
			initials = append(initials, i.String())
		}
	}
	return full, initials
}

// pinyinSortKey returns name spelled syllable by syllable with spaces
// ("chen jie"), so that names sort as pinyin dictionaries order them
// ("chen jie" before "cheng feng").
func pinyinSortKey(name string) string {
	return strings.Join(pinyin.LazyPinyin(name, pinyin.Args{Style: pinyin.Normal}), " ")
}
