package sheet

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func sample() Sheet {
	return Sheet{
		Name:    "report.dibao",
		Columns: []string{"col.community", "col.households", "col.payout", "col.hours", "col.mode"},
		Rows: [][]any{
			{"东社区", 12, Money(73_900_000), 1.5, Code("mode.one_to_one")},
			{"西社区, \"引号\"", int64(0), Money(-5), 0.25, Code("")},
			{"", nil, Money(0), 10.0, true},
		},
	}
}

// upper is a translation that shows it was applied.
func upper(k string, _ ...any) string { return strings.ToUpper(k) }

func TestCSVReadsBack(t *testing.T) {
	s := sample()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, s, upper); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("no UTF-8 BOM: % x", b[:3])
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := append([][]string{s.Header(upper)}, s.Strings(upper)...)
	// encoding/csv pads nothing: the short row stays short.
	if !reflect.DeepEqual(recs, want) {
		t.Fatalf("csv read back\n got %q\nwant %q", recs, want)
	}
	if recs[1][2] != "739000.00" || recs[2][2] != "-0.05" || recs[1][4] != "MODE.ONE_TO_ONE" {
		t.Fatalf("cells: %q", recs[1:])
	}
}

func TestXLSXReadsBack(t *testing.T) {
	s := sample()
	other := Sheet{Name: "report.dibao", Columns: []string{"a"}, Rows: [][]any{{"x"}}}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, []Sheet{s, other}, upper); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := f.GetSheetList()
	if want := []string{"REPORT.DIBAO", "REPORT.DIBAO (2)"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("tabs %q, want %q", names, want)
	}
	rows, err := f.GetRows(names[0])
	if err != nil {
		t.Fatal(err)
	}
	want := append([][]string{s.Header(upper)}, s.Strings(upper)...)
	// GetRows drops trailing empty cells and reads nil as "".
	want[2] = want[2][:4]
	want[3] = []string{"", "", "0.00", "10.00", "COMMON.YES"}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("xlsx read back\n got %q\nwant %q", rows, want)
	}
	v, err := f.GetCellValue(names[0], "C2", excelize.Options{RawCellValue: true})
	if err != nil || v != "739000" {
		t.Fatalf("money stays a number: raw C2 = %q, %v", v, err)
	}
}

func TestTabName(t *testing.T) {
	used := map[string]bool{}
	long := strings.Repeat("低", 40)
	if got := tabName(long, 0, used); len([]rune(got)) != 31 {
		t.Fatalf("long name: %q", got)
	}
	if got := tabName(long, 1, used); len([]rune(got)) != 31 || !strings.HasSuffix(got, " (2)") {
		t.Fatalf("duplicate long name: %q", got)
	}
	if got := tabName("a/b:c", 2, used); got != "a_b_c" {
		t.Fatalf("bad characters: %q", got)
	}
	if got := tabName(" ", 3, used); got != "Sheet4" {
		t.Fatalf("empty: %q", got)
	}
}
