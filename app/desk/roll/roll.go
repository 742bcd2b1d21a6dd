package roll

import (
	"context"
	"fmt"
	"sort"
	"time"

	"doorstep/app/desk"
	"doorstep/schema/rules"
)

// Roll is one street's payout roll for one month.
type Roll struct {
	// ID is the stored roll's id (closed rolls only).
	ID               string
	StreetID, Street string
	// Month is the first day of the month paid.
	Month time.Time
	// Closed is true once the month is closed; ClosedOn and ClosedBy say
	// when and by whom.
	Closed   bool
	ClosedOn time.Time
	ClosedBy string
	Note     string
	// Lines are by community, head of household, then kind and month.
	Lines []Line
}

// Line is one line of a roll with its payee.
type Line struct {
	rules.PayLine
	Community      string // its name
	Head, IDNumber string // the payee: the account holder, else the head of household
	Bank, Account  string
}

// Totals are a roll's (or a part's) figures.
type Totals struct {
	// Households counts the households with a regular line; People the
	// people they cover.
	Households, People int
	// BaseFen, TopUpFen and SubsidyFen add up the regular lines.
	BaseFen, TopUpFen, SubsidyFen int64
	// BackPayFen and RecoveryFen add up the adjustment lines (recovery
	// negative); AdjustBenefitFen and AdjustSubsidyFen split them into
	// 低保金 and price subsidy.
	BackPayFen, RecoveryFen            int64
	AdjustBenefitFen, AdjustSubsidyFen int64
	// TotalFen is everything the roll pays.
	TotalFen int64
}

// BenefitFen is the 低保金 paid, adjustments included, price subsidy not.
func (t Totals) BenefitFen() int64 { return t.BaseFen + t.TopUpFen + t.AdjustBenefitFen }

// AllSubsidyFen is the price subsidy paid, adjustments included.
func (t Totals) AllSubsidyFen() int64 { return t.SubsidyFen + t.AdjustSubsidyFen }

func (t Totals) add(o Totals) Totals {
	t.Households += o.Households
	t.People += o.People
	t.BaseFen += o.BaseFen
	t.TopUpFen += o.TopUpFen
	t.SubsidyFen += o.SubsidyFen
	t.BackPayFen += o.BackPayFen
	t.RecoveryFen += o.RecoveryFen
	t.AdjustBenefitFen += o.AdjustBenefitFen
	t.AdjustSubsidyFen += o.AdjustSubsidyFen
	t.TotalFen += o.TotalFen
	return t
}

// Totals adds up the roll's lines.
func (r Roll) Totals() Totals {
	var t Totals
	for _, l := range r.Lines {
		t = t.add(lineTotals(l))
	}
	return t
}

func lineTotals(l Line) Totals {
	t := Totals{TotalFen: l.TotalFen()}
	switch l.Kind {
	case rules.LineRegular:
		t.Households, t.People = 1, l.Covered
		t.BaseFen, t.TopUpFen, t.SubsidyFen = l.BaseFen, l.TopUpFen, l.SubsidyFen
	case rules.LineBackPay:
		t.BackPayFen = l.TotalFen()
	default:
		t.RecoveryFen = l.TotalFen()
	}
	if l.Kind != rules.LineRegular {
		t.AdjustBenefitFen, t.AdjustSubsidyFen = l.BenefitFen(), l.SubsidyFen
	}
	return t
}

// Subtotal is one community's part of a roll.
type Subtotal struct {
	CommunityID, Community string
	Totals
}

// ByCommunity returns the roll's totals per community, in line order.
func (r Roll) ByCommunity() []Subtotal {
	var out []Subtotal
	for _, l := range r.Lines {
		if len(out) == 0 || out[len(out)-1].CommunityID != l.CommunityID {
			out = append(out, Subtotal{CommunityID: l.CommunityID, Community: l.Community})
		}
		out[len(out)-1].Totals = out[len(out)-1].Totals.add(lineTotals(l))
	}
	return out
}

var kindOrder = map[string]int{rules.LineRegular: 0, rules.LineBackPay: 1, rules.LineRecovery: 2}

func (r *Roll) sortLines() {
	sort.SliceStable(r.Lines, func(i, j int) bool {
		a, b := r.Lines[i], r.Lines[j]
		switch {
		case a.Community != b.Community:
			return a.Community < b.Community
		case a.CommunityID != b.CommunityID:
			return a.CommunityID < b.CommunityID
		case a.Head != b.Head:
			return a.Head < b.Head
		case a.HouseholdID != b.HouseholdID:
			return a.HouseholdID < b.HouseholdID
		case kindOrder[a.Kind] != kindOrder[b.Kind]:
			return kindOrder[a.Kind] < kindOrder[b.Kind]
		}
		return a.ForMonth.Before(b.ForMonth)
	})
}

// View returns a street's roll for the month holding day month: closed, as
// stored; open, computed from the whole history now. street "" means the
// office's street; a district office must name one (desk.ErrInvalid code
// street).
func View(ctx context.Context, o *desk.Office, street string, month time.Time) (Roll, error) {
	if street == "" {
		street = o.Street
	}
	if street == "" {
		return Roll{}, desk.Invalid("street", "a roll needs its street")
	}
	b, err := Open(ctx, o, desk.Area{StreetID: street})
	if err != nil {
		return Roll{}, err
	}
	return b.Roll(street, month, time.Time{}), nil
}

