package meeting

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"doorstep/app/desk"
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
	MeetingID  string
	HeldOn     time.Time
	Head       string
	Address    string
	Community  string
	Covered    int   // counted members in the decided visit
	BenefitFen int64 // monthly benefit the decided visit computed
	// Start and End are the first and last day of the notice.
	Start, End time.Time
	// Ended is true once End has passed.
	Ended bool
	// Effective is true once the decision is put into effect on the
	// household (Apply).
	Effective bool
}

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
// first, with their notice dates as of today. endedOnly keeps those whose
// notice has ended and that are not yet in effect.
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
		` + coveredSQL("v.snapshot") + `, coalesce(v.benefit_fen,0),
		coalesce(h.last_visit_id,'') = d.visit_id AND coalesce(h.status,'') =
			CASE d.decision WHEN 'cancel' THEN 'cancelled' ELSE 'active' END
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
			&n.Head, &n.Address, &n.Community, &n.Covered, &n.BenefitFen, &n.Effective); err != nil {
			return err
		}
		n.HeldOn, _ = desk.ParseDate(held)
		n.Start, _ = desk.ParseDate(start)
		n.End = Meeting{NoticeStart: n.Start, NoticeDays: days}.NoticeEnd()
		n.Ended = today.After(n.End)
		if !endedOnly || n.Ended && !n.Effective {
			out = append(out, n)
		}
		return nil
	})
	return out, err
}

// Apply puts a decision whose notice has ended into effect on the
// household, from its EffectiveOn day: an approval makes it active
// with the visit's benefit, members and next re-check date; a cancellation
// ends it for reason (one of schema.CancelReasons). Refusals are
// desk.ErrInvalid: notice_running, already_effective, cancel_reason.
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
	case !n.Ended:
		return desk.Invalid("notice_running", "notice of %s runs until %s", decisionID, n.End.Format(desk.DateLayout))
	case n.Effective:
		return desk.Invalid("already_effective", "decision %s is in effect", decisionID)
	case n.Outcome == DecideCancel && !slices.Contains(schema.CancelReasons, reason):
		return desk.Invalid("cancel_reason", "cancel reason %q", reason)
	}
	on := n.EffectiveOn().Format(desk.DateLayout)
	values := map[string]any{"last_visit_id": n.VisitID}
	if n.Outcome == DecideCancel {
		values["status"], values["cancelled_on"], values["cancel_reason"] = "cancelled", on, reason
	} else {
		values, err = approval(ctx, o, n)
		if err != nil {
			return err
		}
	}
	if err := desk.Update(ctx, o.DB, "households", n.HouseholdID, values); err != nil {
		return fmt.Errorf("apply decision %s: %w", decisionID, err)
	}
	return nil
}

// approval returns the household columns an approval sets.
func approval(ctx context.Context, o *desk.Office, n Notice) (map[string]any, error) {
	var status, approvedOn, class, snap, caseNo string
	var urban sql.NullInt64
	err := o.DB.QueryRowContext(ctx, `SELECT coalesce(h.status,''), coalesce(h.approved_on,''),
		coalesce(h.class,''), h.urban, coalesce(v.snapshot,''), coalesce(h.case_no,'')
		FROM households h LEFT JOIN means_visits v ON v.id = ? WHERE h.id = ?`,
		n.VisitID, n.HouseholdID).Scan(&status, &approvedOn, &class, &urban, &snap, &caseNo)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("apply decision %s: household %s: %w", n.ID, n.HouseholdID, desk.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("apply decision %s: %w", n.ID, err)
	}
	on := n.EffectiveOn()
	values := map[string]any{
		"status":          "active",
		"benefit_fen":     n.BenefitFen,
		"covered_members": n.Covered,
		"last_visit_id":   n.VisitID,
		"cancelled_on":    nil,
		"cancel_reason":   nil,
	}
	if status != "active" && status != "suspended" || approvedOn == "" {
		values["approved_on"] = on.Format(desk.DateLayout)
	}
	if caseNo == "" { // the 证号 is given once, at the first approval (desk/caseno.go)
		// Settle numbers two desks gave out at once while offline first.
		if _, err := desk.RenumberClashes(ctx, o.DB); err != nil {
			return nil, fmt.Errorf("apply decision %s: %w", n.ID, err)
		}
		district, err := desk.DistrictCodeOf(ctx, o.DB, n.HouseholdID, o.Rules().Region.Code)
		if err != nil {
			return nil, fmt.Errorf("apply decision %s: %w", n.ID, err)
		}
		if values["case_no"], err = desk.NextCaseNumber(ctx, o.DB, district, on.Year()); err != nil {
			return nil, fmt.Errorf("apply decision %s: %w", n.ID, err)
		}
	}
	s, err := review.ParseSnapshot(snap)
	if err != nil {
		return nil, fmt.Errorf("apply decision %s: %w", n.ID, err)
	}
	if c := review.Value(s.Household["class"]); c != "" {
		class = c
	}
	setting := district.SettingUrban
	if urban.Valid && urban.Int64 == 0 {
		setting = district.SettingRural
	}
	if due, err := rules.RecheckDue(class, setting, on, recheckFlags(s), o.Rules()); err == nil {
		values["recheck_due"] = due.Format(desk.DateLayout)
	}
	return values, nil
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
