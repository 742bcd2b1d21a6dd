package desk

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"time"
)

// Unusually short visits: one rule for the spot-check draw's weighting,
// the review queue's filter and the report's count. A submitted means-test
// visit is short when
//   - its form was open (first open to submit, from its evidence entry), or
//     worked on (the time per section summed), or recorded as lasting
//     (ended_at − started_at on the form) less than the district's
//     process.short_visit_minutes (default 15), or
//   - its recorded length is under ShortVisitRatio of its author's median
//     visit (over the office's area; authors with at least three timed
//     visits).
//
// A length that is not known (no evidence entry yet, no section timing, no
// times typed) never makes a visit short.

// ShortVisitRatio is how much shorter than the author's median a visit
// must be to count as short.
const ShortVisitRatio = 0.5

// minVisitsForMedian is how many timed visits an author needs before
// their median means anything.
const minVisitsForMedian = 3

// Why a visit is short.
const (
	ShortOpen     = "open"     // form open too briefly
	ShortSections = "sections" // too little time in the form's sections
	ShortRecorded = "recorded" // recorded length under the limit
	ShortMedian   = "median"   // far under the author's median
)

// VisitTime is what the desk knows of how long one visit took; zero for
// what is not known.
type VisitTime struct {
	ID, Author string
	// Open is from the form's first open to its submit, Sections the time
	// spent in its sections (both from the latest evidence entry),
	// Recorded the visit's own start to end.
	Open, Sections, Recorded time.Duration
}

// ShortVisits returns the submitted means-test visits in area (and the
// office's street) that are unusually short, by visit id, with why (one
// of the Short… reasons; the first that applies in their order above).
// The authors' medians are taken over the office's whole area, so a visit
// is short or not whatever area is asked for.
func ShortVisits(ctx context.Context, o *Office, area Area) (map[string]string, error) {
	times, err := visitTimes(ctx, o)
	if err != nil {
		return nil, err
	}
	var in map[string]bool // nil: the office's whole area
	if area != (Area{}) {
		in = map[string]bool{}
		cond, args := o.Filter("v.community_id", area)
		err := Query(ctx, o.DB, "visits in area", `SELECT v.id FROM means_visits v
			WHERE v.deleted = 0 AND v.state = 'submitted'`+cond, args, func(r *sql.Rows) error {
			var id string
			if err := r.Scan(&id); err != nil {
				return err
			}
			in[id] = true
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	limit := o.Rules().Process.ShortVisit()
	byAuthor := map[string][]time.Duration{}
	for _, v := range times {
		if v.Recorded > 0 && v.Author != "" {
			byAuthor[v.Author] = append(byAuthor[v.Author], v.Recorded)
		}
	}
	medians := map[string]time.Duration{}
	for a, ds := range byAuthor {
		if len(ds) < minVisitsForMedian {
			continue
		}
		slices.Sort(ds)
		n := len(ds)
		medians[a] = (ds[(n-1)/2] + ds[n/2]) / 2
	}
	out := map[string]string{}
	for _, v := range times {
		if in != nil && !in[v.ID] {
			continue
		}
		switch {
		case v.Open > 0 && v.Open < limit:
			out[v.ID] = ShortOpen
		case v.Sections > 0 && v.Sections < limit:
			out[v.ID] = ShortSections
		case v.Recorded > 0 && v.Recorded < limit:
			out[v.ID] = ShortRecorded
		case v.Recorded > 0 && medians[v.Author] > 0 && float64(v.Recorded) < ShortVisitRatio*float64(medians[v.Author]):
			out[v.ID] = ShortMedian
		}
	}
	return out, nil
}

// visitTimes reads the lengths of the submitted means-test visits in the
// office's area.
func visitTimes(ctx context.Context, o *Office) ([]VisitTime, error) {
	q := `SELECT v.id, coalesce(v.author_id,''), coalesce(v.started_at,''), coalesce(v.ended_at,''),
		coalesce(e.opened_at,''), coalesce(e.submitted_at,''), coalesce(e.sections,'')
		FROM means_visits v
		LEFT JOIN evidence_entries e ON e.id = (SELECT x.id FROM evidence_entries x
			WHERE x.record_table = 'means_visits' AND x.record_id = v.id AND x.deleted = 0
			ORDER BY x.submitted_at DESC, x.id DESC LIMIT 1)
		WHERE v.deleted = 0 AND v.state = 'submitted'`
	cond, args := o.Filter("v.community_id", Area{})
	var out []VisitTime
	err := Query(ctx, o.DB, "visit lengths", q+cond+` ORDER BY v.id`, args, func(r *sql.Rows) error {
		var v VisitTime
		var start, end, opened, submitted, sections string
		if err := r.Scan(&v.ID, &v.Author, &start, &end, &opened, &submitted, &sections); err != nil {
			return err
		}
		v.Recorded = between(start, end)
		v.Open = between(opened, submitted)
		var secs []struct {
			Seconds int64 `json:"seconds"`
		}
		if sections != "" && json.Unmarshal([]byte(sections), &secs) == nil {
			for _, s := range secs {
				v.Sections += time.Duration(s.Seconds) * time.Second
			}
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

// between returns the time from one stored instant to a later one (zero
// when either is missing or they are out of order).
func between(from, to string) time.Duration {
	s, ok1 := parseInstantMs(from)
	e, ok2 := parseInstantMs(to)
	if !ok1 || !ok2 || !e.After(s) {
		return 0
	}
	return e.Sub(s)
}

// parseInstantMs reads an RFC 3339 instant, with or without fractions.
func parseInstantMs(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}
