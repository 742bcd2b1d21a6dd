package records

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"doorstep/schema"
)

// Kinds of Today items, in the order the Today screen lists them.
const (
	TodayReturned  = "returned"        // a record returned for correction
	TodayOverdue   = "recheck_overdue" // a household re-check past its date
	TodaySpotCheck = "spot_check"      // a spot check assigned to me, not done yet
	TodayRiskAlert = "risk_alert"      // a volunteer flagged a risk at one of my elders
	TodayRecheck   = "recheck_due"     // a household re-check due soon
	TodayVisitDue  = "visit_due"       // a volunteer visit due (volunteers)
	TodayDraft     = "draft"           // an unfinished form
)

var todayOrder = []string{TodayReturned, TodayOverdue, TodaySpotCheck, TodayRiskAlert,
	TodayRecheck, TodayVisitDue, TodayDraft}

// Review actions (review_events.action). The state of a reviewed record is
// its latest event's action.
const (
	ReviewApprove = "approve"
	ReviewReturn  = "return"
)

// Windows of the Today list.
const (
	RecheckWindow   = 30 * 24 * time.Hour // re-checks due within this are listed
	VisitDueWindow  = 7 * 24 * time.Hour  // volunteer visits due within this are listed
	RiskAlertWindow = 14 * 24 * time.Hour // risk flags raised within this are listed
)

// TodayItem is one thing to do. Which reference fields are set depends on
// Kind: households (re-checks, spot checks, returned visits) set HouseholdID,
// elders (visits due, risk alerts, returned screenings) set ElderID, and
// records to open set RecordTable and RecordID. Drafts set Form and
// RecordID.
type TodayItem struct {
	Kind     string
	Title    string // who: the head of household or the elder
	Subtitle string // where: address or community
	Date     string // the due date, or when it happened

	HouseholdID string
	ElderID     string
	PairingID   string
	RecordTable string
	RecordID    string
	Form        string

	// Returned records: the reviewer's comment and comments by field name.
	Comment       string
	FieldComments map[string]string
	// Risk alerts: the flags the volunteer raised.
	Flags []string
}

// Today returns what me should do, most urgent kind first; within a kind,
// earliest date first.
func (s *Store) Today(ctx context.Context, me Identity) ([]TodayItem, error) {
	today := s.Date()
	var out []TodayItem
	steps := []func(context.Context, Identity, string) ([]TodayItem, error){
		s.todayReturned, s.todayDrafts,
	}
	if me.IsVolunteer() {
		steps = append(steps, s.todayVisitsDue)
	} else {
		steps = append(steps, s.todayRechecks, s.todaySpotChecks, s.todayRiskAlerts)
	}
	for _, step := range steps {
		items, err := step(ctx, me, today)
		if err != nil {
			return nil, fmt.Errorf("today: %w", err)
		}
		out = append(out, items...)
	}
	slices.SortStableFunc(out, func(a, b TodayItem) int {
		if d := slices.Index(todayOrder, a.Kind) - slices.Index(todayOrder, b.Kind); d != 0 {
			return d
		}
		if a.Kind == TodayDraft || a.Kind == TodayRiskAlert || a.Kind == TodayReturned {
			return strings.Compare(b.Date, a.Date) // newest first
		}
		return strings.Compare(a.Date, b.Date)
	})
	return out, nil
}

func (s *Store) addDays(date string, d time.Duration) string {
	t, err := time.Parse(DateLayout, date)
	if err != nil {
		return date
	}
	return t.Add(d).Format(DateLayout)
}

// communityFilter returns " AND <col> IN (...)" and its arguments for me's
// communities; supervisors get no filter.
func communityFilter(me Identity, col string) (string, []any) {
	if me.AllCommunities() {
		return "", nil
	}
	return " AND " + col + " IN (" + sqlParams(len(me.Communities)) + ")", anys(me.Communities)
}

