package roll

import (
	"bytes"
	"context"
	"encoding/csv"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"doorstep/app/desk"
	"doorstep/app/desk/history"
	"doorstep/app/desk/internal/testdb"
	"doorstep/app/desk/sheet"
	"doorstep/schema/rules"
)

var ctx = context.Background()

// day and isCode: testdb.Day, testdb.IsCode.
var day, isCode = testdb.Day, testdb.IsCode

// appendPeriod records a decision in its own transaction.
func appendPeriod(t *testing.T, o *desk.Office, d history.Decision) {
	t.Helper()
	tx, err := o.DB.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck
	if _, err := history.Append(ctx, tx, o, d, nil); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// totals returns the total of each line, as "household kind month total".
func lines(r Roll) []string {
	var out []string
	for _, l := range r.Lines {
		out = append(out, l.HouseholdID+" "+l.Kind+" "+l.ForMonth.Format("2006-01")+" "+strconv.FormatInt(l.TotalFen(), 10))
	}
	return out
}

// fixture: street s1; hA (c1, 张大) approved 10 January 2025 at 300.00 +
// 20.00 top-up for 2 people, paid to an account; hB (c2, 李二) approved 1
// December 2024 at 200.00 for 1 person. Price subsidy 15.00 a person.
func fixture(t *testing.T) (*desk.Office, *testdb.Clock) {
	db := testdb.Open(t)
	testdb.Org(t, db)
	testdb.Insert(t, db,
		testdb.Row{Table: "households", ID: "hA", Values: map[string]any{"community_id": "c1", "head_name": "张大", "status": "applicant"}},
		testdb.Row{Table: "households", ID: "hB", Values: map[string]any{"community_id": "c2", "head_name": "李二", "status": "applicant"}},
		testdb.Row{Table: "members", ID: "mA", Values: map[string]any{"household_id": "hA", "community_id": "c1", "relationship": "self", "id_number": "410802196001011234"}},
		testdb.Row{Table: "payee_accounts", ID: "pA", Values: map[string]any{"household_id": "hA", "community_id": "c1",
			"holder_name": "张大", "holder_id_number": "410802196001011234", "bank": "中国农业银行焦作解放支行", "account": "6228480012345678901", "since": "2025-01-10"}},
	)
	o, clock := testdb.Office(db, "sup", time.Date(2025, 1, 20, 2, 0, 0, 0, time.UTC))
	o.Street = "s1"
	appendPeriod(t, o, history.Decision{HouseholdID: "hA", Kind: rules.KindApprove, DecidedOn: day("2025-01-10"), From: day("2025-01-10"),
		Status: rules.EntitlementActive, BaseFen: 30000, TopUpFen: 2000, Covered: 2})
	appendPeriod(t, o, history.Decision{HouseholdID: "hB", Kind: rules.KindApprove, DecidedOn: day("2024-12-01"), From: day("2024-12-01"),
		Status: rules.EntitlementActive, BaseFen: 20000, Covered: 1})
	return o, clock
}

// TestRollsCloseAndSettle walks four months: closing January and
// February, a correction of hA back to 10 January settled as back pay on
// March's roll, hB suspended from 15 March (paid for March, not April),
// and a late cancellation of hB from 10 February recovered on April's roll.
func TestRollsCloseAndSettle(t *testing.T) {
	o, clock := fixture(t)
	jan, err := Close(ctx, o, "", day("2025-01-01"), "")
	if err != nil {
		t.Fatal(err)
	}
	// January pays the period in force on 31 December: hB only.
	if got, want := lines(jan), []string{"hB regular 2025-01 21500"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("January %v, want %v", got, want)
	}
	if _, err := Close(ctx, o, "", day("2025-01-01"), ""); !isCode(err, "roll_closed") {
		t.Fatalf("close January twice: %v", err)
	}
	if _, err := Close(ctx, o, "", day("2025-02-01"), ""); !isCode(err, "roll_future") {
		t.Fatalf("close February in January: %v", err)
	}
	clock.T = time.Date(2025, 3, 3, 2, 0, 0, 0, time.UTC)
	if _, err := Close(ctx, o, "", day("2025-03-01"), ""); !isCode(err, "roll_order") {
		t.Fatalf("close March before February: %v", err)
	}
	feb, err := Close(ctx, o, "", day("2025-02-01"), "二月")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := lines(feb), []string{"hA regular 2025-02 35000", "hB regular 2025-02 21500"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("February %v, want %v", got, want)
	}
	// A correction decided on 3 March: hA's base was 330.00 from 10 January.
	if _, err := history.Correct(ctx, o, "hA", day("2025-01-10"), time.Time{}, 33000, 2000, 2, "工资收入核定有误"); err != nil {
		t.Fatal(err)
	}
	clock.T = time.Date(2025, 3, 20, 2, 0, 0, 0, time.UTC)
	if _, err := history.Suspend(ctx, o, "hB", day("2025-03-15"), "absent_at_spot_check", "抽查未见本人"); err != nil {
		t.Fatal(err)
	}
	mar, err := View(ctx, o, "", day("2025-03-01"))
	if err != nil {
		t.Fatal(err)
	}
	// March: hA at 330 + 20 + 30 subsidy, 30.00 back pay for February;
	// hB still paid (suspended after 28 February).
	want := []string{"hA regular 2025-03 38000", "hA back_pay 2025-02 3000", "hB regular 2025-03 21500"}
	if got := lines(mar); !reflect.DeepEqual(got, want) || mar.Closed {
		t.Fatalf("March %v, want %v", got, want)
	}
	if tt := mar.Totals(); tt.Households != 2 || tt.People != 3 || tt.TotalFen != 62500 || tt.BackPayFen != 3000 ||
		tt.BaseFen != 53000 || tt.TopUpFen != 2000 || tt.SubsidyFen != 4500 {
		t.Fatalf("March totals %+v", tt)
	}
	// A closed roll never changes.
	again, err := View(ctx, o, "", day("2025-02-01"))
	if err != nil {
		t.Fatal(err)
	}
	if !again.Closed || !reflect.DeepEqual(lines(again), lines(feb)) || again.Totals().TotalFen != 56500 || again.Note != "二月" {
		t.Fatalf("closed February changed: %v %+v", lines(again), again.Totals())
	}
	if _, err := Close(ctx, o, "", day("2025-03-01"), ""); err != nil {
		t.Fatal(err)
	}
	// The back pay is settled once: April holds no adjustment for February.
	clock.T = time.Date(2025, 4, 5, 2, 0, 0, 0, time.UTC)
	apr, _ := View(ctx, o, "", day("2025-04-01"))
	if got, want := lines(apr), []string{"hA regular 2025-04 38000"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("April %v, want %v", got, want)
	}
	// A late cancellation of hB from 10 February (decided 5 April):
	// March's 215.00 is recovered on April's roll; February stays paid
	// (it paid the period in force on 31 January).
	appendPeriod(t, o, history.Decision{HouseholdID: "hB", Kind: rules.KindCancel, From: day("2025-02-10"),
		Status: rules.EntitlementCancelled, Reason: "moved_away"})
	apr, _ = View(ctx, o, "", day("2025-04-01"))
	want = []string{"hA regular 2025-04 38000", "hB recovery 2025-03 -21500"}
	if got := lines(apr); !reflect.DeepEqual(got, want) {
		t.Fatalf("April after the cancellation %v, want %v", got, want)
	}
	if tt := apr.Totals(); tt.TotalFen != 16500 || tt.RecoveryFen != -21500 || tt.Households != 1 {
		t.Fatalf("April totals %+v", tt)
	}
	ms, err := Months(ctx, o, "s1")
	if err != nil || len(ms) != 4 || !ms[0].Next || !ms[0].Month.Equal(day("2025-04-01")) || !ms[3].Closed {
		t.Fatalf("months %+v %v", ms, err)
	}
	o.Street = ""
	if _, err := View(ctx, o, "", day("2025-04-01")); !isCode(err, "street") {
		t.Fatalf("a district office viewing no street: %v", err)
	}
	if _, err := Close(ctx, o, "", day("2025-04-01"), ""); !isCode(err, "street") {
		t.Fatalf("a district office closing no street: %v", err)
	}
	t.Run("ExportReadsBack", func(t *testing.T) { exportReadsBack(t, mar) })
	t.Run("ExportRecovery", func(t *testing.T) { exportReadsBack(t, apr) })
}

// exportReadsBack writes the roll as XLSX and CSV, reads both back and
// checks every payee row and the totals against the roll itself.
func exportReadsBack(t *testing.T, r Roll) {
	s := r.Sheet()
	var xb, cb bytes.Buffer
	if err := sheet.WriteXLSX(&xb, []sheet.Sheet{s}, sheet.Identity); err != nil {
		t.Fatal(err)
	}
	if err := sheet.WriteCSV(&cb, s, sheet.Identity); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&xb)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	xrows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	text, ok := strings.CutPrefix(cb.String(), "\uFEFF")
	if !ok {
		t.Fatal("csv has no BOM")
	}
	crows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for name, rows := range map[string][][]string{"xlsx": xrows, "csv": crows} {
		if !reflect.DeepEqual(rows[0], SheetColumns) {
			t.Fatalf("%s header %q", name, rows[0])
		}
		payees := r.Payees()
		var sum int64
		var seen int
		for _, row := range rows[1:] {
			row = append(row, make([]string, len(SheetColumns)-len(row))...)
			if row[0] == "" { // a subtotal or total row
				continue
			}
			p := payees[seen]
			seen++
			got := []string{row[0], row[2], row[3], row[5], row[6], row[7], row[8], row[9], row[10], row[11], row[12], row[13]}
			want := []string{strconv.Itoa(p.Seq), p.Head, p.IDNumber, p.Account, strconv.Itoa(p.Covered), sheet.Yuan(p.BaseFen),
				sheet.Yuan(p.TopUpFen), sheet.Yuan(p.SubsidyFen), sheet.Yuan(p.BackPayFen), sheet.Yuan(p.RecoveryFen),
				sheet.Yuan(p.TotalFen()), strings.Join(p.Months, " ")}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s payee row %q, want %q", name, got, want)
			}
			fen, err := strconv.ParseFloat(row[12], 64)
			if err != nil {
				t.Fatal(err)
			}
			sum += int64(fen*100 + 0.5*sign(fen))
		}
		if seen != len(payees) {
			t.Fatalf("%s: %d payee rows, roll has %d", name, seen, len(payees))
		}
		last := rows[len(rows)-1]
		if last[2] != "desk.roll.total" || last[12] != sheet.Yuan(r.Totals().TotalFen) || sum != r.Totals().TotalFen {
			t.Fatalf("%s total row %q; payee rows add up to %d, roll %d", name, last, sum, r.Totals().TotalFen)
		}
		subtotals := 0
		for _, row := range rows[1:] {
			if len(row) > 2 && row[2] == "desk.roll.subtotal" {
				subtotals++
			}
		}
		if subtotals != len(r.ByCommunity()) {
			t.Fatalf("%s: %d subtotal rows for %d communities", name, subtotals, len(r.ByCommunity()))
		}
	}
}

func sign(f float64) float64 {
	if f < 0 {
		return -1
	}
	return 1
}