// Month says where a street's month stands.
type Month struct {
	Month  time.Time
	Closed bool
	// Next is true for the street's next open month (the one that takes
	// the back-payment and recovery lines).
	Next bool
}

// Months lists a street's closed months and its next open month, latest
// first; with nothing closed yet, the current month is the next open one.
func Months(ctx context.Context, o *desk.Office, street string) ([]Month, error) {
	if street == "" {
		street = o.Street
	}
	if street == "" {
		return nil, desk.Invalid("street", "rolls are by street")
	}
	b, err := Open(ctx, o, desk.Area{StreetID: street})
	if err != nil {
		return nil, err
	}
	next, ok := b.NextOpen(street)
	if !ok {
		next = rules.MonthStart(o.Today())
	}
	out := []Month{{Month: next, Next: true}}
	closed := b.ClosedMonths(street)
	for i := len(closed) - 1; i >= 0; i-- {
		out = append(out, Month{Month: closed[i], Closed: true})
	}
	return out, nil
}

// Close closes a street's month: its roll, as computed now, is stored and
// never changes again. Months close in order, each after the one before;
// the first close may be any month up to the current one. Refusals are
// desk.ErrInvalid: street, roll_closed, roll_order (an earlier month is
// still open), roll_future (a month after the current one), roll_empty.
func Close(ctx context.Context, o *desk.Office, street string, month time.Time, note string) (Roll, error) {
	if street == "" {
		street = o.Street
	}
	if street == "" {
		return Roll{}, desk.Invalid("street", "a roll needs its street")
	}
	month = rules.MonthStart(month)
	if month.After(rules.MonthStart(o.Today())) {
		return Roll{}, desk.Invalid("roll_future", "month %s has not begun", month.Format(monthLayout))
	}
	b, err := Open(ctx, o, desk.Area{StreetID: street})
	if err != nil {
		return Roll{}, err
	}
	if _, done := b.closed[street][month]; done {
		return Roll{}, desk.Invalid("roll_closed", "roll %s of street %s is closed", month.Format(monthLayout), street)
	}
	if next, ok := b.NextOpen(street); ok && !next.Equal(month) {
		return Roll{}, desk.Invalid("roll_order", "street %s must close %s first", street, next.Format(monthLayout))
	}
	rl := b.Roll(street, month, time.Time{})
	if len(rl.Lines) == 0 {
		return Roll{}, desk.Invalid("roll_empty", "roll %s of street %s pays nobody", month.Format(monthLayout), street)
	}
	rl.ID = RollID(street, month)
	rl.Closed, rl.ClosedOn, rl.ClosedBy, rl.Note = true, o.Today(), o.Me, note
	if err := store(ctx, o, rl); err != nil {
		return Roll{}, err
	}
	return rl, nil
}

// RollID is the id of a street's roll for a month (rules.RollID).
func RollID(street string, month time.Time) string {
	return rules.RollID(street, month.Format(monthLayout))
}

// lineID is a line's id (rules.RollLineID).
func lineID(rollID string, l Line) string {
	return rules.RollLineID(rollID, l.HouseholdID, l.Kind, l.ForMonth.Format(monthLayout))
}

// store writes a closed roll and its lines in one transaction.
func store(ctx context.Context, o *desk.Office, rl Roll) error {
	tx, err := o.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("close roll %s: %w", rl.Month.Format(monthLayout), err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	t := rl.Totals()
	err = desk.Insert(ctx, tx, "payout_rolls", rl.ID, map[string]any{
		"street_id": rl.StreetID, "month": rl.Month.Format(monthLayout),
		"closed_on": rl.ClosedOn.Format(desk.DateLayout), "closed_by": rl.ClosedBy, "closed_at": o.Stamp(),
		"households": t.Households, "people": t.People, "base_fen": t.BaseFen, "topup_fen": t.TopUpFen,
		"subsidy_fen": t.SubsidyFen, "adjust_fen": t.BackPayFen + t.RecoveryFen, "total_fen": t.TotalFen,
		"note": rl.Note,
	})
	if err != nil {
		return fmt.Errorf("close roll: %w", err)
	}
	for _, l := range rl.Lines {
		err := desk.Insert(ctx, tx, "payout_lines", lineID(rl.ID, l), map[string]any{
			"roll_id": rl.ID, "street_id": rl.StreetID, "month": rl.Month.Format(monthLayout),
			"household_id": l.HouseholdID, "community_id": l.CommunityID, "kind": l.Kind,
			"for_month": l.ForMonth.Format(monthLayout), "head_name": l.Head, "id_number": l.IDNumber,
			"bank": l.Bank, "account": l.Account, "covered": l.Covered, "base_fen": l.BaseFen,
			"topup_fen": l.TopUpFen, "subsidy_fen": l.SubsidyFen, "total_fen": l.TotalFen(),
		})
		if err != nil {
			return fmt.Errorf("close roll: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("close roll: commit: %w", err)
	}
	return nil
}