// todayRechecks lists a worker's households whose re-check is overdue or due
// within RecheckWindow (their own caseload, or households without a
// caseworker); a supervisor gets every overdue re-check of their area.
func (s *Store) todayRechecks(ctx context.Context, me Identity, today string) ([]TodayItem, error) {
	filter, args := communityFilter(me, "h.community_id")
	until := s.addDays(today, RecheckWindow)
	if me.Role == schema.RoleSupervisor {
		until = s.addDays(today, -24*time.Hour)
	} else {
		filter += ` AND coalesce(h.caseworker_id,'') IN ('', ?)`
		args = append(args, me.UserID)
	}
	args = append([]any{until}, args...)
	var out []TodayItem
	err := s.queryRows(ctx, "re-checks", `SELECT h.id, coalesce(h.head_name,''), coalesce(h.address,''), h.recheck_due
		FROM households h
		WHERE h.deleted = 0 AND h.status = 'active' AND coalesce(h.recheck_due,'') <> ''
		AND h.recheck_due <= ?`+filter+`
		ORDER BY h.recheck_due`, args, func(r *sql.Rows) error {
		it := TodayItem{Kind: TodayRecheck, RecordTable: "households"}
		if err := r.Scan(&it.HouseholdID, &it.Title, &it.Subtitle, &it.Date); err != nil {
			return err
		}
		if it.Date < today {
			it.Kind = TodayOverdue
		}
		it.RecordID = it.HouseholdID
		out = append(out, it)
		return nil
	})
	return out, err
}

func (s *Store) todaySpotChecks(ctx context.Context, me Identity, _ string) ([]TodayItem, error) {
	var out []TodayItem
	err := s.queryRows(ctx, "spot checks", `SELECT sc.id, coalesce(sc.household_id,''),
		coalesce(h.head_name,''), coalesce(h.address,''), coalesce(sc.planned_on,'')
		FROM spot_checks sc LEFT JOIN households h ON h.id = sc.household_id
		WHERE sc.deleted = 0 AND coalesce(sc.checked_at,'') = ''
		AND EXISTS (SELECT 1 FROM json_each(CASE WHEN json_valid(sc.inspector_ids) THEN sc.inspector_ids ELSE '[]' END)
			WHERE value = ?)
		ORDER BY sc.planned_on`, []any{me.UserID}, func(r *sql.Rows) error {
		it := TodayItem{Kind: TodaySpotCheck, RecordTable: "spot_checks"}
		err := r.Scan(&it.RecordID, &it.HouseholdID, &it.Title, &it.Subtitle, &it.Date)
		out = append(out, it)
		return err
	})
	return out, err
}

func (s *Store) todayRiskAlerts(ctx context.Context, me Identity, today string) ([]TodayItem, error) {
	filter, args := communityFilter(me, "v.community_id")
	args = append([]any{s.addDays(today, -RiskAlertWindow)}, args...)
	var out []TodayItem
	err := s.queryRows(ctx, "risk alerts", `SELECT v.id, coalesce(v.elder_id,''), coalesce(v.pairing_id,''),
		coalesce(e.name,''), coalesce(e.address,''), coalesce(v.started_at,''), v.risk_flags
		FROM volunteer_visits v LEFT JOIN elders e ON e.id = v.elder_id
		WHERE v.deleted = 0 AND json_valid(v.risk_flags) AND json_array_length(v.risk_flags) > 0
		AND substr(coalesce(v.started_at,''), 1, 10) >= ?`+filter, args, func(r *sql.Rows) error {
		it := TodayItem{Kind: TodayRiskAlert, RecordTable: "volunteer_visits"}
		var flags string
		if err := r.Scan(&it.RecordID, &it.ElderID, &it.PairingID, &it.Title, &it.Subtitle, &it.Date, &flags); err != nil {
			return err
		}
		_ = json.Unmarshal([]byte(flags), &it.Flags)
		out = append(out, it)
		return nil
	})
	return out, err
}

