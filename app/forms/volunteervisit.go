package forms

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// FormVolunteerVisit is the drafts.form value of the volunteer visit log.
const FormVolunteerVisit = "volunteer_visit"

// VolunteerVisit is a volunteer's visit to a paired elder being logged. It
// holds no income, asset or ID data: volunteers never see any. Its JSON is
// the draft.
type VolunteerVisit struct {
	ID          string `json:"id"`
	Stored      bool   `json:"stored,omitempty"`
	State       string `json:"state,omitempty"`
	ElderID     string `json:"elder_id"`
	PairingID   string `json:"pairing_id"`
	CommunityID string `json:"community_id"`

	// Need is the screened need the visit serves (schema.ElderNeeds); a
	// new log starts with the elder's first screened need.
	Need string `json:"need"`
	// CoVolunteerIDs are the other volunteers of the pairing who came too
	// (二对一, 多对一 visits); the writer is volunteer_id.
	CoVolunteerIDs []string `json:"co_volunteer_ids,omitempty"`
	Services       []string `json:"services"`
	// Date is the visit's date, Start and End its times of day, as typed.
	Date  string `json:"date"`
	Start string `json:"start"`
	End   string `json:"end"`

	Wellbeing string   `json:"wellbeing"`
	Feedback  string   `json:"feedback"`
	RiskFlags []string `json:"risk_flags"`
	NextVisit string   `json:"next_visit"`
}

// Volunteer visit field names, for issues and for a reviewer's field
// comments: the volunteer_visits column a field writes, as the review
// screen names it (the date is part of started_at and has its own name).
const (
	FieldElder     = "elder_id"
	FieldDate      = "date"
	FieldStart     = "started_at"
	FieldEnd       = "ended_at"
	FieldServices  = "services"
	FieldWellbeing = "wellbeing"
	FieldNextVisit = "next_visit"
	// FieldCoVolunteers is the co-volunteers who came too.
	FieldCoVolunteers = "co_volunteer_ids"
)

// DefaultNextVisitDays is how far ahead a new log proposes the next visit.
const DefaultNextVisitDays = 7

// NewVolunteerVisit starts a visit log with id to the elder of pairing
// pairingID, dated today, starting now.
func NewVolunteerVisit(ctx context.Context, env Env, id, elderID, pairingID string) (*VolunteerVisit, error) {
	now := env.now().Local()
	v := &VolunteerVisit{ID: id, Date: env.Today().Format(DateLayout), Start: now.Format(TimeLayout),
		NextVisit: env.Today().AddDate(0, 0, DefaultNextVisitDays).Format(DateLayout)}
	if elderID != "" {
		if err := v.SetElder(ctx, env, elderID, pairingID); err != nil {
			return nil, fmt.Errorf("new volunteer visit: %w", err)
		}
	}
	return v, nil
}

// SetElder chooses the elder (and their pairing) the visit is to: the
// need served starts as the elder's first screened need, and
// co-volunteers of another pairing are dropped.
func (v *VolunteerVisit) SetElder(ctx context.Context, env Env, elderID, pairingID string) error {
	var needs string
	err := env.DB.QueryRowContext(ctx, `SELECT coalesce(community_id,''), coalesce(needs,'') FROM elders
		WHERE id = ? AND deleted = 0`, elderID).Scan(&v.CommunityID, &needs)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("elder %s: %w", elderID, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("elder %s: %w", elderID, err)
	}
	if v.PairingID != pairingID {
		v.CoVolunteerIDs = nil
	}
	v.ElderID, v.PairingID = elderID, pairingID
	if ns := jsonStrings(needs); len(ns) > 0 && (v.Need == "" || !slices.Contains(ns, v.Need)) {
		v.Need = ns[0]
	}
	return nil
}

