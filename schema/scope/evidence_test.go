package scope

import "testing"

// entry is an evidence entry row signed by author about a record of table
// recordTable, in community c1 / pairing p1 (in) or c9 / p9.
func entry(author, recordTable string, in bool) Row {
	r := Row{ID: "ev", Community: "c9", Pairing: "p9", Author: author, RecordTable: recordTable}
	if in {
		r.Community, r.Pairing = "c1", "p1"
	}
	return r
}

// TestEvidenceEntryRead checks who reads evidence entries: the office of
// the area and the signer, nobody else of the community.
func TestEvidenceEntryRead(t *testing.T) {
	w, v, s, d, a := roleUsers[0], roleUsers[1], roleUsers[2], roleUsers[3], roleUsers[4]
	tests := []struct {
		name string
		user *User
		row  Row
		want bool
	}{
		{"WorkerOwnEntry", w, entry("w1", "means_visits", true), true},
		{"WorkerOtherWorkersEntry", w, entry("w2", "means_visits", true), false},
		{"WorkerUnsignedEntry", w, entry("", "means_visits", true), false},
		{"WorkerOwnEntryOutsideCommunities", w, entry("w1", "means_visits", false), false},
		{"VolunteerOwnVisitLogEntry", v, entry("v1", "volunteer_visits", true), true},
		{"VolunteerOtherVolunteersEntry", v, entry("v2", "volunteer_visits", true), false},
		{"VolunteerOwnEntryOtherPairing", v, entry("v1", "volunteer_visits", false), false},
		{"VolunteerOwnEntryNotAVisitLog", v, entry("v1", "means_visits", true), false},
		{"StreetSupervisorAnyEntryOfStreet", s, entry("w2", "means_visits", true), true},
		{"StreetSupervisorEntryElsewhere", s, entry("w2", "means_visits", false), false},
		{"DistrictSupervisorEverywhere", d, entry("w2", "means_visits", false), true},
		{"Admin", a, entry("w2", "spot_checks", false), true},
	}
	tb := table(t, "evidence_entries")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := CanRead(tc.user, tb, tc.row); got != tc.want {
				t.Errorf("CanRead = %v, want %v", got, tc.want)
			}
		})
	}
	// Verdicts are the office's: no field user reads them, even of their
	// own records.
	vt := table(t, "evidence_verdicts")
	for _, u := range []*User{w, v} {
		if CanRead(u, vt, Row{ID: "vd", Community: "c1", Pairing: "p1"}) {
			t.Errorf("%s reads a verdict", u.ID)
		}
	}
	if !CanRead(s, vt, Row{ID: "vd", Community: "c1"}) {
		t.Error("street supervisor does not read a verdict of their street")
	}
}

// TestEvidenceEntryWrite checks who writes evidence entries: the signer
// only, as a new row, about a record their role writes; never an edit.
func TestEvidenceEntryWrite(t *testing.T) {
	w, v, s, d, a := roleUsers[0], roleUsers[1], roleUsers[2], roleUsers[3], roleUsers[4]
	cols := []string{"content_hash"}
	own := entry("w1", "means_visits", true)
	tests := []struct {
		name string
		user *User
		w    Write
		want byte
	}{
		{"WorkerNewOwnEntry", w, Write{After: own, Columns: cols}, '+'},
		{"WorkerNewEntryOutsideCommunities", w, Write{After: entry("w1", "means_visits", false), Columns: cols}, 's'},
		{"WorkerEntrySignedAsSomeoneElse", w, Write{After: entry("w2", "means_visits", true), Columns: cols}, 's'},
		{"WorkerEntryUnsigned", w, Write{After: entry("", "means_visits", true), Columns: cols}, 's'},
		{"WorkerEntryAboutReviewEvent", w, Write{After: entry("w1", "review_events", true), Columns: cols}, 's'},
		{"WorkerEntryAboutUnknownTable", w, Write{After: entry("w1", "secrets", true), Columns: cols}, 's'},
		{"WorkerEditsOwnEntry", w, Write{Before: &own, After: own, Columns: cols}, 's'},
		{"WorkerResendsOwnEntryUnchanged", w, Write{Before: &own, After: own}, '+'},
		{"VolunteerNewVisitLogEntry", v, Write{After: entry("v1", "volunteer_visits", true), Columns: cols}, '+'},
		{"VolunteerEntryAboutMeansVisit", v, Write{After: entry("v1", "means_visits", true), Columns: cols}, 's'},
		{"VolunteerEntryOtherPairing", v, Write{After: entry("v1", "volunteer_visits", false), Columns: cols}, 's'},
		{"StreetSupervisorOwnSpotCheckEntry", s, Write{After: entry("s1", "spot_checks", true), Columns: cols}, '+'},
		{"StreetSupervisorWorkersEntry", s, Write{After: entry("w1", "means_visits", true), Columns: cols}, 's'},
		{"DistrictSupervisorOwnEntryAnywhere", d, Write{After: entry("d1", "spot_checks", false), Columns: cols}, '+'},
		{"DistrictSupervisorWorkersEntry", d, Write{After: entry("w1", "means_visits", true), Columns: cols}, 's'},
		{"DistrictSupervisorEditsOwnEntry", d, Write{Before: ptr(entry("d1", "spot_checks", true)), After: entry("d1", "spot_checks", true), Columns: cols}, 's'},
		{"AdminNever", a, Write{After: entry("a1", "means_visits", true), Columns: cols}, 'r'},
	}
	tb := table(t, "evidence_entries")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := outcome(t, CheckWrite(tc.user, tb, tc.w)); got != tc.want {
				t.Errorf("CheckWrite: got %q, want %q", got, tc.want)
			}
		})
	}
	// No role writes a verdict, not even for its own records.
	vt := table(t, "evidence_verdicts")
	for _, u := range roleUsers {
		if got := outcome(t, CheckWrite(u, vt, Write{After: Row{ID: "vd", Community: "c1"}, Columns: []string{"status"}})); got != 'r' {
			t.Errorf("%s writes a verdict: %q", u.ID, got)
		}
	}
}