// returnedSources lists the tables whose records a reviewer can return, the
// column naming their author, and how the record names its subject.
var returnedSources = []struct {
	table, author, subject string
}{
	{"means_visits", "author_id", "household_id"},
	{"spot_checks", "author_id", "household_id"},
	{"elder_screenings", "author_id", "elder_id"},
	{"volunteer_visits", "volunteer_id", "elder_id"},
}

// todayReturned lists my records whose latest review event returns them,
// unless a later record supersedes them or they were resubmitted after the
// return.
func (s *Store) todayReturned(ctx context.Context, me Identity, _ string) ([]TodayItem, error) {
	var out []TodayItem
	for _, src := range returnedSources {
		resolved := ""
		switch src.table {
		case "means_visits":
			resolved = ` AND NOT EXISTS (SELECT 1 FROM means_visits n WHERE n.supersedes_id = r.id AND n.deleted = 0)
				AND coalesce(r.submitted_at,'') <= e.at`
		case "elder_screenings":
			resolved = ` AND coalesce(r.submitted_at,'') <= e.at`
		}
		title := `coalesce((SELECT head_name FROM households WHERE id = r.household_id),'')`
		where := `coalesce((SELECT address FROM households WHERE id = r.household_id),'')`
		if src.subject == "elder_id" {
			title = `coalesce((SELECT name FROM elders WHERE id = r.elder_id),'')`
			where = `coalesce((SELECT address FROM elders WHERE id = r.elder_id),'')`
		}
		q := `SELECT r.id, coalesce(r.` + src.subject + `,''), ` + title + `, ` + where + `,
			coalesce(e.at,''), coalesce(e.comment,''), coalesce(e.field_comments,'')
			FROM ` + src.table + ` r JOIN review_events e ON e.record_id = r.id AND e.deleted = 0
			WHERE r.deleted = 0 AND r.` + src.author + ` = ? AND e.action = ?
			AND NOT EXISTS (SELECT 1 FROM review_events l WHERE l.record_id = r.id AND l.deleted = 0
				AND (l.at > e.at OR l.at = e.at AND l.id > e.id))` + resolved
		err := s.queryRows(ctx, "returned "+src.table, q, []any{me.UserID, ReviewReturn}, func(r *sql.Rows) error {
			it := TodayItem{Kind: TodayReturned, RecordTable: src.table}
			var subject, fields string
			if err := r.Scan(&it.RecordID, &subject, &it.Title, &it.Subtitle, &it.Date, &it.Comment, &fields); err != nil {
				return err
			}
			if src.subject == "elder_id" {
				it.ElderID = subject
			} else {
				it.HouseholdID = subject
			}
			if fields != "" {
				_ = json.Unmarshal([]byte(fields), &it.FieldComments)
			}
			out = append(out, it)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) todayDrafts(ctx context.Context, _ Identity, _ string) ([]TodayItem, error) {
	ds, err := s.Drafts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]TodayItem, 0, len(ds))
	for _, d := range ds {
		out = append(out, TodayItem{Kind: TodayDraft, Title: d.Title, Form: d.Form, RecordID: d.RecordID,
			Date: d.UpdatedAt.Local().Format(DateLayout)})
	}
	return out, nil
}

func (s *Store) todayVisitsDue(ctx context.Context, me Identity, today string) ([]TodayItem, error) {
	elders, err := s.Elders(ctx, me)
	if err != nil {
		return nil, err
	}
	limit := s.addDays(today, VisitDueWindow)
	var out []TodayItem
	for _, e := range elders {
		if e.PairingID == "" || e.NextVisit > limit {
			continue
		}
		out = append(out, TodayItem{Kind: TodayVisitDue, Title: e.Name, Subtitle: e.Address,
			Date: e.NextVisit, ElderID: e.ID, PairingID: e.PairingID})
	}
	return out, nil
}
