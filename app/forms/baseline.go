package forms

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"doorstep/schema/district"
)

// Baseline is what a spot check compares against: the household's last
// approved data — the snapshot of its latest approved means-test visit, or
// its current rows when no visit was approved on this device — and its
// current rows, so changes made since approval stand out too.
type Baseline struct {
	// FromVisit is true when Approved is an approved visit's snapshot;
	// VisitID and ApprovedAt then name it and when it was approved.
	FromVisit  bool
	VisitID    string
	ApprovedAt string
	// Approved is the last approved data; Current the rows as they are now.
	Approved Snapshot
	Current  Snapshot
	// ApprovedPerCapitaFen and ApprovedBenefitFen are the approved visit's
	// per-capita income and benefit (computed from the current rows when
	// there is no approved visit); CurrentPerCapitaFen is computed from the
	// current rows.
	ApprovedPerCapitaFen int64
	ApprovedBenefitFen   int64
	CurrentPerCapitaFen  int64
	// PaidFen is the monthly benefit the household is paid now
	// (households.benefit_fen); StandardFen the standard that applies.
	PaidFen     int64
	StandardFen int64
	// HeadName, Address, Status and Class describe the household.
	HeadName, Address, Status, Class string
}

// LoadBaseline reads the baseline of household id on ref.
func LoadBaseline(ctx context.Context, env Env, householdID string, ref time.Time) (Baseline, error) {
	var b Baseline
	v := &Visit{}
	if err := v.loadHousehold(ctx, env.DB, householdID); err != nil {
		return Baseline{}, fmt.Errorf("baseline: %w", err)
	}
	b.Current = v.Snapshot(ref)
	live := v.Compute(ref, env.Config)
	b.CurrentPerCapitaFen = live.Income.PerCapitaFen
	b.ApprovedPerCapitaFen, b.ApprovedBenefitFen = live.Income.PerCapitaFen, live.BenefitFen
	err := env.DB.QueryRowContext(ctx, `SELECT coalesce(head_name,''), coalesce(address,''),
		coalesce(status,''), coalesce(class,''), coalesce(benefit_fen,0)
		FROM households WHERE id = ?`, householdID).Scan(&b.HeadName, &b.Address, &b.Status, &b.Class, &b.PaidFen)
	if err != nil {
		return Baseline{}, fmt.Errorf("baseline %s: %w", householdID, err)
	}
	setting := district.SettingRural
	if v.Household.Urban {
		setting = district.SettingUrban
	}
	b.StandardFen = env.Config.StandardFen(setting)

	var snap string
	var perCapita, benefit int64
	// The approved visit: the latest one whose latest review approves it,
	// else the household's last visit (set when a meeting approves it).
	err = env.DB.QueryRowContext(ctx, `SELECT v.id, coalesce(v.snapshot,''), coalesce(e.at,''),
		coalesce(v.per_capita_fen,0), coalesce(v.benefit_fen,0)
		FROM means_visits v JOIN review_events e ON e.record_id = v.id AND e.deleted = 0
		WHERE v.household_id = ? AND v.deleted = 0 AND e.action = 'approve'
		AND NOT EXISTS (SELECT 1 FROM review_events l WHERE l.record_id = v.id AND l.deleted = 0
			AND (l.at > e.at OR l.at = e.at AND l.id > e.id))
		ORDER BY e.at DESC, v.id DESC LIMIT 1`, householdID).Scan(&b.VisitID, &snap, &b.ApprovedAt, &perCapita, &benefit)
	if errors.Is(err, sql.ErrNoRows) {
		err = env.DB.QueryRowContext(ctx, `SELECT v.id, coalesce(v.snapshot,''),
			coalesce(h.approved_on, substr(coalesce(v.submitted_at,''),1,10)),
			coalesce(v.per_capita_fen,0), coalesce(v.benefit_fen,0)
			FROM households h JOIN means_visits v ON v.id = h.last_visit_id AND v.deleted = 0
			WHERE h.id = ?`, householdID).Scan(&b.VisitID, &snap, &b.ApprovedAt, &perCapita, &benefit)
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		b.Approved = b.Current
		return b, nil
	case err != nil:
		return Baseline{}, fmt.Errorf("baseline %s: approved visit: %w", householdID, err)
	}
	b.FromVisit = true
	b.ApprovedPerCapitaFen, b.ApprovedBenefitFen = perCapita, benefit
	b.Approved = b.Current // a visit without a snapshot: compare figures only
	if snap != "" {
		var s Snapshot
		if err := json.Unmarshal([]byte(snap), &s); err != nil {
			return Baseline{}, fmt.Errorf("baseline %s: snapshot of visit %s: %w", householdID, b.VisitID, err)
		}
		b.Approved = s
	}
	return b, nil
}

// RowChange says how a member or asset row differs between the approved
// data and the current rows.
type RowChange string

// Row changes; a row absent from the map did not change.
const (
	RowAdded   RowChange = "added"
	RowRemoved RowChange = "removed"
	RowChanged RowChange = "changed"
)

// MemberChanges compares the members of the approved data and the current
// rows by id: added, removed, or changed in name, ID number, relationship or
// whether counted.
func (b Baseline) MemberChanges() map[string]RowChange {
	out := map[string]RowChange{}
	old := map[string]SnapMember{}
	for _, m := range b.Approved.Members {
		old[m.ID] = m
	}
	now := map[string]bool{}
	for _, m := range b.Current.Members {
		now[m.ID] = true
		o, ok := old[m.ID]
		switch {
		case !ok:
			out[m.ID] = RowAdded
		case o.Name != m.Name || o.IDNumber != m.IDNumber || o.Relationship != m.Relationship || o.Counted != m.Counted:
			out[m.ID] = RowChanged
		}
	}
	for id := range old {
		if !now[id] {
			out[id] = RowRemoved
		}
	}
	return out
}

