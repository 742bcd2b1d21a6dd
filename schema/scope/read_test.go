package scope

import (
	"testing"

	"doorstep/schema"
)

func table(t *testing.T, name string) *schema.Table {
	t.Helper()
	tb, ok := schema.Reg.Table(name)
	if !ok {
		t.Fatalf("no table %s", name)
	}
	return tb
}

func set(xs ...string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

var (
	worker     = &User{ID: "w1", Role: schema.RoleWorker, Communities: set("c1", "c2")}
	caseworker = &User{ID: "cw", Role: schema.RoleWorker, Communities: set("c1")}
	inspector  = &User{ID: "in", Role: schema.RoleWorker, Communities: set("c9")}
	volunteer  = &User{ID: "v1", Role: schema.RoleVolunteer, Pairings: set("p1"), Elders: set("e1"),
		PairingCommunity: map[string]string{"p1": "c1"}}
	streetSup   = &User{ID: "s1", Role: schema.RoleSupervisor, Street: "st1", Communities: set("c1", "c2")}
	districtSup = &User{ID: "d1", Role: schema.RoleSupervisor}
	admin       = &User{ID: "a1", Role: schema.RoleAdmin}
)

func TestCanRead(t *testing.T) {
	tests := []struct {
		name  string
		user  *User
		table string
		row   Row
		want  bool
	}{
		{"WorkerOwnCommunity", worker, "households", Row{ID: "h1", Community: "c1"}, true},
		{"WorkerOtherCommunity", worker, "households", Row{ID: "h1", Community: "c3"}, false},
		{"WorkerEmptyCommunity", worker, "households", Row{ID: "h1"}, false},
		{"WorkerReferenceData", worker, "streets", Row{ID: "st1"}, true},
		{"WorkerStaff", worker, "staff", Row{ID: "x"}, true},
		{"WorkerNoSpotBatches", worker, "spot_batches", Row{ID: "b", Street: "st1"}, false},
		{"WorkerNoMeetingDecisions", worker, "meeting_decisions", Row{ID: "m", Community: "c1"}, false},
		{"WorkerConflicts", worker, "conflicts", Row{ID: "x", Community: "c2"}, true},
		{"WorkerElders", worker, "elders", Row{ID: "e9", Community: "c1", Pairing: "e9"}, true},

		{"AnnouncedCheckVisibleToCaseworker", caseworker, "spot_checks",
			Row{ID: "s", Community: "c1", Caseworker: "cw"}, true},
		{"UnannouncedCheckHiddenFromCaseworker", caseworker, "spot_checks",
			Row{ID: "s", Community: "c1", Caseworker: "cw", Unannounced: true, Inspectors: []string{"in", "x"}}, false},
		{"UnannouncedCheckVisibleToCaseworkerWhoInspects", caseworker, "spot_checks",
			Row{ID: "s", Community: "c1", Caseworker: "cw", Unannounced: true, Inspectors: []string{"cw", "in"}}, true},
		{"UnannouncedCheckVisibleToOtherWorkerOfCommunity", worker, "spot_checks",
			Row{ID: "s", Community: "c1", Caseworker: "cw", Unannounced: true, Inspectors: []string{"in"}}, true},
		{"UnannouncedCheckVisibleToInspectorElsewhere", inspector, "spot_checks",
			Row{ID: "s", Community: "c1", Caseworker: "cw", Unannounced: true, Inspectors: []string{"in"}}, true},
		{"InspectorSeesOnlyTheCheck", inspector, "households", Row{ID: "h", Community: "c1"}, false},
		{"UnannouncedCheckVisibleToSupervisor", streetSup, "spot_checks",
			Row{ID: "s", Community: "c1", Caseworker: "cw", Unannounced: true}, true},

		{"VolunteerPairedElder", volunteer, "elders", Row{ID: "e1", Community: "c1", Pairing: "e1"}, true},
		{"VolunteerOtherElder", volunteer, "elders", Row{ID: "e2", Community: "c1", Pairing: "e2"}, false},
		{"VolunteerOwnPairing", volunteer, "volunteer_pairings", Row{ID: "p1", Community: "c1", Pairing: "p1"}, true},
		{"VolunteerOtherPairing", volunteer, "volunteer_pairings", Row{ID: "p2", Community: "c1", Pairing: "p2"}, false},
		{"VolunteerVisitOfPairing", volunteer, "volunteer_visits", Row{ID: "vv", Community: "c1", Pairing: "p1"}, true},
		{"VolunteerVisitOfOtherPairing", volunteer, "volunteer_visits", Row{ID: "vv", Community: "c1", Pairing: "p2"}, false},
		{"VolunteerNoHouseholds", volunteer, "households", Row{ID: "h", Community: "c1"}, false},
		{"VolunteerNoIncomes", volunteer, "incomes", Row{ID: "i", Community: "c1"}, false},
		{"VolunteerNoScreenings", volunteer, "elder_screenings", Row{ID: "x", Community: "c1"}, false},
		{"VolunteerNoConflicts", volunteer, "conflicts", Row{ID: "x", Community: "c1"}, false},
		{"VolunteerReferenceData", volunteer, "communities", Row{ID: "c1"}, true},

		{"StreetSupervisorOwnStreet", streetSup, "spot_batches", Row{ID: "b", Street: "st1"}, true},
		{"StreetSupervisorOtherStreet", streetSup, "spot_batches", Row{ID: "b", Street: "st2"}, false},
		{"StreetSupervisorCommunityInStreet", streetSup, "households", Row{ID: "h", Community: "c2"}, true},
		{"StreetSupervisorCommunityElsewhere", streetSup, "households", Row{ID: "h", Community: "c7"}, false},
		{"StreetSupervisorEmptyCommunity", streetSup, "households", Row{ID: "h"}, false},
		{"DistrictSupervisorEverything", districtSup, "households", Row{ID: "h", Community: "c7"}, true},
		{"DistrictSupervisorEmptyCommunity", districtSup, "households", Row{ID: "h"}, true},
		{"DistrictSupervisorMeetingDecisions", districtSup, "meeting_decisions", Row{ID: "m", Community: "c7"}, true},
		{"Admin", admin, "incomes", Row{ID: "i", Community: "c7"}, true},
		{"NilUser", nil, "streets", Row{ID: "s"}, false},
		{"UnknownRole", &User{ID: "x", Role: "guest"}, "streets", Row{ID: "s"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CanRead(tc.user, table(t, tc.table), tc.row); got != tc.want {
				t.Errorf("CanRead = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestNewRow(t *testing.T) {
	vals := map[string]any{
		"community_id": "c1", "caseworker_id": "cw", "unannounced": int64(1),
		"inspector_ids": `["a","b"]`,
	}
	r := NewRow(table(t, "spot_checks"), "s1", func(c string) any { return vals[c] })
	if r.Community != "c1" || r.Caseworker != "cw" || !r.Unannounced || len(r.Inspectors) != 2 || r.Inspectors[1] != "b" {
		t.Errorf("got %+v", r)
	}
	vals["inspector_ids"] = `not json`
	vals["unannounced"] = int64(0)
	r = NewRow(table(t, "spot_checks"), "s1", func(c string) any { return vals[c] })
	if r.Unannounced || r.Inspectors != nil {
		t.Errorf("malformed inspectors: got %+v", r)
	}
	e := NewRow(table(t, "elders"), "e1", func(c string) any { return map[string]any{"community_id": "c2"}[c] })
	if e.Pairing != "e1" || e.Community != "c2" {
		t.Errorf("elder row %+v", e)
	}
	v := NewRow(table(t, "volunteer_visits"), "v", func(c string) any {
		return map[string]any{"community_id": "c2", "pairing_id": "p1"}[c]
	})
	if v.Pairing != "p1" {
		t.Errorf("visit row %+v", v)
	}
	b := NewRow(table(t, "spot_batches"), "b", func(c string) any { return map[string]any{"street_id": "st"}[c] })
	if b.Street != "st" || b.Community != "" {
		t.Errorf("batch row %+v", b)
	}
}

func TestColumns(t *testing.T) {
	tests := map[string][]string{
		"streets":          nil,
		"households":       {"community_id"},
		"spot_batches":     {"street_id"},
		"elders":           {"community_id"},
		"volunteer_visits": {"community_id", "pairing_id"},
		"spot_checks":      {"community_id", "unannounced", "caseworker_id", "inspector_ids"},
		"conflicts":        {"community_id", "tbl", "row_id"},
		"review_events":    {"community_id", "record_table", "record_id"},
	}
	for name, want := range tests {
		got := Columns(table(t, name))
		if len(got) != len(want) {
			t.Errorf("%s: got %v, want %v", name, got, want)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: got %v, want %v", name, got, want)
			}
		}
	}
	if !IsScopeColumn(table(t, "households"), "community_id") || IsScopeColumn(table(t, "households"), "address") {
		t.Error("IsScopeColumn")
	}
}

func TestFingerprint(t *testing.T) {
	a := &User{ID: "w", Role: schema.RoleWorker, Communities: set("c1", "c2")}
	b := &User{ID: "w", Role: schema.RoleWorker, Communities: set("c2", "c1")}
	if a.Fingerprint() != b.Fingerprint() {
		t.Error("fingerprint depends on map order")
	}
	c := &User{ID: "w", Role: schema.RoleWorker, Communities: set("c1", "c2", "c3")}
	if a.Fingerprint() == c.Fingerprint() {
		t.Error("fingerprint ignores a new community")
	}
	d := &User{ID: "w", Role: schema.RoleWorker, Communities: map[string]bool{"c1": true, "c2": true, "c3": false}}
	if a.Fingerprint() != d.Fingerprint() {
		t.Error("fingerprint counts a false entry")
	}
	v1 := &User{ID: "v", Role: schema.RoleVolunteer, Pairings: set("p1"), Elders: set("e1")}
	v2 := &User{ID: "v", Role: schema.RoleVolunteer, Pairings: set("p1"), Elders: set("e2")}
	if v1.Fingerprint() == v2.Fingerprint() {
		t.Error("fingerprint ignores elders")
	}
}

// TestSubjects: conflict records and review events follow the row they are
// about, so nothing of a hidden spot check leaks through them.
func TestSubjects(t *testing.T) {
	hidden := &Row{ID: "s", Community: "c1", Caseworker: "cw", Unannounced: true, Inspectors: []string{"in"}}
	open := &Row{ID: "h", Community: "c1"}
	tests := []struct {
		name  string
		user  *User
		table string
		row   Row
		want  bool
	}{
		{"ConflictOfVisibleRow", caseworker, "conflicts", Row{ID: "x", Community: "c1", SubjectTable: "households", SubjectID: "h", Subject: open}, true},
		{"ConflictOfHiddenCheck", caseworker, "conflicts", Row{ID: "x", Community: "c1", SubjectTable: "spot_checks", SubjectID: "s", Subject: hidden}, false},
		{"ConflictOfHiddenCheckForInspector", inspector, "conflicts", Row{ID: "x", Community: "c1", SubjectTable: "spot_checks", SubjectID: "s", Subject: hidden}, false},
		{"ConflictOfCheckForOtherWorker", worker, "conflicts", Row{ID: "x", Community: "c1", SubjectTable: "spot_checks", SubjectID: "s", Subject: hidden}, true},
		{"ConflictOfMissingSubject", worker, "conflicts", Row{ID: "x", Community: "c1", SubjectTable: "households", SubjectID: "gone"}, false},
		{"ConflictOfUnknownTable", worker, "conflicts", Row{ID: "x", Community: "c1", SubjectTable: "secrets", SubjectID: "h", Subject: open}, false},
		{"ConflictForDistrict", districtSup, "conflicts", Row{ID: "x", Community: "c1", SubjectTable: "spot_checks", SubjectID: "s"}, true},
		{"ReviewOfHiddenCheck", &User{ID: "cw", Role: schema.RoleWorker, Communities: set("c1")}, "review_events",
			Row{ID: "r", Community: "c1", SubjectTable: "spot_checks", SubjectID: "s", Subject: hidden}, false},
		{"ReviewWithoutSubject", worker, "review_events", Row{ID: "r", Community: "c1"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CanRead(tc.user, table(t, tc.table), tc.row); got != tc.want {
				t.Errorf("CanRead = %v, want %v", got, tc.want)
			}
		})
	}
	r := NewRow(table(t, "conflicts"), "x", func(c string) any {
		return map[string]any{"community_id": "c1", "tbl": "spot_checks", "row_id": "s"}[c]
	})
	if st, id, ok := Subject(table(t, "conflicts"), r); !ok || st != "spot_checks" || id != "s" {
		t.Errorf("Subject = %s %s %v", st, id, ok)
	}
}

// roleUsers are one user per role for the per-table matrices, in the order
// of the matrices' letters: worker, volunteer, street supervisor, district
// supervisor, administrator. "In scope" is community c1, street st1,
// elder e1 and pairing p1 (in c1); "out of scope" is c9, st9, e9, p9.
var roleUsers = []*User{
	{ID: "w1", Role: schema.RoleWorker, Communities: set("c1", "c2")},
	{ID: "v1", Role: schema.RoleVolunteer, Pairings: set("p1"), Elders: set("e1"), PairingCommunity: map[string]string{"p1": "c1"}},
	{ID: "s1", Role: schema.RoleSupervisor, Street: "st1", Communities: set("c1", "c2")},
	{ID: "d1", Role: schema.RoleSupervisor},
	{ID: "a1", Role: schema.RoleAdmin},
}

// sampleRow is a row of t inside (in) or outside the sample users' scopes.
func sampleRow(t *schema.Table, in bool) Row {
	r := Row{ID: "x", Community: "c9", Street: "st9"}
	if in {
		r.Community, r.Street = "c1", "st1"
	}
	switch t.Scope {
	case schema.ScopeDistrict:
		r.Community, r.Street = "", ""
	case schema.ScopeStreet:
		r.Community = ""
	case schema.ScopeCommunity:
		r.Street = ""
	}
	switch t.Pairing {
	case schema.ByElder:
		r.Pairing = map[bool]string{true: "e1", false: "e9"}[in]
	case schema.ByPairing:
		r.Pairing = map[bool]string{true: "p1", false: "p9"}[in]
	}
	return r
}

// readMatrix says, for every synced table, which of the roleUsers (W V S D
// A) read a row inside their scope ('+') or not ('-'). Outside their scope
// only district-level users read, except district reference tables, which
// every reader of the table reads. A table added to the registry must be
// added here, with what its readers should be.
var readMatrix = map[string]string{
	"streets":            "+++++",
	"communities":        "+++++",
	"staff":              "+++++",
	"households":         "+-+++",
	"members":            "+-+++",
	"incomes":            "+-+++",
	"assets":             "+-+++",
	"means_visits":       "+-+++",
	"spot_batches":       "--+++",
	"spot_checks":        "+-+++",
	"elders":             "+++++",
	"elder_screenings":   "+-+++",
	"volunteer_pairings": "+++++",
	"volunteer_visits":   "+++++",
	"group_activities":   "+-+++",
	"review_events":      "+-+++",
	"approval_meetings":  "--+++",
	"meeting_decisions":  "--+++",
	"conflicts":          "+-+++",
	// benefit history, payroll, institutions, medical assistance
	"entitlements":            "+-+++",
	"payee_accounts":          "+-+++",
	"payout_rolls":            "--+++",
	"payout_lines":            "--+++",
	"care_institutions":       "+-+++",
	"institution_counts":      "+-+++",
	"institution_finances":    "--+++",
	"institution_assessments": "--+++",
	"medical_assistance":      "+-+++",
	// visit evidence: entries signed by devices (here signed by someone
	// else: outside the office only their signer reads them, see
	// TestEvidenceEntryRead), verdicts written by the server
	"evidence_entries":  "--+++",
	"evidence_verdicts": "--+++",
	"audit_events":      "+-+++",
}

// TestReadMatrix checks the read rule for every role and every table, a
// row inside and a row outside the user's scope.
func TestReadMatrix(t *testing.T) {
	for _, tb := range schema.Reg.Tables() {
		want, ok := readMatrix[tb.Name]
		if !ok {
			t.Errorf("table %s has no line in readMatrix: say who reads it", tb.Name)
			continue
		}
		for i, u := range roleUsers {
			in := want[i] == '+'
			out := in && (tb.Scope == schema.ScopeDistrict || u.DistrictLevel())
			t.Run(tb.Name+"/"+u.ID, func(t *testing.T) {
				if got := CanRead(u, tb, sampleRow(tb, true)); got != in {
					t.Errorf("in scope: CanRead = %v, want %v", got, in)
				}
				if got := CanRead(u, tb, sampleRow(tb, false)); got != out {
					t.Errorf("out of scope: CanRead = %v, want %v", got, out)
				}
			})
		}
	}
	if len(readMatrix) != len(schema.Reg.Tables()) {
		t.Errorf("readMatrix has %d tables, the registry %d", len(readMatrix), len(schema.Reg.Tables()))
	}
}
