package kit

import (
	"strings"

	"doorstep/app/records"
)

// MatchesName reports whether query (any case) is in name as written, in
// its full pinyin or initials, or in one of the other texts. It is for
// short lists; the household list uses records.Index.
func MatchesName(query, name string, others ...string) bool {
	q := strings.ToLower(strings.TrimSpace(query))
	if q == "" || strings.Contains(name, q) {
		return true
	}
	full, initials := records.PinyinKeys(name)
	for _, k := range append(full, initials...) {
		if strings.Contains(k, q) {
			return true
		}
	}
	for _, o := range others {
		if strings.Contains(strings.ToLower(o), q) {
			return true
		}
	}
	return false
}