// AssetChanges compares the assets of the approved data and the current
// rows by id.
func (b Baseline) AssetChanges() map[string]RowChange {
	out := map[string]RowChange{}
	old := map[string]SnapAsset{}
	for _, a := range b.Approved.Assets {
		old[a.ID] = a
	}
	now := map[string]bool{}
	for _, a := range b.Current.Assets {
		now[a.ID] = true
		o, ok := old[a.ID]
		switch {
		case !ok:
			out[a.ID] = RowAdded
		case o != a:
			out[a.ID] = RowChanged
		}
	}
	for id := range old {
		if !now[id] {
			out[id] = RowRemoved
		}
	}
	return out
}

// Discrepancy is one difference a spot check screen highlights: Section
// says where ("household", "members", "income", "assets", "benefit"), Key
// and Args the message (a translation ID).
type Discrepancy struct {
	Section string
	Key     string
	Args    map[string]any
}

// Sections of discrepancies.
const (
	SectionHousehold = "household"
	SectionMembers   = "members"
	SectionIncome    = "income"
	SectionAssets    = "assets"
	SectionBenefit   = "benefit"
)

// Messages of discrepancies (translation IDs).
const (
	MsgDiscNotFound       = "forms.spot.disc.not_found"
	MsgDiscNotLiving      = "forms.spot.disc.not_living"
	MsgDiscMakeup         = "forms.spot.disc.makeup"
	MsgDiscMembersChanged = "forms.spot.disc.members_changed"
	MsgDiscAssets         = "forms.spot.disc.assets"
	MsgDiscAssetsChanged  = "forms.spot.disc.assets_changed"
	MsgDiscIncome         = "forms.spot.disc.income"
	MsgDiscIncomeStandard = "forms.spot.disc.income_standard"
	MsgDiscNotPaidFull    = "forms.spot.disc.not_paid_full"
	MsgDiscFees           = "forms.spot.disc.fees"
	MsgDiscPaidDiffers    = "forms.spot.disc.paid_differs"
)

// Discrepancies lists what differs between the baseline and what the
// inspectors found (answers not given yet raise nothing). Amounts in Args
// are yuan strings.
func (b Baseline) Discrepancies(s *SpotCheck) []Discrepancy {
	var out []Discrepancy
	add := func(section, key string, args map[string]any) {
		out = append(out, Discrepancy{Section: section, Key: key, Args: args})
	}
	if s.Found == No {
		add(SectionHousehold, MsgDiscNotFound, nil)
	}
	if s.LivingThere == No {
		add(SectionHousehold, MsgDiscNotLiving, nil)
	}
	if s.MakeupMatches == No {
		add(SectionMembers, MsgDiscMakeup, nil)
	}
	if n := len(b.MemberChanges()); n > 0 && b.FromVisit {
		add(SectionMembers, MsgDiscMembersChanged, map[string]any{"Count": n})
	}
	if s.AssetsFit == No {
		add(SectionAssets, MsgDiscAssets, nil)
	}
	if n := len(b.AssetChanges()); n > 0 && b.FromVisit {
		add(SectionAssets, MsgDiscAssetsChanged, map[string]any{"Count": n})
	}
	if fen, present, err := ParseYuan(s.RecomputedIncome); err == nil && present {
		if fen != b.ApprovedPerCapitaFen {
			add(SectionIncome, MsgDiscIncome, map[string]any{
				"Found": FormatYuan(fen), "Approved": FormatYuan(b.ApprovedPerCapitaFen),
				"Diff": signedYuan(fen - b.ApprovedPerCapitaFen)})
		}
		if b.StandardFen > 0 && fen >= b.StandardFen {
			add(SectionIncome, MsgDiscIncomeStandard, map[string]any{"Standard": FormatYuan(b.StandardFen)})
		}
	}
	if s.BenefitPaidFull == No {
		add(SectionBenefit, MsgDiscNotPaidFull, nil)
	}
	if s.FeesCharged == Yes {
		add(SectionBenefit, MsgDiscFees, nil)
	}
	if b.FromVisit && b.PaidFen != b.ApprovedBenefitFen {
		add(SectionBenefit, MsgDiscPaidDiffers, map[string]any{
			"Paid": FormatYuan(b.PaidFen), "Approved": FormatYuan(b.ApprovedBenefitFen)})
	}
	return out
}

// SuggestOutcome proposes an outcome from the answers so far ("" when
// there is not enough to go on): not found or not living there → stop;
// fees charged → refer; recomputed income at or above the standard → stop;
// above the approved per-capita income → reduce; below it → raise; else
// still eligible. People decide; the screen only offers it.
func (b Baseline) SuggestOutcome(s *SpotCheck) string {
	switch {
	case s.Found == No || s.LivingThere == No:
		return "stop"
	case s.FeesCharged == Yes:
		return "refer"
	}
	fen, present, err := ParseYuan(s.RecomputedIncome)
	if err != nil || !present {
		return ""
	}
	switch {
	case b.StandardFen > 0 && fen >= b.StandardFen:
		return "stop"
	case fen > b.ApprovedPerCapitaFen:
		return "reduce"
	case fen < b.ApprovedPerCapitaFen:
		return "raise"
	}
	return "still_eligible"
}

func signedYuan(fen int64) string {
	if fen > 0 {
		return "+" + FormatYuan(fen)
	}
	return FormatYuan(fen)
}