// CoVolunteers returns the pairing's volunteers other than the writer, the
// co-volunteers a log may name.
func CoVolunteers(ctx context.Context, env Env, pairingID string) ([]Staff, error) {
	var vols string
	err := env.DB.QueryRowContext(ctx, `SELECT coalesce(volunteer_ids,'') FROM volunteer_pairings
		WHERE id = ? AND deleted = 0`, pairingID).Scan(&vols)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("co-volunteers of pairing %s: %w", pairingID, err)
	}
	var out []Staff
	for _, id := range jsonStrings(vols) {
		if id == env.UserID {
			continue
		}
		st := Staff{ID: id, Name: id, Role: "volunteer"}
		var name string
		if err := env.DB.QueryRowContext(ctx, `SELECT coalesce(name,'') FROM staff WHERE id = ?`, id).Scan(&name); err == nil && name != "" {
			st.Name = name
		} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("co-volunteer %s: %w", id, err)
		}
		out = append(out, st)
	}
	return out, nil
}

// LoadVolunteerVisit reads stored visit log id.
func LoadVolunteerVisit(ctx context.Context, env Env, id string) (*VolunteerVisit, error) {
	v := &VolunteerVisit{ID: id, Stored: true}
	var started, ended, services, flags, coVols string
	err := env.DB.QueryRowContext(ctx, `SELECT coalesce(elder_id,''), coalesce(pairing_id,''),
		coalesce(community_id,''), coalesce(need,''), coalesce(started_at,''), coalesce(ended_at,''),
		coalesce(services,''), coalesce(wellbeing,''), coalesce(feedback,''), coalesce(risk_flags,''),
		coalesce(next_visit,''), coalesce(state,''), coalesce(co_volunteer_ids,'')
		FROM volunteer_visits WHERE id = ? AND deleted = 0`, id).Scan(&v.ElderID, &v.PairingID,
		&v.CommunityID, &v.Need, &started, &ended, &services, &v.Wellbeing, &v.Feedback, &flags,
		&v.NextVisit, &v.State, &coVols)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("load volunteer visit %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load volunteer visit %s: %w", id, err)
	}
	if t, err := time.Parse(time.RFC3339, started); err == nil {
		v.Date, v.Start = t.Local().Format(DateLayout), t.Local().Format(TimeLayout)
	}
	if t, err := time.Parse(time.RFC3339, ended); err == nil {
		v.End = t.Local().Format(TimeLayout)
	}
	v.Services, v.RiskFlags, v.CoVolunteerIDs = jsonStrings(services), jsonStrings(flags), jsonStrings(coVols)
	return v, nil
}

// ReadOnly reports whether the log has been submitted.
func (v *VolunteerVisit) ReadOnly() bool { return v.State == StateSubmitted }

// Reopen makes a returned log editable again.
func (v *VolunteerVisit) Reopen() { v.State = StateDraft }

// times returns the start and end instants from the typed date and times.
func (v *VolunteerVisit) times() (start, end time.Time, startOK, endOK bool) {
	day, ok := ParseDate(v.Date)
	if !ok {
		return
	}
	at := func(s string) (time.Time, bool) {
		h, m, ok := ParseClock(s)
		if !ok {
			return time.Time{}, false
		}
		return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, time.Local), true
	}
	start, startOK = at(v.Start)
	end, endOK = at(v.End)
	return
}

