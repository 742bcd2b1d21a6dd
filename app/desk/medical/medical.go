package medical

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/sheet"
	"doorstep/schema"
	"doorstep/schema/rules"
)

// Case is one grant of medical assistance.
type Case struct {
	ID          string
	CommunityID string
	Community   string
	// HouseholdID names the person's 低保 household, if any.
	HouseholdID    string
	Person         string
	IDNumber       string
	Category       string // schema.MedicalCategories
	Cause          string // schema.MedicalCauses
	Hospital       string
	MedicalCostFen int64
	AmountFen      int64
	GrantedOn      time.Time
	Note           string
}

// Record adds a grant and returns it as stored. Refusals are
// desk.ErrInvalid: person_required, id_number (not a valid 18-character
// ID number), category, cause, amount (not positive, or above the medical
// cost when one is given), date (missing or after today), community.
func Record(ctx context.Context, o *desk.Office, c Case) (Case, error) {
	c, err := check(ctx, o, c)
	if err != nil {
		return Case{}, err
	}
	c.ID = o.ID()
	values := c.values()
	values["recorded_by"] = o.Me
	if err := desk.Insert(ctx, o.DB, "medical_assistance", c.ID, values); err != nil {
		return Case{}, fmt.Errorf("record medical assistance for %s: %w", c.Person, err)
	}
	return c, nil
}

// Audit actions of corrections to the register.
const (
	// ActionCorrect: a grant's details were corrected in place.
	ActionCorrect = "correct_medical_assistance"
	// ActionWithdraw: a grant recorded in error was withdrawn.
	ActionWithdraw = "withdraw_medical_assistance"
)

// Correct replaces what grant c.ID says with c (a wrong amount, date,
// person or hospital typed), checked as Record checks a new grant, and
// records why: an audit event with the reason and the changed values
// before and after, in the same transaction. The grant keeps its id and
// who recorded it. A correction that changes nothing is refused
// (unchanged), as is one without a reason (reason_required) or of a grant
// that is gone or outside the office's area (desk.ErrNotFound).
func Correct(ctx context.Context, o *desk.Office, c Case, reason string) (Case, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Case{}, desk.Invalid("reason_required", "a correction needs a reason")
	}
	old, err := Get(ctx, o, c.ID)
	if err != nil {
		return Case{}, err
	}
	if c, err = check(ctx, o, c); err != nil {
		return Case{}, err
	}
	before, after := map[string]any{}, map[string]any{}
	was, now := old.values(), c.values()
	for k, v := range now {
		if fmt.Sprint(was[k]) != fmt.Sprint(v) {
			before[k], after[k] = was[k], v
		}
	}
	if len(after) == 0 {
		return Case{}, desk.Invalid("unchanged", "the correction of grant %s changes nothing", c.ID)
	}
	err = write(ctx, o, func(tx *sql.Tx) error {
		if err := desk.Update(ctx, tx, "medical_assistance", c.ID, after); err != nil {
			return err
		}
		return o.Audit(ctx, tx, ActionCorrect, old.audited(),
			desk.Correction{Reason: reason, Before: before, After: after})
	})
	if err != nil {
		return Case{}, fmt.Errorf("correct medical assistance %s: %w", c.ID, err)
	}
	return c, nil
}

// Withdraw removes grant id, recorded in error, from the register (and so
// from every report), recording why as Correct does. The row stays in the
// database, marked deleted, and its audit event keeps what it said.
func Withdraw(ctx context.Context, o *desk.Office, id, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return desk.Invalid("reason_required", "a withdrawal needs a reason")
	}
	old, err := Get(ctx, o, id)
	if err != nil {
		return err
	}
	err = write(ctx, o, func(tx *sql.Tx) error {
		if err := desk.Update(ctx, tx, "medical_assistance", id, map[string]any{"deleted": 1}); err != nil {
			return err
		}
		return o.Audit(ctx, tx, ActionWithdraw, old.audited(), desk.Correction{Reason: reason, Before: old.values()})
	})
	if err != nil {
		return fmt.Errorf("withdraw medical assistance %s: %w", id, err)
	}
	return nil
}

// Get returns one grant of the office's area (desk.ErrNotFound when there
// is none, or it was withdrawn).
func Get(ctx context.Context, o *desk.Office, id string) (Case, error) {
	cs, err := list(ctx, o, desk.Area{}, " AND m.id = ?", []any{id})
	if err != nil {
		return Case{}, err
	}
	if len(cs) == 0 {
		return Case{}, fmt.Errorf("medical assistance %s: %w", id, desk.ErrNotFound)
	}
	return cs[0], nil
}

