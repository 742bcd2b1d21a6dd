package forms

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"doorstep/schema/rules"
)

// DateLayout is how dates are typed and stored ("2006-01-02").
const DateLayout = "2006-01-02"

// TimeLayout is how times of day are typed ("15:04").
const TimeLayout = "15:04"

var errNumber = errors.New("not a number")

// ParseYuan reads an amount of money typed in yuan ("1200", "1,200.5",
// "1200.50元", "¥80") and returns it in fen. Blank is 0 with ok false;
// a negative amount or more than two decimals is an error.
func ParseYuan(s string) (fen int64, present bool, err error) {
	s = strings.TrimSpace(s)
	for _, cut := range []string{",", "，", "元", "¥", "￥", " "} {
		s = strings.ReplaceAll(s, cut, "")
	}
	s = HalfWidth(s)
	if s == "" {
		return 0, false, nil
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" && !hasFrac || len(frac) > 2 || strings.HasPrefix(whole, "-") || strings.HasPrefix(whole, "+") {
		return 0, true, errNumber
	}
	var y int64
	if whole != "" {
		y, err = strconv.ParseInt(whole, 10, 64)
		if err != nil || y > math.MaxInt64/100-1 {
			return 0, true, errNumber
		}
	}
	var f int64
	if frac != "" {
		f, err = strconv.ParseInt(frac, 10, 64)
		if err != nil || f < 0 {
			return 0, true, errNumber
		}
		if len(frac) == 1 {
			f *= 10
		}
	}
	return y*100 + f, true, nil
}

// FormatYuan shows fen as yuan for an entry: "1200", "1200.5", "1200.05".
func FormatYuan(fen int64) string {
	s := rules.FormatYuan(fen)
	s = strings.TrimSuffix(s, ".00")
	if strings.Contains(s, ".") {
		s = strings.TrimSuffix(s, "0")
	}
	return s
}

// ParseArea reads a floor area in square metres ("48", "48.5"). Blank is 0
// with ok false.
func ParseArea(s string) (m2 float64, present bool, err error) {
	s = strings.TrimSpace(HalfWidth(strings.TrimSuffix(strings.TrimSpace(s), "㎡")))
	if s == "" {
		return 0, false, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, true, errNumber
	}
	return v, true, nil
}

// FormatArea shows an area for an entry, without trailing zeros.
func FormatArea(m2 float64) string {
	if m2 == 0 {
		return ""
	}
	return strconv.FormatFloat(m2, 'f', -1, 64)
}

// ParseDate reads a date typed as 2006-01-02 (also 2006/01/02 and
// 2006.1.2) as midnight UTC, the way dates are stored.
func ParseDate(s string) (time.Time, bool) {
	s = HalfWidth(strings.TrimSpace(s))
	s = strings.NewReplacer("/", "-", ".", "-").Replace(s)
	for _, layout := range []string{DateLayout, "2006-1-2"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// ParseClock reads a time of day typed as 15:04 (also 15：04, 9:5).
func ParseClock(s string) (hour, minute int, ok bool) {
	s = strings.ReplaceAll(HalfWidth(strings.TrimSpace(s)), "：", ":")
	t, err := time.Parse("15:4", s)
	if err != nil {
		return 0, 0, false
	}
	return t.Hour(), t.Minute(), true
}

// HalfWidth turns full-width digits and punctuation, which Chinese input
// methods produce, into ASCII.
func HalfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '～' {
			return r - '０' + '0'
		}
		return r
	}, s)
}

// boolInt is the INTEGER 0/1 of a boolean column.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
