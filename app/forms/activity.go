package forms

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"doorstep/schema"
)

// FormGroupActivity is the drafts.form value of the 三小 group activity.
const FormGroupActivity = "group_activity"

// GroupActivity is a 三小 group activity (a small contest, performance or
// lecture) being recorded: its type and theme, date, place, the
// volunteers who ran it and the person-times served. Its JSON is the
// draft.
type GroupActivity struct {
	ID           string   `json:"id"`
	Stored       bool     `json:"stored,omitempty"`
	CommunityID  string   `json:"community_id"`
	Kind         string   `json:"kind"`  // schema.ActivityKinds
	Theme        string   `json:"theme"` // schema.ActivityThemes
	HeldOn       string   `json:"held_on"`
	Venue        string   `json:"venue"`
	VolunteerIDs []string `json:"volunteer_ids"`
	// PersonTimes is the person-times served (人次), as typed.
	PersonTimes string `json:"person_times"`
	Note        string `json:"note"`
}

// Group activity field names: the group_activities columns.
const (
	FieldActivityKind  = "kind"
	FieldActivityTheme = "theme"
	FieldHeldOn        = "held_on"
	FieldVenue         = "venue"
	FieldActivityVols  = "volunteer_ids"
	FieldPersonTimes   = "headcount"
)

// NewGroupActivity starts a record with id in community, held today.
func NewGroupActivity(env Env, id, community string) *GroupActivity {
	return &GroupActivity{ID: id, CommunityID: community, HeldOn: env.Today().Format(DateLayout)}
}

// Validate checks the record on today: every field but the note is
// needed; the date may not be in the future; person-times is a whole
// number of at least one.
func (a *GroupActivity) Validate(today time.Time) Issues {
	var c issues
	if a.CommunityID == "" {
		c.required("community_id")
	}
	if !slices.Contains(schema.ActivityKinds, a.Kind) {
		c.required(FieldActivityKind)
	}
	if !slices.Contains(schema.ActivityThemes, a.Theme) {
		c.required(FieldActivityTheme)
	}
	switch d, ok := ParseDate(a.HeldOn); {
	case strings.TrimSpace(a.HeldOn) == "":
		c.required(FieldHeldOn)
	case !ok:
		c.add(FieldHeldOn, MsgDate, nil)
	case d.After(today):
		c.add(FieldHeldOn, MsgInFuture, nil)
	}
	if strings.TrimSpace(a.Venue) == "" {
		c.required(FieldVenue)
	}
	if len(a.VolunteerIDs) == 0 {
		c.required(FieldActivityVols)
	}
	if p := strings.TrimSpace(HalfWidth(a.PersonTimes)); p == "" {
		c.required(FieldPersonTimes)
	} else if n, err := strconv.Atoi(p); err != nil || n < 1 {
		c.add(FieldPersonTimes, MsgPersonTimes, nil)
	}
	return c.result()
}

// MsgPersonTimes: person-times is not a whole number of at least one.
const MsgPersonTimes = "forms.error.person_times"

// Save writes the record for role (volunteers may not: ErrNotAllowed) and
// removes its draft.
func (a *GroupActivity) Save(ctx context.Context, env Env, role schema.Role) error {
	if !mayWrite(role, "group_activities") {
		return fmt.Errorf("save group activity: %s: %w", role, ErrNotAllowed)
	}
	if is := a.Validate(env.Today()); len(is) > 0 {
		return is
	}
	n, _ := strconv.Atoi(strings.TrimSpace(HalfWidth(a.PersonTimes)))
	return inTx(ctx, env.DB, "save group activity "+a.ID, func(tx *sql.Tx) error {
		err := writeRow(ctx, tx, "group_activities", a.ID, []col{{"community_id", a.CommunityID},
			{"kind", a.Kind}, {"theme", a.Theme}, {"held_on", a.HeldOn}, {"venue", strings.TrimSpace(a.Venue)},
			{"volunteer_ids", jsonList(a.VolunteerIDs)}, {"headcount", n},
			{"note", nullIf(strings.TrimSpace(a.Note))}, {"deleted", 0}})
		if err != nil {
			return err
		}
		if err := deleteDraft(ctx, tx, FormGroupActivity, a.ID); err != nil {
			return err
		}
		a.Stored = true
		return nil
	})
}
