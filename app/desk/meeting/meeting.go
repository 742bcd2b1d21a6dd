package meeting

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"doorstep/app/desk"
	"doorstep/schema"
)

// Meeting is a collective approval meeting of one street.
type Meeting struct {
	ID       string
	StreetID string
	HeldOn   time.Time
	// Attendees are those present: staff ids, or the names of people who
	// are not staff (e.g. community representatives), as typed.
	Attendees []string
	// NoticeDays is the length of the public notice; zero in Hold means
	// the district's (process.public_notice_days, 7 by default).
	NoticeDays int
	// NoticeStart is the first day of the notice; zero in Hold means the
	// day of the meeting.
	NoticeStart time.Time
	Note        string
	Decisions   []Decision
}

// NoticeEnd returns the last day of the meeting's public notice.
func (m Meeting) NoticeEnd() time.Time { return m.NoticeStart.AddDate(0, 0, m.NoticeDays-1) }

// Decision is the meeting's decision on one case, with the votes.
type Decision struct {
	ID          string
	VisitID     string
	HouseholdID string
	CommunityID string
	Outcome     string // DecideApprove, DecideRefuse or DecideCancel
	For         int
	Against     int
	Abstain     int
	Note        string
	// AmountFen is the monthly benefit an approval grants. Zero in Hold
	// means the amount the visit computed; approving a household the
	// means test found ineligible needs an amount (Case.DifferenceFen is
	// the figure to start from) and a Reason.
	AmountFen int64
	// Reason says why the meeting decided against the means test or
	// changed the amount.
	Reason string
}

