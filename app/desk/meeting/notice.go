package meeting

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/history"
	"doorstep/app/desk/review"
	"doorstep/app/desk/sheet"
	"doorstep/schema"
	"doorstep/schema/district"
	"doorstep/schema/rules"
)

// Notice is a decision under or after its public notice (公示): approvals
// and cancellations are published; refusals are told to the applicant in
// writing instead and never appear here.
type Notice struct {
	Decision
	MeetingID string
	HeldOn    time.Time
	Head      string
	Address   string
	Community string
	Covered   int // counted members in the decided visit
	// BenefitFen is the monthly benefit decided: the meeting's amount, or
	// the one the decided visit computed.
	BenefitFen int64
	// Start and End are the first and last day of the notice.
	Start, End time.Time
	// Ended is true once End has passed.
	Ended bool
	// Effective is true once the decision is put into effect on the
	// household (Apply appended its entitlement period).
	Effective bool
	// Superseded is true when, before it was applied, a later decision
	// overtook it: a later meeting's decision on the household, or a
	// period of its benefit history decided after this meeting.
	Superseded bool
	// Withdrawn is true when the meeting withdrew it (Withdraw).
	Withdrawn bool
}

// Waiting reports whether the decision still waits to be applied: its
// notice has ended and it is neither in effect, superseded nor withdrawn.
func (n Notice) Waiting() bool { return n.Ended && !n.Effective && !n.Superseded && !n.Withdrawn }

// EffectiveOn returns the day a decision takes effect: the day after its
// notice ends, or the meeting's day when the notice ran before it.
func (n Notice) EffectiveOn() time.Time {
	after := n.End.AddDate(0, 0, 1)
	if n.HeldOn.After(after) {
		return n.HeldOn
	}
	return after
}

// Notices returns the published decisions in the area, latest meeting
// first, with their notice dates as of today. endedOnly keeps those
// waiting to be applied (Notice.Waiting): applied, superseded and
// withdrawn decisions never wait.
func Notices(ctx context.Context, o *desk.Office, a desk.Area, endedOnly bool) ([]Notice, error) {
	return notices(ctx, o, a, "", "", endedOnly)
}

// MeetingNotices returns the published decisions of one meeting.
func MeetingNotices(ctx context.Context, o *desk.Office, meetingID string) ([]Notice, error) {
	return notices(ctx, o, desk.Area{}, meetingID, "", false)
}

func notices(ctx context.Context, o *desk.Office, a desk.Area, meetingID, decisionID string, endedOnly bool) ([]Notice, error) {
	q := `SELECT d.id, coalesce(d.visit_id,''), coalesce(d.household_id,''), coalesce(d.community_id,''),
		coalesce(d.decision,''), coalesce(d.votes_for,0), coalesce(d.votes_against,0),
		coalesce(d.votes_abstain,0), coalesce(d.note,''),
		m.id, coalesce(m.held_on,''), coalesce(m.notice_start,''), coalesce(m.notice_days,0),
		coalesce(h.head_name,''), coalesce(h.address,''), coalesce(c.name,''),
		` + coveredSQL("v.snapshot") + `, coalesce(d.amount_fen, v.benefit_fen, 0), coalesce(d.reason,''),
		EXISTS (SELECT 1 FROM entitlements e WHERE e.decision_id = d.id AND e.deleted = 0),
		EXISTS (SELECT 1 FROM entitlements e WHERE e.household_id = d.household_id AND e.deleted = 0
			AND e.decision_id <> d.id AND e.decided_on > m.held_on)
		OR EXISTS (SELECT 1 FROM meeting_decisions d2 JOIN approval_meetings m2 ON m2.id = d2.meeting_id
			AND m2.deleted = 0 WHERE d2.household_id = d.household_id AND d2.deleted = 0 AND d2.id <> d.id
			AND d2.decision IN ('approve','refuse','cancel') AND m2.held_on > m.held_on
			AND NOT EXISTS (SELECT 1 FROM meeting_decisions w WHERE w.withdraws_id = d2.id AND w.deleted = 0)),
		EXISTS (SELECT 1 FROM meeting_decisions w WHERE w.withdraws_id = d.id AND w.deleted = 0)
		FROM meeting_decisions d
		JOIN approval_meetings m ON m.id = d.meeting_id AND m.deleted = 0
		LEFT JOIN households h ON h.id = d.household_id
		LEFT JOIN communities c ON c.id = d.community_id
		LEFT JOIN means_visits v ON v.id = d.visit_id
		WHERE d.deleted = 0 AND d.decision IN ('approve','cancel')`
	cond, args := o.Filter("d.community_id", a)
	q += cond
	if meetingID != "" {
		q += ` AND m.id = ?`
		args = append(args, meetingID)
	}
	if decisionID != "" {
		q += ` AND d.id = ?`
		args = append(args, decisionID)
	}
	q += ` ORDER BY m.held_on DESC, m.id, c.name, h.head_name, d.id`
	today := o.Today()
	var out []Notice
	err := desk.Query(ctx, o.DB, "notices", q, args, func(r *sql.Rows) error {
		var n Notice
		var held, start string
		var days int
		if err := r.Scan(&n.ID, &n.VisitID, &n.HouseholdID, &n.CommunityID, &n.Outcome,
			&n.For, &n.Against, &n.Abstain, &n.Note, &n.MeetingID, &held, &start, &days,
			&n.Head, &n.Address, &n.Community, &n.Covered, &n.BenefitFen, &n.Reason, &n.Effective,
			&n.Superseded, &n.Withdrawn); err != nil {
			return err
		}
		n.AmountFen = n.BenefitFen
		n.HeldOn, _ = desk.ParseDate(held)
		n.Start, _ = desk.ParseDate(start)
		n.End = Meeting{NoticeStart: n.Start, NoticeDays: days}.NoticeEnd()
		n.Ended = today.After(n.End)
		if n.Effective {
			n.Superseded = false // applied first; what came later is its own decision
		}
		if !endedOnly || n.Waiting() {
			out = append(out, n)
		}
		return nil
	})
	return out, err
}