// Validate checks the log at now (visits cannot end in the future). With
// submit false only wrong values are reported.
func (v *VolunteerVisit) Validate(now time.Time, submit bool) Issues {
	var c issues
	if v.ElderID == "" || v.PairingID == "" {
		c.required(FieldElder)
	}
	day, dayOK := ParseDate(v.Date)
	switch {
	case strings.TrimSpace(v.Date) == "":
		c.required(FieldDate)
	case !dayOK:
		c.add(FieldDate, MsgDate, nil)
	}
	for _, f := range []struct{ field, val string }{{FieldStart, v.Start}, {FieldEnd, v.End}} {
		if strings.TrimSpace(f.val) == "" {
			c.required(f.field)
		} else if _, _, ok := ParseClock(f.val); !ok {
			c.add(f.field, MsgTime, nil)
		}
	}
	start, end, sOK, eOK := v.times()
	if sOK && eOK && !end.After(start) {
		c.add(FieldEnd, MsgEndBeforeStart, nil)
	}
	if eOK && end.After(now.Add(5*time.Minute)) {
		c.add(FieldEnd, MsgInFuture, nil)
	}
	if len(v.Services) == 0 {
		c.list = append(c.list, Issue{Field: FieldServices, Key: MsgServicesRequired, Incomplete: true})
	}
	if v.Wellbeing == "" {
		c.required(FieldWellbeing)
	}
	if n := strings.TrimSpace(v.NextVisit); n != "" {
		if t, ok := ParseDate(n); !ok {
			c.add(FieldNextVisit, MsgDate, nil)
		} else if dayOK && t.Before(day) {
			c.add(FieldNextVisit, MsgNextBeforeVisit, nil)
		}
	}
	return c.resultFor(submit)
}

// Save writes the log in one transaction and removes its draft. The
// volunteer must belong to the pairing: through pairings (the identity's
// pairing ids) or the pairing's volunteer_ids; otherwise nothing is written
// and an Issue on FieldElder says so.
func (v *VolunteerVisit) Save(ctx context.Context, env Env, pairings []string, submit bool) error {
	if v.ReadOnly() {
		return Issues{{Key: MsgReadOnly}}
	}
	if is := v.Validate(env.now(), submit); len(is) > 0 {
		return is
	}
	state := StateDraft
	if submit {
		state = StateSubmitted
	}
	start, end, sOK, eOK := v.times()
	instant := func(t time.Time, ok bool) any {
		if !ok {
			return nil
		}
		return instantOf(t)
	}
	next := any(nil)
	if t, ok := ParseDate(v.NextVisit); ok {
		next = t.Format(DateLayout)
	}
	return inTx(ctx, env.DB, "save volunteer visit "+v.ID, func(tx *sql.Tx) error {
		var elder, vols string
		err := tx.QueryRowContext(ctx, `SELECT coalesce(elder_id,''), coalesce(volunteer_ids,'')
			FROM volunteer_pairings WHERE id = ? AND deleted = 0`, v.PairingID).Scan(&elder, &vols)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("pairing %s: %w", v.PairingID, err)
		}
		mine := slices.Contains(pairings, v.PairingID) || slices.Contains(jsonStrings(vols), env.UserID)
		if errors.Is(err, sql.ErrNoRows) || elder != v.ElderID || !mine {
			return Issues{{Field: FieldElder, Key: MsgNotPaired}}
		}
		for _, co := range v.CoVolunteerIDs {
			if co == env.UserID || !slices.Contains(jsonStrings(vols), co) {
				return Issues{{Field: FieldCoVolunteers, Key: MsgNotPaired}}
			}
		}
		err = writeRow(ctx, tx, "volunteer_visits", v.ID, []col{
			{"pairing_id", v.PairingID}, {"elder_id", v.ElderID}, {"community_id", v.CommunityID},
			{"volunteer_id", nullIf(env.UserID)}, {"need", nullIf(v.Need)},
			{"started_at", instant(start, sOK)}, {"ended_at", instant(end, eOK)},
			{"services", jsonList(v.Services)}, {"wellbeing", nullIf(v.Wellbeing)},
			{"feedback", v.Feedback}, {"risk_flags", jsonList(v.RiskFlags)}, {"next_visit", next},
			{"co_volunteer_ids", jsonList(v.CoVolunteerIDs)},
			{"state", state}, {"deleted", 0},
		})
		if err != nil {
			return err
		}
		if submit {
			if err := env.signSubmit(ctx, tx, "volunteer_visits", v.ID, ""); err != nil {
				return err
			}
		}
		if err := deleteDraft(ctx, tx, FormVolunteerVisit, v.ID); err != nil {
			return err
		}
		v.Stored, v.State = true, state
		return nil
	})
}
