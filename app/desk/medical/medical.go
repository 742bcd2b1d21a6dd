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
	c.Person, c.IDNumber = strings.TrimSpace(c.Person), strings.ToUpper(strings.TrimSpace(c.IDNumber))
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
		return Case{}, fmt.Errorf("record medical assistance: %w", err)
	}
	if n == 0 {
		return Case{}, desk.Invalid("community", "community %q is not in the office's area", c.CommunityID)
	}
	var household any
	if c.HouseholdID != "" {
		household = c.HouseholdID
	}
	c.ID = o.ID()
	err := desk.Insert(ctx, o.DB, "medical_assistance", c.ID, map[string]any{
		"community_id": c.CommunityID, "household_id": household, "person_name": c.Person,
		"id_number": c.IDNumber, "category": c.Category, "cause": c.Cause,
		"hospital": strings.TrimSpace(c.Hospital), "medical_cost_fen": c.MedicalCostFen,
		"amount_fen": c.AmountFen, "granted_on": c.GrantedOn.Format(desk.DateLayout),
		"note": strings.TrimSpace(c.Note), "recorded_by": o.Me,
	})
	if err != nil {
		return Case{}, fmt.Errorf("record medical assistance for %s: %w", c.Person, err)
	}
	return c, nil
}

func validID(s string, today time.Time) bool {
	_, err := rules.ParseID(s, today)
	return err == nil
}

// List returns the grants of the area made in the period, by day.
func List(ctx context.Context, o *desk.Office, a desk.Area, p desk.Period) ([]Case, error) {
	cond, args := o.Filter("m.community_id", a)
	from, to := "", "9999-12-31"
	if !p.From.IsZero() {
		from = p.From.Format(desk.DateLayout)
	}
	if !p.To.IsZero() {
		to = p.To.Format(desk.DateLayout)
	}
	var out []Case
	err := desk.Query(ctx, o.DB, "medical assistance", `SELECT m.id, coalesce(m.community_id,''), coalesce(c.name,''),
		coalesce(m.household_id,''), coalesce(m.person_name,''), coalesce(m.id_number,''), coalesce(m.category,''),
		coalesce(m.cause,''), coalesce(m.hospital,''), coalesce(m.medical_cost_fen,0), coalesce(m.amount_fen,0),
		coalesce(m.granted_on,''), coalesce(m.note,'')
		FROM medical_assistance m LEFT JOIN communities c ON c.id = m.community_id
		WHERE m.deleted = 0 AND m.granted_on BETWEEN ? AND ?`+cond+` ORDER BY m.granted_on, m.id`,
		append([]any{from, to}, args...), func(r *sql.Rows) error {
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
