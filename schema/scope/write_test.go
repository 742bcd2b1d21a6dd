package scope

import (
	"errors"
	"testing"

	"doorstep/schema"
)

// writeMatrix says, for every synced table, what happens when each of the
// roleUsers (W V S D A) writes a row inside their scope: '+' allowed, 'r'
// refused for the role (RefuseRole), 's' refused for the scope
// (RefuseScope). A table added to the registry must be added here.
var writeMatrix = map[string]string{
	"streets":            "rrs++",
	"communities":        "rrs++",
	"staff":              "rrs++",
	"households":         "+r++r",
	"members":            "+r++r",
	"incomes":            "+r++r",
	"assets":             "+r++r",
	"means_visits":       "+r++r",
	"spot_batches":       "rr+++",
	"spot_checks":        "+r++r",
	"elders":             "+r++r",
	"elder_screenings":   "+r++r",
	"volunteer_pairings": "+r++r",
	"volunteer_visits":   "++++r",
	"group_activities":   "+r++r",
	"review_events":      "rr+++",
	"approval_meetings":  "rr+++",
	"meeting_decisions":  "rr+++",
	"conflicts":          "+r++r",
	// benefit history, payroll, institutions, medical assistance
	"entitlements":            "rr+++",
	"payee_accounts":          "+r++r",
	"payout_rolls":            "rr+++",
	"payout_lines":            "rr+++",
	"care_institutions":       "rr+++",
	"institution_counts":      "rr+++",
	"institution_finances":    "rr+++",
	"institution_assessments": "rr+++",
	"medical_assistance":      "rr+++",
	// visit evidence: entries (here signed by someone else; only their
	// signer writes them, see TestEvidenceEntryWrite), verdicts written by
	// the server
	"evidence_entries":  "ssssr",
	"evidence_verdicts": "rrrrr",
	"audit_events":      "+r++r",
}

// outcome is the matrix letter of a CheckWrite result.
func outcome(t *testing.T, err error) byte {
	t.Helper()
	if err == nil {
		return '+'
	}
	var r *Refusal
	if !errors.As(err, &r) {
		t.Fatalf("CheckWrite returned %T %v, want *Refusal", err, err)
	}
	switch r.Kind {
	case RefuseRole:
		return 'r'
	case RefuseScope:
		return 's'
	}
	t.Fatalf("refusal of kind %v", r.Kind)
	return 0
}

// TestWriteMatrix checks the write rule for every role and every table: a
// new row inside the scope, a new row outside it, an edit inside it, and a
// row moved out of the scope and into it. Outside the user's scope only
// district-level users write; a move needs both places to be the user's.
func TestWriteMatrix(t *testing.T) {
	for _, tb := range schema.Reg.Tables() {
		want, ok := writeMatrix[tb.Name]
		if !ok {
			t.Errorf("table %s has no line in writeMatrix: say who writes it", tb.Name)
			continue
		}
		for i, u := range roleUsers {
			in := want[i]
			out := in
			if in == '+' && tb.Scope != schema.ScopeDistrict && !u.DistrictLevel() {
				out = 's'
			}
			inRow, outRow := sampleRow(tb, true), sampleRow(tb, false)
			cols := []string{tb.Columns[0].Name}
			t.Run(tb.Name+"/"+u.ID, func(t *testing.T) {
				cases := []struct {
					name string
					w    Write
					want byte
				}{
					{"NewInScope", Write{After: inRow, Columns: cols}, in},
					{"NewOutOfScope", Write{After: outRow, Columns: cols}, out},
					{"EditInScope", Write{Before: &inRow, After: inRow, Columns: cols}, in},
					{"EditOutOfScope", Write{Before: &outRow, After: outRow, Columns: cols}, out},
					{"MoveOut", Write{Before: &inRow, After: outRow, Columns: cols}, out},
					{"MoveIn", Write{Before: &outRow, After: inRow, Columns: cols}, out},
				}
				for _, c := range cases {
					if got := outcome(t, CheckWrite(u, tb, c.w)); got != c.want {
						t.Errorf("%s: got %q, want %q", c.name, got, c.want)
					}
				}
			})
		}
	}
	if len(writeMatrix) != len(schema.Reg.Tables()) {
		t.Errorf("writeMatrix has %d tables, the registry %d", len(writeMatrix), len(schema.Reg.Tables()))
	}
}

