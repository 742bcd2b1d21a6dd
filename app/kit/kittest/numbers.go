package kittest

import (
	"regexp"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// numberWords are words of a label or placeholder that ask for a number:
// money, counts, scores, days, phone and ID numbers, in both languages.
var (
	numberWordsZh = []string{"（元）", "元）", "元，", "资产", "金额", "人数", "床位", "天数", "分值", "最高", "电话", "身份证", "号码", "倍数", "人次", "职工"}
	numberWordsEn = regexp.MustCompile(`(?i)\b(yuan|amount|assets|points|count|days|beds|residents|staff|score|max|phone|id number|pin|weight)\b`)
)

// scoreZh is a number of points or yuan ("0–10分").
var scoreZh = regexp.MustCompile(`[0-9]\s*[分元]`)

// numeral is an entry text that is a number (a pre-filled count or rate).
var numeral = regexp.MustCompile(`^-?[0-9][0-9,]*(\.[0-9]+)?$`)

// PlainNumberEntries returns the entries under o that ask for a number —
// their placeholder, their label on a form or their text says money, a
// count, a score, a phone or ID number — but are plain widget.Entry, which
// opens the full keyboard on a tablet instead of the number keyboard of
// kit.NumericEntry. Dates (a calendar beside them) and free text are not
// numbers.
func PlainNumberEntries(o fyne.CanvasObject) []*widget.Entry {
	var out []*widget.Entry
	labels := map[*widget.Entry]string{}
	Walk(o, func(o fyne.CanvasObject) {
		if f, ok := o.(*widget.Form); ok {
			for _, it := range f.Items {
				if e, ok := it.Widget.(*widget.Entry); ok {
					labels[e] = it.Text
				}
			}
		}
	})
	Walk(o, func(o fyne.CanvasObject) {
		e, ok := o.(*widget.Entry)
		if !ok || e.ActionItem != nil { // a date with its calendar
			return
		}
		if saysNumber(e.PlaceHolder) || saysNumber(labels[e]) || numeral.MatchString(strings.TrimSpace(e.Text)) {
			out = append(out, e)
		}
	})
	return out
}

// saysNumber reports whether text names a number.
func saysNumber(text string) bool {
	for _, w := range numberWordsZh {
		if strings.Contains(text, w) {
			return true
		}
	}
	return numberWordsEn.MatchString(text) || scoreZh.MatchString(text)
}
