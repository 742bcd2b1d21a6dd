package records

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// ElderSummary is one elder as a list shows them: only what a volunteer may
// see (no ID number, income or assets), plus their pairing and visit dates.
type ElderSummary struct {
	ID          string
	Name        string
	Sex         string
	BirthDate   string
	Address     string
	Phone       string
	CommunityID string
	Community   string
	Needs       []string // screened needs (needs checklist keys)
	PairingID   string   // the pairing me belongs to (volunteers) or the elder's active pairing
	Mode        string   // pairing mode: one_to_one, two_to_one, many_to_one
	LastVisit   string   // date of the latest volunteer visit, "" if none
	NextVisit   string   // the next visit date the latest visit set, "" if none
	// LastScreening is the date of the latest submitted needs screening
	// and BarthelTotal, BarthelGrade its Barthel result; "" when never
	// screened (and always for volunteers, who do not see screenings).
	LastScreening string
	BarthelTotal  int
	BarthelGrade  string
}

// VolunteerVisit is one logged volunteer visit.
type VolunteerVisit struct {
	ID          string
	PairingID   string
	VolunteerID string
	Volunteer   string
	Need        string
	StartedAt   string
	EndedAt     string
	Services    []string
	Wellbeing   string
	Feedback    string
	RiskFlags   []string
	NextVisit   string
	State       string
}

// Screening is one needs screening of an elder, as a history lists it.
type Screening struct {
	ID           string
	ScreenedOn   string
	Reason       string
	BarthelTotal int
	BarthelGrade string // a schema/rules code, e.g. "barthel.grade.mild"
	State        string
	Author       string // the author's name
	ReviewAction string // "" when not reviewed yet
}

// Elder is an elder with their volunteer visit log and, for staff, their
// needs screenings.
type Elder struct {
	ElderSummary
	Visits     []VolunteerVisit
	Screenings []Screening
}

