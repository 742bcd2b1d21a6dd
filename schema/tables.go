package schema

import (
	"fmt"
	"strings"
)

// Reg is the registry of every synced table, matching migrations/0001_data.sql
// and 0010_history.sql (a test checks they agree).
var Reg = mustRegistry(append(tables(), historyTables()...))

// Role sets used below.
var (
	allRoles       = []Role{RoleWorker, RoleVolunteer, RoleSupervisor, RoleAdmin}
	staffRoles     = []Role{RoleWorker, RoleSupervisor, RoleAdmin}
	fieldWriters   = []Role{RoleWorker, RoleSupervisor}
	officeOnly     = []Role{RoleSupervisor, RoleAdmin}
	elderReaders   = []Role{RoleWorker, RoleVolunteer, RoleSupervisor, RoleAdmin}
	volunteerWrite = []Role{RoleVolunteer, RoleWorker, RoleSupervisor}
)

func mustRegistry(ts []Table) *Registry {
	r, err := NewRegistry(ts)
	if err != nil {
		panic(err)
	}
	return r
}

// cols parses "name:t" specs, t one of s (text), i (integer), r (real).
// Every table gets a trailing "deleted:i".
func cols(specs ...string) []Column {
	out := make([]Column, 0, len(specs)+1)
	for _, s := range append(specs, "deleted:i") {
		name, t, ok := strings.Cut(s, ":")
		if !ok {
			panic(fmt.Sprintf("schema: bad column spec %q", s))
		}
		var ty Type
		switch t {
		case "s":
			ty = TypeText
		case "i":
			ty = TypeInt
		case "r":
			ty = TypeReal
		default:
			panic(fmt.Sprintf("schema: bad column type in %q", s))
		}
		out = append(out, Column{Name: name, Type: ty})
	}
	return out
}