// Hold records a meeting and its decisions in one transaction and returns
// it as stored (ids, defaults filled). Each decision must be on a current
// Case of the meeting's street; refusals are desk.ErrInvalid with a code:
// held_on (missing or in the future), attendees (fewer than two),
// street (none chosen), no_cases, not_a_case, duplicate_case, decision, votes (negative or more
// than those present), majority (approving or cancelling without a
// majority of the votes cast), notice_days, amount_required (approving
// against the means test without a positive amount, or a negative amount),
// reason_required (approving against the means test, or at an amount other
// than the visit's, without a reason).
func Hold(ctx context.Context, o *desk.Office, m Meeting) (Meeting, error) {
	if err := check(ctx, o, &m); err != nil {
		return Meeting{}, err
	}
	m.ID = o.ID()
	for i := range m.Decisions {
		m.Decisions[i].ID = o.ID()
	}
	tx, err := o.DB.BeginTx(ctx, nil)
	if err != nil {
		return Meeting{}, fmt.Errorf("hold meeting: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	attendees, _ := json.Marshal(m.Attendees)
	err = desk.Insert(ctx, tx, "approval_meetings", m.ID, map[string]any{
		"street_id":    m.StreetID,
		"held_on":      m.HeldOn.Format(desk.DateLayout),
		"attendees":    string(attendees),
		"notice_days":  m.NoticeDays,
		"notice_start": m.NoticeStart.Format(desk.DateLayout),
		"note":         m.Note,
	})
	if err != nil {
		return Meeting{}, fmt.Errorf("hold meeting: %w", err)
	}
	for _, d := range m.Decisions {
		err := desk.Insert(ctx, tx, "meeting_decisions", d.ID, map[string]any{
			"meeting_id":    m.ID,
			"household_id":  d.HouseholdID,
			"visit_id":      d.VisitID,
			"community_id":  d.CommunityID,
			"decision":      d.Outcome,
			"votes_for":     d.For,
			"votes_against": d.Against,
			"votes_abstain": d.Abstain,
			"note":          d.Note,
			"amount_fen":    amountValue(d),
			"reason":        d.Reason,
		})
		if err != nil {
			return Meeting{}, fmt.Errorf("hold meeting: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return Meeting{}, fmt.Errorf("hold meeting: commit: %w", err)
	}
	return m, nil
}

// check validates m and fills its defaults and the decisions' household
// and community from the cases.
func check(ctx context.Context, o *desk.Office, m *Meeting) error {
	if m.HeldOn.IsZero() || m.HeldOn.After(o.Today()) {
		return desk.Invalid("held_on", "meeting date %v missing or in the future", m.HeldOn)
	}
	var names []string
	for _, a := range m.Attendees {
		if a = strings.TrimSpace(a); a != "" && !slices.Contains(names, a) {
			names = append(names, a)
		}
	}
	if len(names) < 2 {
		return desk.Invalid("attendees", "%d attendees; a collective decision needs at least 2", len(names))
	}
	m.Attendees = names
	switch {
	case m.NoticeDays < 0:
		return desk.Invalid("notice_days", "notice of %d days", m.NoticeDays)
	case m.NoticeDays == 0:
		m.NoticeDays = o.Rules().Process.PublicNoticeDays
	}
	if m.NoticeStart.IsZero() {
		m.NoticeStart = m.HeldOn
	}
	if m.StreetID == "" {
		m.StreetID = o.Street
	}
	if m.StreetID == "" {
		return desk.Invalid("street", "a meeting needs its street")
	}
	if len(m.Decisions) == 0 {
		return desk.Invalid("no_cases", "a meeting without cases")
	}
	seen := map[string]bool{}
	for i := range m.Decisions {
		d := &m.Decisions[i]
		if seen[d.VisitID] {
			return desk.Invalid("duplicate_case", "visit %s decided twice", d.VisitID)
		}
		seen[d.VisitID] = true
		cs, err := cases(ctx, o, desk.Area{StreetID: m.StreetID}, d.VisitID)
		if err != nil {
			return err
		}
		if len(cs) == 0 {
			return desk.Invalid("not_a_case", "visit %s is not waiting for this street's meeting", d.VisitID)
		}
		d.HouseholdID, d.CommunityID = cs[0].HouseholdID, cs[0].CommunityID
		if !slices.Contains(schema.MeetingDecisions, d.Outcome) {
			return desk.Invalid("decision", "decision %q", d.Outcome)
		}
		cast := d.For + d.Against + d.Abstain
		if d.For < 0 || d.Against < 0 || d.Abstain < 0 || cast > len(names) {
			return desk.Invalid("votes", "votes %d/%d/%d with %d present", d.For, d.Against, d.Abstain, len(names))
		}
		if d.Outcome != DecideRefuse && 2*d.For <= cast {
			return desk.Invalid("majority", "%s with %d of %d votes", d.Outcome, d.For, cast)
		}
		if err := checkAmount(d, cs[0]); err != nil {
			return err
		}
	}
	return nil
}

// checkAmount fills and checks an approval's amount: the visit's when none
// is given; against the means test (or at another amount) only with a
// positive amount and a reason. Other outcomes carry no amount.
func checkAmount(d *Decision, c Case) error {
	d.Reason = strings.TrimSpace(d.Reason)
	if d.Outcome != DecideApprove {
		d.AmountFen = 0
		return nil
	}
	switch {
	case d.AmountFen < 0:
		return desk.Invalid("amount_required", "amount %d for visit %s", d.AmountFen, d.VisitID)
	case !c.Eligible && d.AmountFen == 0:
		return desk.Invalid("amount_required", "visit %s failed the means test: the meeting must set the amount", d.VisitID)
	case d.AmountFen == 0:
		d.AmountFen = c.BenefitFen
	}
	if (!c.Eligible || d.AmountFen != c.BenefitFen) && d.Reason == "" {
		return desk.Invalid("reason_required", "approving visit %s at %d (computed %d, eligible %v) needs a reason",
			d.VisitID, d.AmountFen, c.BenefitFen, c.Eligible)
	}
	return nil
}

// amountValue is meeting_decisions.amount_fen: NULL unless an approval.
func amountValue(d Decision) any {
	if d.Outcome != DecideApprove {
		return nil
	}
	return d.AmountFen
}

// Meetings returns the meetings of the supervisor's streets (one street
// when street is set), latest first, without their decisions.
func Meetings(ctx context.Context, o *desk.Office, street string) ([]Meeting, error) {
	q := `SELECT id, coalesce(street_id,''), coalesce(held_on,''), coalesce(attendees,''),
		coalesce(notice_days,0), coalesce(notice_start,''), coalesce(note,'')
		FROM approval_meetings WHERE deleted = 0`
	var args []any
	for _, s := range []string{o.Street, street} {
		if s != "" {
			q += ` AND street_id = ?`
			args = append(args, s)
		}
	}
	var out []Meeting
	err := desk.Query(ctx, o.DB, "meetings", q+` ORDER BY held_on DESC, id DESC`, args, func(r *sql.Rows) error {
		var m Meeting
		var held, attendees, start string
		if err := r.Scan(&m.ID, &m.StreetID, &held, &attendees, &m.NoticeDays, &start, &m.Note); err != nil {
			return err
		}
		m.HeldOn, _ = desk.ParseDate(held)
		m.NoticeStart, _ = desk.ParseDate(start)
		if attendees != "" {
			_ = json.Unmarshal([]byte(attendees), &m.Attendees)
		}
		out = append(out, m)
		return nil
	})
	return out, err
}

// Staff returns who may attend a street's meeting: the street's and the
// district's supervisors, then the street's community workers, by name.
func Staff(ctx context.Context, o *desk.Office, street string) ([]desk.Place, error) {
	var out []desk.Place
	err := desk.Query(ctx, o.DB, "meeting staff", `SELECT s.id, coalesce(s.name,'') FROM staff s
		WHERE s.deleted = 0 AND (s.role = 'supervisor' AND coalesce(s.street_id,'') IN ('', ?)
			OR s.role = 'worker' AND s.community_id IN (SELECT id FROM communities WHERE street_id = ?))
		ORDER BY s.role, s.name, s.id`, []any{street, street}, func(r *sql.Rows) error {
		var p desk.Place
		if err := r.Scan(&p.ID, &p.Name); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

// AttendeeNames shows attendees: staff names for staff ids, other names
// as typed.
func AttendeeNames(attendees []string, names map[string]string) []string {
	out := make([]string, len(attendees))
	for i, a := range attendees {
		if n, ok := names[a]; ok && n != "" {
			out[i] = n
		} else {
			out[i] = a
		}
	}
	return out
}