// check validates a grant and normalises its text fields.
func check(ctx context.Context, o *desk.Office, c Case) (Case, error) {
	c.Person, c.IDNumber = strings.TrimSpace(c.Person), strings.ToUpper(strings.TrimSpace(c.IDNumber))
	c.Hospital, c.Note = strings.TrimSpace(c.Hospital), strings.TrimSpace(c.Note)
	switch {
	case c.Person == "":
		return Case{}, desk.Invalid("person_required", "a grant needs the person")
	case !validID(c.IDNumber, o.Today()):
		return Case{}, desk.Invalid("id_number", "ID number %q", c.IDNumber)
	case !slices.Contains(schema.MedicalCategories, c.Category):
		return Case{}, desk.Invalid("category", "category %q", c.Category)
	case !slices.Contains(schema.MedicalCauses, c.Cause):
		return Case{}, desk.Invalid("cause", "cause %q", c.Cause)
	case c.AmountFen <= 0 || c.MedicalCostFen < 0 || c.MedicalCostFen > 0 && c.AmountFen > c.MedicalCostFen:
		return Case{}, desk.Invalid("amount", "amount %d, medical cost %d", c.AmountFen, c.MedicalCostFen)
	case c.GrantedOn.IsZero() || c.GrantedOn.After(o.Today()):
		return Case{}, desk.Invalid("date", "granted on %v", c.GrantedOn)
	}
	cond, args := o.Filter("id", desk.Area{})
	var n int
	if err := o.DB.QueryRowContext(ctx, `SELECT count(*) FROM communities WHERE deleted = 0 AND id = ?`+cond,
		append([]any{c.CommunityID}, args...)...).Scan(&n); err != nil {
		return Case{}, fmt.Errorf("check medical assistance: %w", err)
	}
	if n == 0 {
		return Case{}, desk.Invalid("community", "community %q is not in the office's area", c.CommunityID)
	}
	return c, nil
}

// values are the grant's columns as stored (household_id nil when none).
func (c Case) values() map[string]any {
	var household any
	if c.HouseholdID != "" {
		household = c.HouseholdID
	}
	return map[string]any{
		"community_id": c.CommunityID, "household_id": household, "person_name": c.Person,
		"id_number": c.IDNumber, "category": c.Category, "cause": c.Cause,
		"hospital": c.Hospital, "medical_cost_fen": c.MedicalCostFen,
		"amount_fen": c.AmountFen, "granted_on": c.GrantedOn.Format(desk.DateLayout), "note": c.Note,
	}
}

func (c Case) audited() desk.Audited {
	return desk.Audited{Table: "medical_assistance", ID: c.ID, CommunityID: c.CommunityID, HouseholdID: c.HouseholdID}
}

// write runs fn in one transaction of the office's database.
func write(ctx context.Context, o *desk.Office, fn func(tx *sql.Tx) error) error {
	tx, err := o.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func validID(s string, today time.Time) bool {
	_, err := rules.ParseID(s, today)
	return err == nil
}

// List returns the grants of the area made in the period, by day.
func List(ctx context.Context, o *desk.Office, a desk.Area, p desk.Period) ([]Case, error) {
	from, to := "", "9999-12-31"
	if !p.From.IsZero() {
		from = p.From.Format(desk.DateLayout)
	}
	if !p.To.IsZero() {
		to = p.To.Format(desk.DateLayout)
	}
	return list(ctx, o, a, " AND m.granted_on BETWEEN ? AND ?", []any{from, to})
}

// list returns the grants of the area that are not withdrawn and match
// the extra condition where (" AND …", with its arguments).
func list(ctx context.Context, o *desk.Office, a desk.Area, where string, whereArgs []any) ([]Case, error) {
	cond, args := o.Filter("m.community_id", a)
	var out []Case
	err := desk.Query(ctx, o.DB, "medical assistance", `SELECT m.id, coalesce(m.community_id,''), coalesce(c.name,''),
		coalesce(m.household_id,''), coalesce(m.person_name,''), coalesce(m.id_number,''), coalesce(m.category,''),
		coalesce(m.cause,''), coalesce(m.hospital,''), coalesce(m.medical_cost_fen,0), coalesce(m.amount_fen,0),
		coalesce(m.granted_on,''), coalesce(m.note,'')
		FROM medical_assistance m LEFT JOIN communities c ON c.id = m.community_id
		WHERE m.deleted = 0`+where+cond+` ORDER BY m.granted_on, m.id`,
		append(whereArgs, args...), func(r *sql.Rows) error {
			var c Case
			var day string
			if err := r.Scan(&c.ID, &c.CommunityID, &c.Community, &c.HouseholdID, &c.Person, &c.IDNumber,
				&c.Category, &c.Cause, &c.Hospital, &c.MedicalCostFen, &c.AmountFen, &day, &c.Note); err != nil {
				return err
			}
			c.GrantedOn, _ = desk.ParseDate(day)
			out = append(out, c)
			return nil
		})
	return out, err
}

// Sheet is the register as a table: community, person, ID number,
// category, cause, hospital, medical cost, amount and date.
func Sheet(cs []Case) sheet.Sheet {
	s := sheet.Sheet{Name: "desk.medical.sheet", Columns: []string{"desk.col.community", "desk.col.person",
		"desk.col.id_number", "desk.col.category", "desk.col.cause", "desk.col.hospital",
		"desk.col.medical_cost", "desk.col.amount", "desk.col.granted_on"}}
	for _, c := range cs {
		s.Rows = append(s.Rows, []any{c.Community, c.Person, c.IDNumber,
			sheet.Code("code.medical_category." + c.Category), sheet.Code("code.medical_cause." + c.Cause),
			c.Hospital, sheet.Money(c.MedicalCostFen), sheet.Money(c.AmountFen), c.GrantedOn.Format(desk.DateLayout)})
	}
	return s
}
