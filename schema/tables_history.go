package schema

// historyTables are the tables of the benefit history (entitlement
// periods), the monthly payout rolls and the payee accounts they pay, and
// the care-institution and medical-assistance registers
// (migrations/0010_history.sql).
//
// Who sees what: workers read the entitlement history, payee accounts
// (masked on the tablet), the institution register with its bed and
// resident counts, and medical assistance in their communities; they never
// read institution finances, assessments or the payout rolls. Volunteers
// read none of these tables.
func historyTables() []Table {
	return []Table{
		{Name: "entitlements", Scope: ScopeCommunity, ScopeColumn: "community_id",
			AppendOnly: true, Read: staffRoles, Write: officeOnly,
			Columns: cols("household_id:s", "community_id:s", "decision_id:s", "kind:s",
				"decided_on:s", "effective_from:s", "until:s", "status:s", "base_fen:i",
				"topup_fen:i", "covered:i", "subsidy_fen:i", "reason:s", "note:s",
				"recorded_by:s", "recorded_at:s")},
		{Name: "payee_accounts", Scope: ScopeCommunity, ScopeColumn: "community_id",
			Read: staffRoles, Write: fieldWriters,
			Columns: cols("household_id:s", "community_id:s", "holder_name:s",
				"holder_id_number:s", "bank:s", "account:s", "since:s")},
		{Name: "payout_rolls", Scope: ScopeStreet, ScopeColumn: "street_id",
			AppendOnly: true, Read: officeOnly, Write: officeOnly,
			Columns: cols("street_id:s", "month:s", "closed_on:s", "closed_by:s", "closed_at:s",
				"households:i", "people:i", "base_fen:i", "topup_fen:i", "subsidy_fen:i",
				"adjust_fen:i", "total_fen:i", "note:s")},
		{Name: "payout_lines", Scope: ScopeCommunity, ScopeColumn: "community_id",
			AppendOnly: true, Read: officeOnly, Write: officeOnly,
			Columns: cols("roll_id:s", "street_id:s", "month:s", "household_id:s",
				"community_id:s", "kind:s", "for_month:s", "head_name:s", "id_number:s",
				"bank:s", "account:s", "covered:i", "base_fen:i", "topup_fen:i",
				"subsidy_fen:i", "total_fen:i")},
		{Name: "care_institutions", Scope: ScopeCommunity, ScopeColumn: "community_id",
			Read: staffRoles, Write: officeOnly,
			Columns: cols("community_id:s", "name:s", "ownership:s", "address:s", "phone:s",
				"opened_on:s", "closed_on:s", "note:s")},
		{Name: "institution_counts", Scope: ScopeCommunity, ScopeColumn: "community_id",
			AppendOnly: true, Read: staffRoles, Write: officeOnly,
			Columns: cols("institution_id:s", "community_id:s", "as_of:s", "beds:i",
				"residents:i", "staff:i", "recorded_by:s")},
		{Name: "institution_finances", Scope: ScopeCommunity, ScopeColumn: "community_id",
			AppendOnly: true, Read: officeOnly, Write: officeOnly,
			Columns: cols("institution_id:s", "community_id:s", "as_of:s",
				"total_assets_fen:i", "net_assets_fen:i", "recorded_by:s")},
		{Name: "institution_assessments", Scope: ScopeCommunity, ScopeColumn: "community_id",
			AppendOnly: true, Read: officeOnly, Write: officeOnly,
			Columns: cols("institution_id:s", "community_id:s", "half:s", "assessed_on:s",
				"assessors:s", "scores:s", "total:i", "band:s", "award_fen:i", "note:s",
				"author_id:s")},
		{Name: "medical_assistance", Scope: ScopeCommunity, ScopeColumn: "community_id",
			Read: staffRoles, Write: officeOnly,
			Columns: cols("community_id:s", "household_id:s", "person_name:s", "id_number:s",
				"category:s", "cause:s", "hospital:s", "medical_cost_fen:i", "amount_fen:i",
				"granted_on:s", "note:s", "recorded_by:s")},
	}
}