// Elders returns the elders me may see: a volunteer's paired elders, or the
// elders of a worker's communities; by name in pinyin order.
func (s *Store) Elders(ctx context.Context, me Identity) ([]ElderSummary, error) {
	var out []ElderSummary
	err := s.queryRows(ctx, "elders", `SELECT e.id, coalesce(e.name,''), coalesce(e.sex,''),
		coalesce(e.birth_date,''), coalesce(e.address,''), coalesce(e.phone,''),
		coalesce(e.community_id,''), coalesce(c.name,''), coalesce(e.needs,'')
		FROM elders e LEFT JOIN communities c ON c.id = e.community_id
		WHERE e.deleted = 0`, nil, func(r *sql.Rows) error {
		var e ElderSummary
		var needs string
		if err := r.Scan(&e.ID, &e.Name, &e.Sex, &e.BirthDate, &e.Address, &e.Phone,
			&e.CommunityID, &e.Community, &needs); err != nil {
			return err
		}
		if !me.IsVolunteer() && !me.InCommunity(e.CommunityID) {
			return nil
		}
		e.Needs = jsonList(needs)
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	pairings, err := s.pairings(ctx, me)
	if err != nil {
		return nil, err
	}
	kept := out[:0]
	for _, e := range out {
		p, ok := pairings[e.ID]
		if me.IsVolunteer() && !ok {
			continue // not one of my elders
		}
		e.PairingID, e.Mode = p.id, p.mode
		kept = append(kept, e)
	}
	out = kept
	if err := s.visitDates(ctx, out); err != nil {
		return nil, err
	}
	if !me.IsVolunteer() {
		if err := s.lastScreenings(ctx, out); err != nil {
			return nil, err
		}
	}
	keys := make(map[string]string, len(out))
	for _, e := range out {
		keys[e.ID] = pinyinSortKey(e.Name) + sep + e.Name + sep + e.ID
	}
	slices.SortFunc(out, func(a, b ElderSummary) int { return strings.Compare(keys[a.ID], keys[b.ID]) })
	return out, nil
}

type pairing struct{ id, mode string }

// lastScreenings fills each elder's latest submitted screening.
func (s *Store) lastScreenings(ctx context.Context, es []ElderSummary) error {
	at := make(map[string]int, len(es))
	for i, e := range es {
		at[e.ID] = i
	}
	return s.queryRows(ctx, "latest screenings", `SELECT sc.elder_id, coalesce(sc.screened_on,''),
		coalesce(sc.barthel_total,0), coalesce(sc.barthel_grade,'')
		FROM elder_screenings sc WHERE sc.deleted = 0 AND sc.state = 'submitted'
		ORDER BY sc.elder_id, sc.screened_on`, nil, func(r *sql.Rows) error {
		var elder, on, grade string
		var total int
		if err := r.Scan(&elder, &on, &total, &grade); err != nil {
			return err
		}
		if i, ok := at[elder]; ok { // later rows are later screenings
			es[i].LastScreening, es[i].BarthelTotal, es[i].BarthelGrade = on, total, grade
		}
		return nil
	})
}

// pairings maps elder id to the active pairing me sees for them: for a
// volunteer one of their own (from Identity.Pairings or volunteer_ids), for
// staff any active one.
func (s *Store) pairings(ctx context.Context, me Identity) (map[string]pairing, error) {
	today := s.Date()
	out := map[string]pairing{}
	err := s.queryRows(ctx, "pairings", `SELECT id, coalesce(elder_id,''), coalesce(mode,''),
		coalesce(volunteer_ids,'') FROM volunteer_pairings
		WHERE deleted = 0 AND (coalesce(ended_on,'') = '' OR ended_on > ?)
		ORDER BY started_on, id`, []any{today}, func(r *sql.Rows) error {
		var id, elder, mode, vols string
		if err := r.Scan(&id, &elder, &mode, &vols); err != nil {
			return err
		}
		if me.IsVolunteer() && !slices.Contains(me.Pairings, id) && !slices.Contains(jsonList(vols), me.UserID) {
			return nil
		}
		if _, seen := out[elder]; !seen {
			out[elder] = pairing{id: id, mode: mode}
		}
		return nil
	})
	return out, err
}

// visitDates fills LastVisit and NextVisit from each elder's latest visit.
func (s *Store) visitDates(ctx context.Context, es []ElderSummary) error {
	idx := map[string]int{}
	for i, e := range es {
		idx[e.ID] = i
	}
	return s.queryRows(ctx, "visit dates", `SELECT v.elder_id, substr(coalesce(v.started_at,''),1,10),
		coalesce(v.next_visit,'') FROM volunteer_visits v
		WHERE v.deleted = 0 AND v.started_at = (SELECT max(started_at) FROM volunteer_visits w
			WHERE w.elder_id = v.elder_id AND w.deleted = 0)`, nil, func(r *sql.Rows) error {
		var elder, last, next string
		if err := r.Scan(&elder, &last, &next); err != nil {
			return err
		}
		if i, ok := idx[elder]; ok {
			es[i].LastVisit, es[i].NextVisit = last, next
		}
		return nil
	})
}

// Elder returns one elder me may see with their volunteer visit log, newest
// first, or ErrNotFound.
func (s *Store) Elder(ctx context.Context, me Identity, id string) (Elder, error) {
	all, err := s.Elders(ctx, me)
	if err != nil {
		return Elder{}, err
	}
	i := slices.IndexFunc(all, func(e ElderSummary) bool { return e.ID == id })
	if i < 0 {
		return Elder{}, ErrNotFound
	}
	el := Elder{ElderSummary: all[i]}
	err = s.queryRows(ctx, "volunteer visits", `SELECT v.id, coalesce(v.pairing_id,''),
		coalesce(v.volunteer_id,''), coalesce(st.name,''), coalesce(v.need,''),
		coalesce(v.started_at,''), coalesce(v.ended_at,''), coalesce(v.services,''),
		coalesce(v.wellbeing,''), coalesce(v.feedback,''), coalesce(v.risk_flags,''),
		coalesce(v.next_visit,''), coalesce(v.state,'')
		FROM volunteer_visits v LEFT JOIN staff st ON st.id = v.volunteer_id
		WHERE v.elder_id = ? AND v.deleted = 0 ORDER BY v.started_at DESC, v.id DESC`,
		[]any{id}, func(r *sql.Rows) error {
			var v VolunteerVisit
			var services, flags string
			if err := r.Scan(&v.ID, &v.PairingID, &v.VolunteerID, &v.Volunteer, &v.Need, &v.StartedAt,
				&v.EndedAt, &services, &v.Wellbeing, &v.Feedback, &flags, &v.NextVisit, &v.State); err != nil {
				return err
			}
			v.Services, v.RiskFlags = jsonList(services), jsonList(flags)
			el.Visits = append(el.Visits, v)
			return nil
		})
	if err != nil {
		return Elder{}, fmt.Errorf("elder %s: %w", id, err)
	}
	if !me.IsVolunteer() {
		if el.Screenings, err = s.screenings(ctx, id); err != nil {
			return Elder{}, fmt.Errorf("elder %s: %w", id, err)
		}
	}
	return el, nil
}

// screenings lists an elder's needs screenings, newest first.
func (s *Store) screenings(ctx context.Context, elderID string) ([]Screening, error) {
	var out []Screening
	err := s.queryRows(ctx, "screenings", `SELECT sc.id, coalesce(sc.screened_on,''), coalesce(sc.reason,''),
		coalesce(sc.barthel_total,0), coalesce(sc.barthel_grade,''), coalesce(sc.state,''), coalesce(st.name,''),
		coalesce((SELECT action FROM review_events e WHERE e.record_id = sc.id AND e.deleted = 0
			ORDER BY e.at DESC, e.id DESC LIMIT 1),'')
		FROM elder_screenings sc LEFT JOIN staff st ON st.id = sc.author_id
		WHERE sc.elder_id = ? AND sc.deleted = 0
		ORDER BY sc.screened_on DESC, sc.id DESC`, []any{elderID}, func(r *sql.Rows) error {
		var sc Screening
		err := r.Scan(&sc.ID, &sc.ScreenedOn, &sc.Reason, &sc.BarthelTotal, &sc.BarthelGrade, &sc.State,
			&sc.Author, &sc.ReviewAction)
		out = append(out, sc)
		return err
	})
	return out, err
}

// jsonList decodes a JSON array of strings; anything else is an empty list.
func jsonList(s string) []string {
	var out []string
	if s == "" || json.Unmarshal([]byte(s), &out) != nil {
		return nil
	}
	return out
}
