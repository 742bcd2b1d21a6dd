package review

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"doorstep/app/desk"
)

// Filter narrows the queue. The zero value is every submitted record of
// every kind in the supervisor's area, in every state.
type Filter struct {
	Kinds  []Kind // empty = every kind
	Area   desk.Area
	Worker string      // staff id of the author (worker or volunteer); "" = anyone
	Period desk.Period // submission date, in the office's time zone
	States []State     // empty = every state
	// Flagged keeps only records whose evidence the server flagged
	// (docs/EVIDENCE.md).
	Flagged bool
	// Short keeps only unusually short means-test visits
	// (desk.ShortVisits).
	Short bool
}

// Item is one record in the queue.
type Item struct {
	Kind        Kind
	ID          string
	SubjectID   string // household or elder id
	Subject     string // head of household or elder's name
	CommunityID string
	Community   string
	StreetID    string
	Street      string
	WorkerID    string
	Worker      string
	Submitted   time.Time // zero if the record has no submission time
	State       State
	// Latest is the latest review decision, nil if none.
	Latest *Event
	// SupersedesID is the record this one corrects (means-test visits).
	SupersedesID string
	// Flagged: the server flagged the record's evidence.
	Flagged bool
	// Short says why a means-test visit was unusually short (a
	// desk.Short… reason; "" when it was not).
	Short string
}

// Queue is the result of List: the items in the filter, oldest first, and
// how many records of each state match the filter's other criteria.
type Queue struct {
	Items  []Item
	Counts map[State]int
}

// List returns the review queue for f: records submitted for review,
// oldest first, with counts per state.
func List(ctx context.Context, o *desk.Office, f Filter) (Queue, error) {
	q := Queue{Counts: map[State]int{}}
	flagged, err := FlaggedRecords(ctx, o)
	if err != nil {
		return Queue{}, err
	}
	short, err := desk.ShortVisits(ctx, o, f.Area)
	if err != nil {
		return Queue{}, err
	}
	for _, src := range sources {
		if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, src.kind) {
			continue
		}
		items, err := list(ctx, o, src, f, "")
		if err != nil {
			return Queue{}, err
		}
		dated := !f.Period.From.IsZero() || !f.Period.To.IsZero()
		for _, it := range items {
			if dated && (it.Submitted.IsZero() || !f.Period.Contains(desk.DateOf(it.Submitted, o.Location()))) {
				continue
			}
			it.Flagged = flagged[src.table+"/"+it.ID]
			if src.kind == MeansVisit {
				it.Short = short[it.ID]
			}
			if f.Flagged && !it.Flagged || f.Short && it.Short == "" {
				continue
			}
			q.Counts[it.State]++
			if len(f.States) == 0 || slices.Contains(f.States, it.State) {
				q.Items = append(q.Items, it)
			}
		}
	}
	slices.SortStableFunc(q.Items, func(a, b Item) int {
		if c := a.Submitted.Compare(b.Submitted); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return q, nil
}

// Get returns one record's queue item, or desk.ErrNotFound (also for a
// record outside the supervisor's street or not submitted).
func Get(ctx context.Context, o *desk.Office, k Kind, id string) (Item, error) {
	src, ok := sourceOf(k)
	if !ok {
		return Item{}, fmt.Errorf("review: unknown kind %q", k)
	}
	items, err := list(ctx, o, src, Filter{}, id)
	if err != nil {
		return Item{}, err
	}
	if len(items) == 0 {
		return Item{}, fmt.Errorf("review %s %s: %w", k, id, desk.ErrNotFound)
	}
	return items[0], nil
}

// list reads the submitted records of one source in the filter's area and
// for its worker (one record when id is set), with their latest event.
func list(ctx context.Context, o *desk.Office, src source, f Filter, id string) ([]Item, error) {
	subjectName := `(SELECT head_name FROM households WHERE id = r.household_id)`
	if !src.kind.Household() {
		subjectName = `(SELECT name FROM elders WHERE id = r.elder_id)`
	}
	supersedes, superseded := `''`, `0`
	if src.kind == MeansVisit {
		supersedes = `coalesce(r.supersedes_id,'')`
		// Not correlated, so SQLite builds the set once (supersedes_id
		// has no index).
		superseded = `r.id IN (SELECT n.supersedes_id FROM means_visits n WHERE n.supersedes_id IS NOT NULL
			AND n.deleted = 0 AND n.state = 'submitted')`
	}
	q := `SELECT r.id, coalesce(r.` + src.subject + `,''), coalesce(` + subjectName + `,''),
		coalesce(r.community_id,''), coalesce(c.name,''), coalesce(c.street_id,''), coalesce(st.name,''),
		coalesce(r.` + src.author + `,''), coalesce(w.name,''), coalesce(r.` + src.submitted + `,''),
		` + supersedes + `, ` + superseded + `,
		coalesce(e.id,''), coalesce(e.action,''), coalesce(e.comment,''), coalesce(e.field_comments,''),
		coalesce(e.reviewer_id,''), coalesce(rv.name,''), coalesce(e.at,'')
		FROM ` + src.table + ` r
		LEFT JOIN communities c ON c.id = r.community_id
		LEFT JOIN streets st ON st.id = c.street_id
		LEFT JOIN staff w ON w.id = r.` + src.author + `
		LEFT JOIN review_events e ON e.id = (SELECT x.id FROM review_events x
			WHERE x.record_id = r.id AND x.record_table = ? AND x.deleted = 0
			ORDER BY x.at DESC, x.id DESC LIMIT 1)
		LEFT JOIN staff rv ON rv.id = e.reviewer_id
		WHERE r.deleted = 0 AND r.state = 'submitted'`
	args := []any{src.table}
	cond, cargs := o.Filter("r.community_id", f.Area)
	q += cond
	args = append(args, cargs...)
	if f.Worker != "" {
		q += ` AND r.` + src.author + ` = ?`
		args = append(args, f.Worker)
	}
	if id != "" {
		q += ` AND r.id = ?`
		args = append(args, id)
	}
	var out []Item
	err := desk.Query(ctx, o.DB, src.table, q, args, func(r *sql.Rows) error {
		it := Item{Kind: src.kind}
		var submitted, eID, eAction, eComment, eFields, eReviewer, eReviewerName, eAt string
		var superseded bool
		if err := r.Scan(&it.ID, &it.SubjectID, &it.Subject, &it.CommunityID, &it.Community,
			&it.StreetID, &it.Street, &it.WorkerID, &it.Worker, &submitted,
			&it.SupersedesID, &superseded,
			&eID, &eAction, &eComment, &eFields, &eReviewer, &eReviewerName, &eAt); err != nil {
			return err
		}
		it.Submitted, _ = desk.ParseInstant(submitted)
		if eID != "" {
			e := Event{ID: eID, RecordTable: src.table, RecordID: it.ID, Action: Action(eAction),
				Comment: eComment, Fields: decodeFields(eFields), ReviewerID: eReviewer,
				Reviewer: eReviewerName}
			e.At, _ = desk.ParseInstant(eAt)
			it.Latest = &e
		}
		it.State = Derive(it.Submitted, it.Latest, superseded, src.inPlace)
		out = append(out, it)
		return nil
	})
	return out, err
}