// TestWriteCases covers the write rules that depend on more than a row's
// community: spot-check inspectors and caseworkers, volunteers' pairings,
// rows about other rows.
func TestWriteCases(t *testing.T) {
	checkIn := func(community string, inspectors ...string) Row {
		return Row{ID: "s", Community: community, Caseworker: "cw", Inspectors: inspectors}
	}
	hiddenC1 := Row{ID: "s", Community: "c1", Caseworker: "cw", Unannounced: true, Inspectors: []string{"in"}}
	hiddenByCw := Row{ID: "s", Community: "c1", Caseworker: "cw", Unannounced: true, Inspectors: []string{"cw", "in"}}
	b9, b1 := checkIn("c9", "in"), checkIn("c1", "in")
	res := []string{"found", "outcome", "deadline", "checked_at"}
	tests := []struct {
		name  string
		user  *User
		table string
		w     Write
		want  byte
	}{
		// Issue 10, 1: a worker may not put a check into another community.
		{"WorkerNewCheckOtherCommunity", worker, "spot_checks",
			Write{After: checkIn("c9", "w1"), Columns: []string{"community_id", "household_id", "inspector_ids"}}, 's'},
		{"WorkerNewCheckOwnCommunity", worker, "spot_checks",
			Write{After: checkIn("c1", "w1"), Columns: []string{"community_id", "household_id", "inspector_ids"}}, '+'},
		{"InspectorRecordsResultElsewhere", inspector, "spot_checks", Write{Before: &b1, After: b1, Columns: res}, '+'},
		{"InspectorRecordsResultOfHiddenCheck", inspector, "spot_checks", Write{Before: &hiddenC1, After: hiddenC1, Columns: res}, '+'},
		{"InspectorEditsPlanElsewhere", inspector, "spot_checks",
			Write{Before: &b1, After: b1, Columns: []string{"found", "planned_on"}}, 's'},
		{"InspectorDeletesCheckElsewhere", inspector, "spot_checks",
			Write{Before: &b1, After: b1, Columns: []string{"deleted"}}, 's'},
		{"InspectorMovesCheckToOwnCommunity", inspector, "spot_checks",
			Write{Before: &b1, After: checkIn("c9", "in"), Columns: []string{"community_id"}}, 's'},
		{"InspectorMovesCheckOutOfOwnCommunity", inspector, "spot_checks",
			Write{Before: &b9, After: b1, Columns: []string{"community_id"}}, 's'},
		{"InspectorCreatesCheckElsewhere", inspector, "spot_checks", Write{After: b1, Columns: res}, 's'},
		{"InspectorRemovedFromCheck", inspector, "spot_checks",
			Write{Before: &b1, After: checkIn("c1", "x"), Columns: []string{"inspector_ids"}}, 's'},
		{"NonInspectorRecordsResultElsewhere", inspector, "spot_checks",
			Write{Before: ptr(checkIn("c1", "x")), After: checkIn("c1", "x"), Columns: res}, 's'},
		{"InspectorNoColumns", inspector, "spot_checks", Write{Before: &b1, After: b1}, 's'},
		{"InspectorOtherTable", inspector, "households",
			Write{Before: &Row{ID: "h", Community: "c1"}, After: Row{ID: "h", Community: "c1"}, Columns: []string{"found"}}, 's'},
		{"CaseworkerWritesHiddenCheck", caseworker, "spot_checks", Write{Before: &hiddenC1, After: hiddenC1, Columns: res}, 's'},
		{"CaseworkerMakesCheckHiddenFromSelf", caseworker, "spot_checks",
			Write{Before: ptr(checkIn("c1", "in")), After: hiddenC1, Columns: []string{"unannounced"}}, 's'},
		{"CaseworkerWhoInspectsWritesHiddenCheck", caseworker, "spot_checks", Write{Before: &hiddenByCw, After: hiddenByCw, Columns: res}, '+'},
		{"OtherWorkerWritesHiddenCheck", worker, "spot_checks", Write{Before: &hiddenC1, After: hiddenC1, Columns: res}, '+'},

		{"VolunteerVisitOwnPairing", volunteer, "volunteer_visits",
			Write{After: Row{ID: "v", Community: "c1", Pairing: "p1"}, Columns: []string{"feedback"}}, '+'},
		{"VolunteerVisitWrongCommunity", volunteer, "volunteer_visits",
			Write{After: Row{ID: "v", Community: "c5", Pairing: "p1"}, Columns: []string{"feedback"}}, 's'},
		{"VolunteerVisitMovedToOtherPairing", volunteer, "volunteer_visits",
			Write{Before: &Row{ID: "v", Community: "c1", Pairing: "p1"}, After: Row{ID: "v", Community: "c1", Pairing: "p2"}, Columns: []string{"pairing_id"}}, 's'},
		{"VolunteerVisitPairingWithoutCommunity", &User{ID: "v2", Role: schema.RoleVolunteer, Pairings: set("p1")}, "volunteer_visits",
			Write{After: Row{ID: "v", Community: "c1", Pairing: "p1"}, Columns: []string{"feedback"}}, 's'},
		{"WorkerVisitOfPairingInOwnCommunity", worker, "volunteer_visits",
			Write{After: Row{ID: "v", Community: "c2", Pairing: "p9"}, Columns: []string{"feedback"}}, '+'},

		{"ConflictOfHiddenCheck", caseworker, "conflicts",
			Write{After: Row{ID: "x", Community: "c1", SubjectTable: "spot_checks", SubjectID: "s", Subject: &hiddenC1}, Columns: []string{"resolved"}}, 's'},
		{"ConflictOfVisibleRow", caseworker, "conflicts",
			Write{After: Row{ID: "x", Community: "c1", SubjectTable: "households", SubjectID: "h", Subject: &Row{ID: "h", Community: "c1"}}, Columns: []string{"resolved"}}, '+'},
		{"ConflictOfMissingSubject", caseworker, "conflicts",
			Write{After: Row{ID: "x", Community: "c1", SubjectTable: "households", SubjectID: "h"}, Columns: []string{"resolved"}}, 's'},
		{"StreetSupervisorReviewElsewhere", streetSup, "review_events",
			Write{After: Row{ID: "r", Community: "c8"}, Columns: []string{"action"}}, 's'},
		{"NilUser", nil, "households", Write{After: Row{ID: "h", Community: "c1"}, Columns: []string{"address"}}, 'r'},
		{"UnknownRole", &User{ID: "g", Role: "guest"}, "households", Write{After: Row{ID: "h", Community: "c1"}}, 'r'},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := outcome(t, CheckWrite(tc.user, table(t, tc.table), tc.w)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestInspectorColumns: the inspectors' columns are spot-check columns
// that decide nobody's scope.
func TestInspectorColumns(t *testing.T) {
	sc := table(t, "spot_checks")
	cols := InspectorColumns("spot_checks")
	if len(cols) == 0 || InspectorColumns("households") != nil {
		t.Fatalf("InspectorColumns = %v", cols)
	}
	for _, c := range cols {
		if _, ok := sc.Column(c); !ok {
			t.Errorf("%s is not a spot_checks column", c)
		}
		if IsScopeColumn(sc, c) {
			t.Errorf("%s decides scope; inspectors may not write it", c)
		}
	}
}
