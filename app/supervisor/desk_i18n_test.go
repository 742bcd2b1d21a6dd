package supervisor

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"doorstep/app/desk/conflict"
	"doorstep/app/desk/draw"
	"doorstep/app/desk/meeting"
	"doorstep/app/desk/report"
	"doorstep/app/desk/review"
	"doorstep/app/desk/sheet"
	"doorstep/app/kit"
	"doorstep/app/kit/kittest"
	"doorstep/schema"
	"doorstep/schema/rules"
)

// TestDeskKeysTranslated checks the message IDs the desk builds at run
// time (not literals the source scan sees) exist in both languages: kinds,
// states, refusal codes, field and table names, risk flags, and every
// header, name and code cell of every export.
func TestDeskKeysTranslated(t *testing.T) {
	keys := map[string]bool{}
	for _, k := range review.Kinds {
		keys["desk.kind."+string(k)] = true
	}
	for _, s := range review.States {
		keys["desk.state."+string(s)] = true
	}
	for _, s := range []string{review.SectionHousehold, review.SectionMembers, review.SectionIncomes, review.SectionAssets} {
		keys["desk.section."+s] = true
	}
	for _, r := range append([]string{draw.RiskStaffRelative}, draw.Risks...) {
		keys["desk.risk."+r] = true
	}
	for _, m := range []string{draw.MethodRandom, draw.MethodTargeted} {
		keys["desk.draw.method."+m] = true
	}
	for _, g := range []string{"1", "2", "3"} {
		keys["desk.care_group."+g] = true
	}
	for _, tb := range schema.Reg.Tables() {
		keys["desk.table."+tb.Name] = true
		for _, c := range tb.ColumnNames() {
			keys["desk.field."+c] = true
		}
	}
	// Every refusal code in app/desk (desk.Invalid("code", …)).
	invalid := regexp.MustCompile(`Invalid\("([a-z_]+)"`)
	err := filepath.WalkDir("../desk", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, err := os.ReadFile(p)
		for _, m := range invalid.FindAllSubmatch(b, -1) {
			keys["desk.err."+string(m[1])] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Every export, with one row of each code a cell may hold.
	var sheets []sheet.Sheet
	r := report.Report{Dibao: report.Dibao{CancelReasons: []report.Count{{Code: schema.CancelReasons[0], N: 1}}},
		Elders:     report.Elders{ByGroup: []report.Count{{Code: "1", N: 1}}},
		Volunteers: report.Volunteers{ByMode: []report.Mode{{Code: schema.PairingModes[0]}}},
		Activities: report.Activities{ByKind: []report.Activity{{Code: schema.ActivityKinds[0]}},
			ByTheme: []report.Activity{{Code: schema.ActivityThemes[0]}}}}
	sheets = append(sheets, r.Sheets()...)
	sheets = append(sheets, meeting.NoticeSheet([]meeting.Notice{{Decision: meeting.Decision{Outcome: meeting.DecideApprove}}}),
		meeting.CasesSheet([]meeting.Case{{Purpose: schema.VisitPurposes[0], Suggested: meeting.DecideRefuse}}),
		draw.ResultsSheet([]draw.Result{{Risks: []string{draw.RiskShortVisit}, Outcome: "stop"}}, time.UTC),
		conflict.Sheet([]conflict.Conflict{{Column: "address"}}, time.UTC),
		draw.BatchesSheet([]draw.Batch{{Method: draw.MethodRandom}}, time.UTC))
	x := &reviewScreen{items: []review.Item{{Kind: review.MeansVisit, State: review.Pending}}}
	sheets = append(sheets, x.sheets()...)
	for _, s := range sheets {
		keys[s.Name] = true
		for _, c := range s.Columns {
			keys[c] = true
		}
		for _, row := range s.Rows {
			for _, v := range row {
				switch c := v.(type) {
				case sheet.Code:
					if c != "" {
						keys[string(c)] = true
					}
				case sheet.Msg:
					keys[c.Key] = true
				case sheet.Msgs:
					for _, m := range c {
						keys[m.Key] = true
					}
				}
			}
		}
	}
	for _, code := range kit.Languages() {
		have := kittest.MessageIDs(t, code)
		for k := range keys {
			if _, ok := have[k]; !ok {
				if strings.HasPrefix(k, "barthel.") && rules.Code(k).Text(code) != k {
					continue
				}
				t.Errorf("%s.json lacks %q", code, k)
			}
		}
	}
}
