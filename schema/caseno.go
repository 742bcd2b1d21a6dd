package schema

import (
	"fmt"
	"strconv"
	"strings"
)

// A 低保 case number (证号) is given to a household when it is approved:
// the district's six-digit administrative code, the year of approval and
// a five-digit sequence within that district and year,
// "410802-2025-00012". The supervisor desk that approves allocates the
// sequence (app/desk/review); clashes between desks that approved offline
// at the same time are detected after sync (app/records) and settled by
// renumbering the later approval.

// CaseNumber formats a case number.
func CaseNumber(districtCode string, year, seq int) string {
	return fmt.Sprintf("%s-%04d-%05d", districtCode, year, seq)
}

// ParseCaseNumber splits a case number; ok is false when s is not one.
func ParseCaseNumber(s string) (districtCode string, year, seq int, ok bool) {
	parts := strings.Split(s, "-")
	if len(parts) != 3 || len(parts[0]) != 6 || len(parts[1]) != 4 || len(parts[2]) != 5 {
		return "", 0, 0, false
	}
	y, err1 := strconv.Atoi(parts[1])
	n, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || n < 1 {
		return "", 0, 0, false
	}
	return parts[0], y, n, true
}
