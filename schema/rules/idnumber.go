package rules

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors of ParseID. The returned error is an *Error wrapping one of
// them, with a bilingual Message.
var (
	// ErrIDLength: the number is not 18 characters long.
	ErrIDLength = errors.New("ID number must be 18 characters")
	// ErrIDChars: the first 17 characters are not all digits, or the last is
	// not a digit or X.
	ErrIDChars = errors.New("ID number has invalid characters")
	// ErrIDChecksum: the check character does not match the first 17 digits.
	ErrIDChecksum = errors.New("ID number check character does not match")
	// ErrIDBirthDate: digits 7–14 are not a real date, are before 1900, or are
	// after the reference date.
	ErrIDBirthDate = errors.New("ID number birth date is invalid")
)

// Message codes of ParseID errors.
const (
	CodeIDLength    Code = "id.length"
	CodeIDChars     Code = "id.chars"
	CodeIDChecksum  Code = "id.checksum"
	CodeIDBirthDate Code = "id.birth_date"
)

// Sex is a person's sex as encoded in an ID number.
type Sex string

// The sexes; the values match the members.sex column.
const (
	SexMale   Sex = "male"
	SexFemale Sex = "female"
)

// IDInfo is what an 18-digit resident ID number (GB 11643-1999) encodes.
type IDInfo struct {
	// Number is the normalised number: trimmed, with an upper-case X.
	Number string
	// Region is the 6-digit administrative division code of first registration.
	Region string
	// Birth is the birth date at midnight UTC.
	Birth time.Time
	// Sequence is the 3-digit order code (digits 15–17).
	Sequence int
	// Sex is male when digit 17 is odd, female when even.
	Sex Sex
	// Age is the age in whole years on the reference date (see Age).
	Age int
}

var (
	idWeights     = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	idCheckDigits = "10X98765432"
	minBirth      = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
)

// idCheckChar returns the ISO 7064 MOD 11-2 check character for 17 digits.
func idCheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheckDigits[sum%11]
}

// ParseID validates an 18-character resident ID number and decodes it. ref is
// the reference date: the birth date may not be after it, and Age is computed
// on it. Surrounding spaces are ignored and a lower-case x is accepted.
//
// Checks run in this order and the first failure is returned: length
// (ErrIDLength), characters (ErrIDChars), checksum (ErrIDChecksum), birth date
// (ErrIDBirthDate). The checksum comes before the date because a mistyped
// digit is the likeliest cause of both. The region code is not checked
// against a table. Each error is an *Error; see MessageOf.
func ParseID(s string, ref time.Time) (IDInfo, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if n := utf8.RuneCountInString(s); n != 18 {
		return IDInfo{}, newError(ErrIDLength, CodeIDLength, litInt(n))
	}
	for i := 0; i < 18; i++ {
		c := s[i]
		if c >= '0' && c <= '9' || i == 17 && c == 'X' {
			continue
		}
		// 18 runes in a string whose byte i is not ASCII means a multi-byte
		// rune; report the position by rune.
		pos := utf8.RuneCountInString(s[:i]) + 1
		r, _ := utf8.DecodeRuneInString(s[i:])
		return IDInfo{}, newError(ErrIDChars, CodeIDChars, litInt(pos), lit(string(r)))
	}
	if want := idCheckChar(s); s[17] != want {
		return IDInfo{}, newError(ErrIDChecksum, CodeIDChecksum, lit(string(s[17])), lit(string(want)))
	}
	birth, ok := parseDate8(s[6:14])
	if !ok || birth.Before(minBirth) || birth.After(dateOf(ref)) {
		return IDInfo{}, newError(ErrIDBirthDate, CodeIDBirthDate, lit(s[6:14]))
	}
	seq := int(s[14]-'0')*100 + int(s[15]-'0')*10 + int(s[16]-'0')
	sex := SexFemale
	if (s[16]-'0')%2 == 1 {
		sex = SexMale
	}
	return IDInfo{
		Number:   s,
		Region:   s[:6],
		Birth:    birth,
		Sequence: seq,
		Sex:      sex,
		Age:      Age(birth, ref),
	}, nil
}

// parseDate8 parses YYYYMMDD (digits already checked) and rejects dates that
// do not exist, such as 19990229 or 20010431.
func parseDate8(s string) (time.Time, bool) {
	num := func(s string) int {
		n := 0
		for i := 0; i < len(s); i++ {
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	y, m, d := num(s[:4]), num(s[4:6]), num(s[6:8])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// MakeID builds a valid 18-character ID number from a 6-digit region code, a
// birth date (its calendar date in its own location) and a sequence 0–999;
// an odd sequence makes a male number, an even one a female number. It is
// for generating demo and test data. It panics if region is not 6 digits,
// seq is out of range or the year has more than 4 digits: programming errors.
func MakeID(region string, birth time.Time, seq int) string {
	if len(region) != 6 || strings.IndexFunc(region, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		panic(fmt.Sprintf("rules.MakeID: region must be 6 digits, got %q", region))
	}
	if seq < 0 || seq > 999 {
		panic(fmt.Sprintf("rules.MakeID: seq must be 0..999, got %d", seq))
	}
	y, m, d := birth.Date()
	if y < 0 || y > 9999 {
		panic(fmt.Sprintf("rules.MakeID: birth year must be 0..9999, got %d", y))
	}
	first17 := fmt.Sprintf("%s%04d%02d%02d%03d", region, y, int(m), d, seq)
	return first17 + string(idCheckChar(first17))
}
