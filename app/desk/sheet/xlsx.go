package sheet

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// numFmtMoney is excelize's built-in number format 2, "0.00".
const numFmtMoney = 2

// WriteXLSX writes the sheets as one workbook, a tab each, header row
// bold and frozen. Numbers stay numbers (money as yuan, format 0.00), so
// Excel can sum them.
func WriteXLSX(w io.Writer, sheets []Sheet, tr Translate) error {
	if len(sheets) == 0 {
		return fmt.Errorf("write xlsx: no sheets")
	}
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("write xlsx: header style: %w", err)
	}
	money, err := f.NewStyle(&excelize.Style{NumFmt: numFmtMoney})
	if err != nil {
		return fmt.Errorf("write xlsx: money style: %w", err)
	}
	used := map[string]bool{}
	for i, s := range sheets {
		name := tabName(tr(s.Name), i, used)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return fmt.Errorf("write xlsx: name %s: %w", name, err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("write xlsx: add %s: %w", name, err)
		}
		if err := writeTab(f, name, s, tr, bold, money); err != nil {
			return fmt.Errorf("write xlsx %s: %w", s.Name, err)
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

func writeTab(f *excelize.File, name string, s Sheet, tr Translate, bold, money int) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	header := s.Header(tr)
	for i, h := range header {
		width := float64(max(10, utf8.RuneCountInString(h)*2+2))
		if err := sw.SetColWidth(i+1, i+1, min(width, 48)); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	for r, row := range s.Rows {
		cells := make([]any, len(row))
		for i, v := range row {
			cells[i] = cell(v, tr, money)
		}
		ref, err := excelize.CoordinatesToCellName(1, r+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(ref, cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// cell converts a sheet value to what excelize stores.
func cell(v any, tr Translate, money int) any {
	switch x := v.(type) {
	case Money:
		return excelize.Cell{StyleID: money, Value: float64(x) / 100}
	case int, int64:
		return x
	case float64:
		return excelize.Cell{StyleID: money, Value: x}
	case nil:
		return nil
	}
	return Text(v, tr)
}

// tabName makes a valid, unique worksheet name: at most 31 characters,
// none of : \ / ? * [ ].
func tabName(name string, i int, used map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	if name == "" {
		name = fmt.Sprintf("Sheet%d", i+1)
	}
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	base := name
	for n := 2; used[name]; n++ {
		suffix := fmt.Sprintf(" (%d)", n)
		r := []rune(base)
		if len(r)+len(suffix) > 31 {
			r = r[:31-len(suffix)]
		}
		name = string(r) + suffix
	}
	used[name] = true
	return name
}
