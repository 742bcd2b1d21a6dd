package meeting

import (
	"context"
	"database/sql"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/sheet"
	"doorstep/app/forms"
)

// Decisions a meeting takes on a case (schema.MeetingDecisions).
const (
	DecideApprove = "approve" // grant 低保, or the new amount after a re-check
	DecideRefuse  = "refuse"  // turn an application down
	DecideCancel  = "cancel"  // end a household's 低保
	// DecideWithdraw rows withdraw an earlier decision (meeting_decisions.withdraws_id).
	DecideWithdraw = "withdraw"
)

// Case is a reviewed means-test visit waiting for collective approval: an
// application, or a re-check that changes the household's eligibility or
// benefit.
type Case struct {
	VisitID     string
	HouseholdID string
	Head        string
	Address     string
	CommunityID string
	Community   string
	StreetID    string
	Purpose     string // schema.VisitPurposes
	Status      string // the household's status now
	Eligible    bool
	// BenefitFen is the monthly benefit the visit computed; CurrentFen what
	// the household receives now.
	BenefitFen int64
	CurrentFen int64
	// Covered is the number of counted members in the visit.
	Covered int
	// DifferenceFen is the difference-method amount (with class top-ups)
	// of the incomes the visit recorded, whatever the asset test found:
	// the amount to start from when a meeting approves against the means
	// test.
	DifferenceFen int64
	// Approved is when the review approved the visit.
	Approved time.Time
	// Suggested is the decision the visit points to; the meeting decides.
	Suggested string
}

// Cases returns the visits waiting for a meeting in the area, oldest
// review approval first: the household's latest submitted visit, approved
// by review, not yet decided nor already in effect (the household's last
// visit), and either an application, a household not yet receiving 低保,
// a visit finding the household ineligible, or one changing its benefit.
func Cases(ctx context.Context, o *desk.Office, a desk.Area) ([]Case, error) {
	return cases(ctx, o, a, "")
}

func cases(ctx context.Context, o *desk.Office, a desk.Area, visitID string) ([]Case, error) {
	q := `SELECT v.id, coalesce(v.household_id,''), coalesce(h.head_name,''), coalesce(h.address,''),
		coalesce(v.community_id,''), coalesce(c.name,''), coalesce(c.street_id,''),
		coalesce(v.purpose,''), coalesce(h.status,''), coalesce(v.eligible,0),
		coalesce(v.benefit_fen,0), coalesce(h.benefit_fen,0), ` + coveredSQL("v.snapshot") + `,
		coalesce(e.at,''), coalesce(v.snapshot,'')
		FROM means_visits v
		JOIN review_events e ON e.id = (SELECT x.id FROM review_events x WHERE x.record_id = v.id
			AND x.deleted = 0 ORDER BY x.at DESC, x.id DESC LIMIT 1)
		LEFT JOIN households h ON h.id = v.household_id
		LEFT JOIN communities c ON c.id = v.community_id
		WHERE v.deleted = 0 AND v.state = 'submitted' AND e.action = 'approve'
		AND v.id NOT IN (SELECT n.supersedes_id FROM means_visits n WHERE n.supersedes_id IS NOT NULL
			AND n.deleted = 0 AND n.state = 'submitted')
		AND v.id NOT IN (SELECT d.visit_id FROM meeting_decisions d WHERE d.visit_id IS NOT NULL AND d.deleted = 0
			AND d.decision <> 'withdraw' AND NOT EXISTS (SELECT 1 FROM meeting_decisions w
				WHERE w.withdraws_id = d.id AND w.deleted = 0))
		AND coalesce(h.last_visit_id,'') <> v.id
		AND NOT EXISTS (SELECT 1 FROM means_visits n WHERE n.household_id = v.household_id AND n.deleted = 0
			AND n.state = 'submitted' AND n.submitted_at > v.submitted_at)
		AND (v.purpose = 'application' OR coalesce(h.status,'') NOT IN ('active','suspended')
			OR coalesce(v.eligible,0) = 0 OR coalesce(v.benefit_fen,0) <> coalesce(h.benefit_fen,0))`
	cond, args := o.Filter("v.community_id", a)
	q += cond
	if visitID != "" {
		q += ` AND v.id = ?`
		args = append(args, visitID)
	}
	q += ` ORDER BY e.at, v.id`
	var out []Case
	err := desk.Query(ctx, o.DB, "approval cases", q, args, func(r *sql.Rows) error {
		var c Case
		var approved, snap string
		if err := r.Scan(&c.VisitID, &c.HouseholdID, &c.Head, &c.Address, &c.CommunityID, &c.Community,
			&c.StreetID, &c.Purpose, &c.Status, &c.Eligible, &c.BenefitFen, &c.CurrentFen, &c.Covered,
			&approved, &snap); err != nil {
			return err
		}
		c.Approved, _ = desk.ParseInstant(approved)
		if b, err := snapshotBenefit(snap, o.Today(), o.Rules()); err == nil {
			c.DifferenceFen = b.TotalFen
		}
		c.Suggested = suggest(c)
		out = append(out, c)
		return nil
	})
	return out, err
}

// suggest returns the decision a case's visit points to.
func suggest(c Case) string {
	switch {
	case c.Eligible:
		return DecideApprove
	case c.Status == "active" || c.Status == "suspended":
		return DecideCancel
	}
	return DecideRefuse
}

// coveredSQL counts the counted members in a snapshot column.
func coveredSQL(col string) string {
	return `(SELECT count(*) FROM json_each(CASE WHEN json_valid(` + col + `) THEN ` + col +
		` ELSE '{}' END, '$.members') WHERE json_extract(value, '$.counted') = 1)`
}

// CasesSheet is the export of the cases waiting for a meeting.
func CasesSheet(cs []Case) sheet.Sheet {
	s := sheet.Sheet{
		Name: "desk.meeting.cases_sheet",
		Columns: []string{"desk.col.community", "desk.col.head", "desk.col.address", forms.LabelKey("means_visits", "purpose"),
			"desk.col.covered", "desk.col.benefit", "desk.col.current_benefit", "desk.col.suggested"},
	}
	for _, c := range cs {
		s.Rows = append(s.Rows, []any{c.Community, c.Head, c.Address, sheet.Code("code.purpose." + c.Purpose),
			c.Covered, sheet.Money(c.BenefitFen), sheet.Money(c.CurrentFen),
			sheet.Code("code.meeting_decision." + c.Suggested)})
	}
	return s
}
