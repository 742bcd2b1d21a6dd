// Package sheet is a table of figures or records ready for export: one
// header and rows of typed cells, written as XLSX (excelize) or CSV.
//
// Headers and code cells hold translation keys; the writer takes the
// translation function, so the desk's packages stay free of Fyne.
package sheet

import (
	"fmt"
	"strconv"
	"strings"
)

// Sheet is one table. Name and Columns are translation keys; Rows hold
// cells of the types Value accepts.
type Sheet struct {
	// Name names the table (an XLSX tab, a file name); a translation key.
	Name string
	// Columns are the header's translation keys.
	Columns []string
	// Rows are the data; each row has at most len(Columns) cells.
	Rows [][]any
}

// Money is an amount in fen, written as yuan with two decimals.
type Money int64

// Code is a translation key written in the reader's language (a status,
// a grade, a pairing mode).
type Code string

// Msg is a translated message with template data, e.g. a discrepancy
// "income 520.00 yuan, approved 480.00".
type Msg struct {
	Key  string
	Args map[string]any
}

// Msgs is a list of messages written in one cell, separated by "; ".
type Msgs []Msg

// Translate maps a translation key (and optional template data) to the
// text in the user's language; fyne's lang.L has this signature.
type Translate func(key string, data ...any) string

// Identity is a Translate that returns keys unchanged (for tests and
// machine-readable exports).
func Identity(key string, _ ...any) string { return key }

// Yuan formats fen as yuan with two decimals ("739000.00", "-0.05").
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// Text renders a cell as the CSV writer writes it and as the XLSX
// reader reads it back.
func Text(v any, tr Translate) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case Code:
		if x == "" {
			return ""
		}
		return tr(string(x))
	case Msg:
		if x.Args == nil {
			return tr(x.Key)
		}
		return tr(x.Key, x.Args)
	case Msgs:
		parts := make([]string, len(x))
		for i, m := range x {
			parts[i] = Text(m, tr)
		}
		return strings.Join(parts, "; ")
	case []string:
		return strings.Join(x, ", ")
	case Money:
		return Yuan(int64(x))
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', 2, 64)
	case bool:
		if x {
			return tr("common.yes")
		}
		return tr("common.no")
	}
	return fmt.Sprint(v)
}

// Header returns the translated column names.
func (s Sheet) Header(tr Translate) []string {
	out := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		out[i] = tr(c)
	}
	return out
}

// Strings returns every row as text, as CSV and XLSX readers see it.
func (s Sheet) Strings(tr Translate) [][]string {
	out := make([][]string, len(s.Rows))
	for i, row := range s.Rows {
		out[i] = make([]string, len(row))
		for j, v := range row {
			out[i][j] = Text(v, tr)
		}
	}
	return out
}
