// Package rules holds Doorstep's domain rules as pure functions: ID-number
// checks, 低保 means test and benefit, re-check dates, Barthel and GB/T 42195
// ability assessment, and elderly-care groups.
//
// Thresholds come from a district.Config and reference dates are passed in;
// nothing here reads the clock, the disk or the network. Results the user sees
// (failure reasons, grades, levels, errors) carry a stable Code and render in
// zh-CN and en through Message.Text. The rules recommend; people decide.
package rules

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Code is a stable identifier for a message, grade or level, e.g.
// "dibao.income_not_below_standard". Codes are stored and synced; never
// rename one, add a new one instead.
type Code string

// Text returns the code's wording in lang without arguments; use it for
// grades, levels and labels. See Message.Text for lang.
func (c Code) Text(lang string) string { return Message{Code: c}.Text(lang) }

// Arg is one argument of a Message: either a literal (numbers, money, item
// values, already language-neutral) or a Term, a Code rendered in the
// message's language (e.g. an item name).
type Arg struct {
	Lit  string `json:"lit,omitempty"`  // a literal, used as is
	Term Code   `json:"term,omitempty"` // a code, rendered in the message's language
}

// Message is a Code with its arguments. It is plain data, so it can be stored
// (e.g. as JSON in a visit's reasons) and rendered later in any language.
type Message struct {
	Code Code  `json:"code"`           // what the message says
	Args []Arg `json:"args,omitempty"` // the values filled into its wording, in order
}

// Text renders m in lang: "en" or any "en-…"/"en_…" tag gives English,
// anything else (including "") gives zh-CN. An unknown code renders as the
// code itself followed by its arguments, so nothing is silently lost.
func (m Message) Text(lang string) string {
	en := isEnglish(lang)
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		if a.Term != "" {
			args[i] = a.Term.Text(lang)
		} else {
			args[i] = a.Lit
		}
	}
	e, ok := catalog[m.Code]
	if !ok {
		if len(args) == 0 {
			return string(m.Code)
		}
		return fmt.Sprintf("%s %v", m.Code, args)
	}
	format := e.zh
	if en {
		format = e.en
	}
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// String renders m in zh-CN.
func (m Message) String() string { return m.Text("") }

func isEnglish(lang string) bool {
	l := strings.ToLower(lang)
	return l == "en" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_")
}

func lit(s string) Arg             { return Arg{Lit: s} }
func litInt(n int) Arg             { return Arg{Lit: strconv.Itoa(n)} }
func yuan(fen int64) Arg           { return Arg{Lit: FormatYuan(fen)} }
func term(c Code) Arg              { return Arg{Term: c} }
func msg(c Code, a ...Arg) Message { return Message{Code: c, Args: a} }

// FormatYuan formats fen as yuan with exactly two decimals and no currency
// sign or thousands separator: 21000 → "210.00", -5 → "-0.05". Messages add
// "元" (zh-CN) or "¥" (en) around it.
func FormatYuan(fen int64) string {
	neg := fen < 0
	u := uint64(fen)
	if neg {
		u = -u // two's complement: correct for math.MinInt64 too
	}
	s := strconv.FormatUint(u/100, 10) + "." + fmt.Sprintf("%02d", u%100)
	if neg {
		return "-" + s
	}
	return s
}

// formatArea formats square metres with at most two decimals: 40 → "40",
// 45.333 → "45.33".
func formatArea(m2 float64) string {
	s := strconv.FormatFloat(m2, 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// Error is an input error found by a rule. Msg says what is wrong in zh-CN
// and en; errors.Is(err, ErrX) matches the sentinel it wraps.
type Error struct {
	// Sentinel is one of the package's Err… values.
	Sentinel error
	// Msg is the user-facing explanation.
	Msg Message
}

// Error returns the English text of Msg.
func (e *Error) Error() string { return "rules: " + e.Msg.Text("en") }

// Unwrap returns the sentinel.
func (e *Error) Unwrap() error { return e.Sentinel }

// MessageOf returns the user-facing Message of a rules error, and false for
// any other error.
func MessageOf(err error) (Message, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg, true
	}
	return Message{}, false
}

func newError(sentinel error, c Code, a ...Arg) *Error {
	return &Error{Sentinel: sentinel, Msg: msg(c, a...)}
}