func tables() []Table {
	return []Table{
		// Reference data: the district's streets, communities and staff.
		{Name: "streets", Scope: ScopeDistrict, Read: allRoles, Write: officeOnly,
			Columns: cols("name:s", "district_code:s")},
		{Name: "communities", Scope: ScopeDistrict, Read: allRoles, Write: officeOnly,
			Columns: cols("street_id:s", "name:s", "urban:i", "region_code:s")},
		{Name: "staff", Scope: ScopeDistrict, Read: allRoles, Write: officeOnly,
			Columns: cols("name:s", "role:s", "street_id:s", "community_id:s", "phone:s")},

		// 低保 households and what a means-test visit records about them.
		{Name: "households", Scope: ScopeCommunity, ScopeColumn: "community_id",
			Read: staffRoles, Write: fieldWriters,
			Columns: cols("community_id:s", "ref_code:s", "address:s", "urban:i", "head_name:s",
				"hardship_cause:s", "staff_relative:i", "hukou_local:i", "class:s", "status:s",
				"applied_on:s", "approved_on:s", "cancelled_on:s", "cancel_reason:s",
				"benefit_fen:i", "covered_members:i", "caseworker_id:s", "last_visit_id:s",
				"recheck_due:s", "case_no:s")},
		{Name: "members", Scope: ScopeCommunity, ScopeColumn: "community_id",
			Read: staffRoles, Write: fieldWriters,
			Columns: cols("household_id:s", "community_id:s", "name:s", "id_number:s", "sex:s",
				"birth_date:s", "relationship:s", "marital:s", "health:s", "disability_category:s",
				"disability_grade:i", "labour_capacity:s", "employment:s", "counted:i",
				"not_counted_reason:s")},
		{Name: "incomes", Scope: ScopeCommunity, ScopeColumn: "community_id",
			Read: staffRoles, Write: fieldWriters,
			Columns: cols("household_id:s", "member_id:s", "community_id:s", "kind:s",
				"monthly_fen:i", "note:s")},
		{Name: "assets", Scope: ScopeCommunity, ScopeColumn: "community_id",
			Read: staffRoles, Write: fieldWriters,
			Columns: cols("household_id:s", "community_id:s", "kind:s", "owner_member_id:s",
				"description:s", "floor_area:r", "dwelling_type:s", "renovation:s",
				"vehicle_type:s", "disability_vehicle:i", "value_fen:i", "employs_others:i")},
		{Name: "means_visits", Scope: ScopeCommunity, ScopeColumn: "community_id",
			Read: staffRoles, Write: fieldWriters,
			Columns: cols("household_id:s", "community_id:s", "ref_code:s", "purpose:s",
				"method:s", "started_at:s", "ended_at:s", "staff_ids:s", "observations:s",
				"living_conditions:s", "neighbour_notes:s", "location:s", "photos:s",
				"applicant_signature:s", "staff_signatures:s", "per_capita_fen:i",
				"benefit_fen:i", "eligible:i", "reasons:s", "snapshot:s", "state:s",
				"submitted_at:s", "author_id:s", "supersedes_id:s")},

		// Spot checks (抽查): batches drawn by a supervisor, checks done by inspectors.
		{Name: "spot_batches", Scope: ScopeStreet, ScopeColumn: "street_id",
			Read: officeOnly, Write: officeOnly,
			Columns: cols("street_id:s", "method:s", "rate_pct:i", "sample_size:i", "seed:i",
				"options:s", "drawn_at:s", "drawn_by:s", "note:s")},
		{Name: "spot_checks", Scope: ScopeCommunity, ScopeColumn: "community_id",
			Read: staffRoles, Write: fieldWriters,
			Columns: cols("batch_id:s", "household_id:s", "community_id:s", "caseworker_id:s",
				"inspector_ids:s", "unannounced:i", "planned_on:s", "checked_at:s", "found:i",
				"living_there:i", "makeup_matches:i", "assets_fit:i", "recomputed_income_fen:i",
				"benefit_paid_full:i", "fees_charged:i", "neighbour_interview:s", "outcome:s",
				"deadline:s", "notes:s", "state:s", "author_id:s", "risk_reasons:s")},

		// Elders, their needs screenings, volunteer pairings and visit logs.
		{Name: "elders", Scope: ScopeCommunity, ScopeColumn: "community_id",
			Pairing: ByElder, PairingColumn: "id",
			Read: elderReaders, Write: fieldWriters,
			Columns: cols("community_id:s", "name:s", "sex:s", "birth_date:s", "address:s",
				"phone:s", "needs:s")},
		{Name: "elder_screenings", Scope: ScopeCommunity, ScopeColumn: "community_id",
			Read: staffRoles, Write: fieldWriters,
			Columns: cols("elder_id:s", "community_id:s", "id_number:s", "screened_on:s",
				"reason:s", "living_arrangement:s", "single_child:i", "income_band:s",
				"three_no:i", "diagnoses:s", "medications:s", "risk_events:s",
				"b_feeding:i", "b_bathing:i", "b_grooming:i", "b_dressing:i", "b_bowels:i",
				"b_bladder:i", "b_toilet:i", "b_transfers:i", "b_mobility:i", "b_stairs:i",
				"barthel_version:s", "barthel_total:i", "barthel_grade:s",
				"gbt_items:s", "gbt_total:i", "gbt_level:s", "dementia:i", "needs:s",
				"home_care:i", "care_group:i", "care_groups:s", "pairing_advice:s",
				"state:s", "submitted_at:s", "author_id:s")},
		{Name: "volunteer_pairings", Scope: ScopeCommunity, ScopeColumn: "community_id",
			Pairing: ByPairing, PairingColumn: "id",
			Read: elderReaders, Write: fieldWriters,
			Columns: cols("elder_id:s", "community_id:s", "mode:s", "volunteer_ids:s",
				"started_on:s", "ended_on:s", "end_reason:s", "end_note:s")},
		{Name: "volunteer_visits", Scope: ScopeCommunity, ScopeColumn: "community_id",
			Pairing: ByPairing, PairingColumn: "pairing_id",
			Read: elderReaders, Write: volunteerWrite,
			Columns: cols("pairing_id:s", "elder_id:s", "community_id:s", "volunteer_id:s",
				"need:s", "started_at:s", "ended_at:s", "services:s", "wellbeing:s",
				"feedback:s", "risk_flags:s", "next_visit:s", "state:s", "co_volunteer_ids:s")},
		{Name: "group_activities", Scope: ScopeCommunity, ScopeColumn: "community_id",
			Read: staffRoles, Write: fieldWriters,
			Columns: cols("community_id:s", "kind:s", "theme:s", "held_on:s", "venue:s",
				"headcount:i", "note:s", "volunteer_ids:s")},

		// Review: append-only decisions, collective approval meetings.
		{Name: "review_events", Scope: ScopeCommunity, ScopeColumn: "community_id",
			AppendOnly: true, Read: staffRoles, Write: officeOnly,
			Columns: cols("record_table:s", "record_id:s", "household_id:s", "community_id:s",
				"action:s", "comment:s", "field_comments:s", "reviewer_id:s", "at:s")},
		{Name: "approval_meetings", Scope: ScopeStreet, ScopeColumn: "street_id",
			Read: officeOnly, Write: officeOnly,
			Columns: cols("street_id:s", "held_on:s", "attendees:s", "notice_days:i",
				"notice_start:s", "note:s")},
		{Name: "meeting_decisions", Scope: ScopeCommunity, ScopeColumn: "community_id",
			AppendOnly: true, Read: officeOnly, Write: officeOnly,
			Columns: cols("meeting_id:s", "household_id:s", "visit_id:s", "community_id:s",
				"decision:s", "votes_for:i", "votes_against:i", "votes_abstain:i", "note:s",
				"amount_fen:i", "reason:s", "withdraws_id:s")},

		// Concurrent edits kept visible until a supervisor resolves them.
		{Name: "conflicts", Scope: ScopeCommunity, ScopeColumn: "community_id",
			Read: staffRoles, Write: fieldWriters,
			Columns: cols("tbl:s", "row_id:s", "col:s", "community_id:s",
				"winner_value:s", "loser_value:s", "winner_hlc:i", "loser_hlc:i",
				"winner_site:s", "loser_site:s", "winner_user:s", "loser_user:s",
				"detected_at:s", "resolved:i", "resolved_by:s", "resolved_at:s")},

		// Visit evidence (docs/EVIDENCE.md, package sync/evidence). Entries are
		// signed by the submitting device and never edited; they belong to the
		// record's community, and volunteers reach the entries of their own
		// pairings' visit logs (pairing_id is set only for those). Who else
		// reads an entry — the office of the area and the writing user, not
		// the rest of the community — is row policy on top of these roles.
		{Name: "evidence_entries", Scope: ScopeCommunity, ScopeColumn: "community_id",
			Pairing: ByPairing, PairingColumn: "pairing_id", AppendOnly: true,
			Read: elderReaders, Write: volunteerWrite,
			Columns: cols("record_table:s", "record_id:s", "community_id:s", "household_id:s",
				"elder_id:s", "pairing_id:s", "content_hash:s", "content:s", "blobs:s",
				"opened_at:s", "submitted_at:s", "sections:s", "hlc:i", "wall_at:s", "site:s",
				"user_id:s", "chain_index:i", "prev_hash:s", "public_key:s", "signature:s",
				"entry_hash:s")},
		// The server's verdict on each record's evidence; the server alone
		// writes it (no role does), the office reads it.
		{Name: "evidence_verdicts", Scope: ScopeCommunity, ScopeColumn: "community_id",
			Read: officeOnly, Write: nil,
			Columns: cols("record_table:s", "record_id:s", "community_id:s", "household_id:s",
				"elder_id:s", "status:s", "reasons:s", "entry_id:s", "entry_hash:s", "checked_at:s")},
		// Audit: each reveal of a masked ID number, append-only (0040).
		{Name: "audit_events", Scope: ScopeCommunity, ScopeColumn: "community_id",
			AppendOnly: true, Read: staffRoles, Write: fieldWriters,
			Columns: cols("community_id:s", "user_id:s", "action:s", "subject_table:s",
				"subject_id:s", "household_id:s", "at:s", "detail:s")},
	}
}