// Apply puts a decision whose notice has ended into effect on the
// household, from its EffectiveOn day, exactly once: it appends the
// entitlement period the decision starts (an approval: active with the
// decided amount and the visit's members; a cancellation for reason, one of
// schema.CancelReasons) and, in the same transaction, the household row's
// projection, last visit and next re-check date. Refusals are
// desk.ErrInvalid: withdrawn, already_effective, overtaken (a later
// decision on the household came first), notice_running, cancel_reason.
func Apply(ctx context.Context, o *desk.Office, decisionID, reason string) error {
	ns, err := notices(ctx, o, desk.Area{}, "", decisionID, false)
	if err != nil {
		return err
	}
	if len(ns) == 0 {
		return fmt.Errorf("apply decision %s: %w", decisionID, desk.ErrNotFound)
	}
	n := ns[0]
	switch {
	case n.Withdrawn:
		return desk.Invalid("withdrawn", "decision %s was withdrawn", decisionID)
	case n.Effective:
		return desk.Invalid("already_effective", "decision %s is in effect", decisionID)
	case n.Superseded:
		return desk.Invalid("overtaken", "a later decision on household %s overtook decision %s", n.HouseholdID, decisionID)
	case !n.Ended:
		return desk.Invalid("notice_running", "notice of %s runs until %s", decisionID, n.End.Format(desk.DateLayout))
	case n.Outcome == DecideCancel && !slices.Contains(schema.CancelReasons, reason):
		return desk.Invalid("cancel_reason", "cancel reason %q", reason)
	}
	d := history.Decision{HouseholdID: n.HouseholdID, DecisionID: n.ID, DecidedOn: n.HeldOn,
		From: n.EffectiveOn(), Note: n.Note}
	extra := map[string]any{"last_visit_id": n.VisitID}
	if n.Outcome == DecideCancel {
		d.Kind, d.Status, d.Reason = rules.KindCancel, rules.EntitlementCancelled, reason
	} else if err := approval(ctx, o, n, &d, extra); err != nil {
		return err
	}
	tx, err := o.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("apply decision %s: %w", decisionID, err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	if _, err := history.Append(ctx, tx, o, d, extra); err != nil {
		return fmt.Errorf("apply decision %s: %w", decisionID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("apply decision %s: commit: %w", decisionID, err)
	}
	return nil
}

// approval fills the period an approval starts (kind, amounts, people)
// and the household's next re-check date.
func approval(ctx context.Context, o *desk.Office, n Notice, d *history.Decision, extra map[string]any) error {
	var status, class, snap, caseNo string
	var urban sql.NullInt64
	var cancelled int
	err := o.DB.QueryRowContext(ctx, `SELECT coalesce(h.status,''), coalesce(h.class,''), h.urban,
		coalesce(v.snapshot,''), (SELECT count(*) FROM entitlements e WHERE e.household_id = h.id
			AND e.deleted = 0 AND e.status = 'cancelled'), coalesce(h.case_no,'')
		FROM households h LEFT JOIN means_visits v ON v.id = ? WHERE h.id = ?`,
		n.VisitID, n.HouseholdID).Scan(&status, &class, &urban, &snap, &cancelled, &caseNo)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("apply decision %s: household %s: %w", n.ID, n.HouseholdID, desk.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("apply decision %s: %w", n.ID, err)
	}
	on := n.EffectiveOn()
	switch {
	case status == "active" || status == "suspended":
		d.Kind = rules.KindRecheck
	case status == "cancelled" || cancelled > 0:
		d.Kind = rules.KindReapprove
	default:
		d.Kind = rules.KindApprove
	}
	d.Status, d.Covered, d.Reason = rules.EntitlementActive, n.Covered, n.Reason
	b, err := snapshotBenefit(snap, on, o.Rules())
	if err != nil {
		b = rules.Benefit{}
	}
	d.BaseFen, d.TopUpFen = split(n.BenefitFen, b)
	if caseNo == "" { // the 证号 is given once, at the first approval (desk/caseno.go)
		// Settle numbers two desks gave out at once while offline first.
		if _, err := desk.RenumberClashes(ctx, o.DB); err != nil {
			return fmt.Errorf("apply decision %s: %w", n.ID, err)
		}
		district, err := desk.DistrictCodeOf(ctx, o.DB, n.HouseholdID, o.Rules().Region.Code)
		if err != nil {
			return fmt.Errorf("apply decision %s: %w", n.ID, err)
		}
		if extra["case_no"], err = desk.NextCaseNumber(ctx, o.DB, district, on.Year()); err != nil {
			return fmt.Errorf("apply decision %s: %w", n.ID, err)
		}
	}
	s, err := review.ParseSnapshot(snap)
	if err != nil {
		return fmt.Errorf("apply decision %s: %w", n.ID, err)
	}
	if c := review.Value(s.Household["class"]); c != "" {
		class = c
	}
	setting := district.SettingUrban
	if urban.Valid && urban.Int64 == 0 {
		setting = district.SettingRural
	}
	if due, err := rules.RecheckDue(class, setting, on, recheckFlags(s), o.Rules()); err == nil {
		extra["recheck_due"] = due.Format(desk.DateLayout)
	}
	return nil
}

// Withdraw withdraws a decision not yet applied (e.g. the public notice
// brought a well-founded objection): a "withdraw" row naming it is
// appended to the meeting's decisions, the decision never waits again and
// its case returns to the cases waiting for a meeting. Refusals are
// desk.ErrInvalid: reason_required, already_effective, withdrawn.
func Withdraw(ctx context.Context, o *desk.Office, decisionID, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return desk.Invalid("reason_required", "withdrawing decision %s needs a reason", decisionID)
	}
	ns, err := notices(ctx, o, desk.Area{}, "", decisionID, false)
	if err != nil {
		return err
	}
	if len(ns) == 0 {
		return fmt.Errorf("withdraw decision %s: %w", decisionID, desk.ErrNotFound)
	}
	n := ns[0]
	switch {
	case n.Withdrawn:
		return desk.Invalid("withdrawn", "decision %s was withdrawn", decisionID)
	case n.Effective:
		return desk.Invalid("already_effective", "decision %s is in effect", decisionID)
	}
	err = desk.Insert(ctx, o.DB, "meeting_decisions", o.ID(), map[string]any{
		"meeting_id": n.MeetingID, "household_id": n.HouseholdID, "visit_id": n.VisitID,
		"community_id": n.CommunityID, "decision": DecideWithdraw, "note": reason,
		"withdraws_id": n.ID,
	})
	if err != nil {
		return fmt.Errorf("withdraw decision %s: %w", decisionID, err)
	}
	return nil
}

// recheckFlags returns the re-check flags a visit's members raise: a
// counted member able to work without regular employment has irregular
// income (rules.FlagIrregularIncomeWorkingAge).
func recheckFlags(s review.Snapshot) []string {
	for _, m := range s.Members {
		if review.Value(m["counted"]) != "1" {
			continue
		}
		labour, job := review.Value(m["labour_capacity"]), review.Value(m["employment"])
		if labour != "" && labour != "none" && job != "employed" && job != "student" {
			return []string{rules.FlagIrregularIncomeWorkingAge}
		}
	}
	return nil
}

// NoticeSheet is the public notice list (公示名单) of a set of notices:
// community, head of household, members covered, monthly benefit,
// decision and notice dates. It holds no ID numbers, incomes or assets.
func NoticeSheet(ns []Notice) sheet.Sheet {
	s := sheet.Sheet{
		Name: "desk.notice.sheet",
		Columns: []string{"desk.col.community", "desk.col.head", "desk.col.address", "desk.col.covered",
			"desk.col.benefit", "desk.col.decision", "desk.col.notice_start", "desk.col.notice_end"},
	}
	for _, n := range ns {
		var benefit any // a cancellation pays nothing
		if n.Outcome == DecideApprove {
			benefit = sheet.Money(n.BenefitFen)
		}
		s.Rows = append(s.Rows, []any{n.Community, n.Head, n.Address, n.Covered, benefit,
			sheet.Code("code.meeting_decision." + n.Outcome),
			n.Start.Format(desk.DateLayout), n.End.Format(desk.DateLayout)})
	}
	return s
}
