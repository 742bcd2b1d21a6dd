package roll

import (
	"strings"

	"doorstep/app/desk/sheet"
	"doorstep/schema/rules"
)

// SheetColumns are the export's columns, in the order a finance office or
// bank imports them (translation keys).
var SheetColumns = []string{"desk.col.seq", "desk.col.community", "desk.col.payee", "desk.col.id_number",
	"desk.col.bank", "desk.col.account", "desk.col.covered", "desk.col.base", "desk.col.topup",
	"desk.col.subsidy", "desk.col.back_pay", "desk.col.recovery", "desk.col.total", "desk.col.adjusted_months"}

// Payee is one row of the export: everything a roll pays one household.
type Payee struct {
	Seq                           int
	HouseholdID, CommunityID      string
	Community, Head, IDNumber     string
	Bank, Account                 string
	Covered                       int
	BaseFen, TopUpFen, SubsidyFen int64
	BackPayFen, RecoveryFen       int64
	// Months lists the months adjusted ("2025-04"), oldest first.
	Months []string
}

// TotalFen is what the payee receives (negative: to recover).
func (p Payee) TotalFen() int64 {
	return p.BaseFen + p.TopUpFen + p.SubsidyFen + p.BackPayFen + p.RecoveryFen
}

// Payees merges a roll's lines into one row per household, in line order.
func (r Roll) Payees() []Payee {
	var out []Payee
	for _, l := range r.Lines {
		if len(out) == 0 || out[len(out)-1].HouseholdID != l.HouseholdID {
			out = append(out, Payee{Seq: len(out) + 1, HouseholdID: l.HouseholdID, CommunityID: l.CommunityID, Community: l.Community,
				Head: l.Head, IDNumber: l.IDNumber, Bank: l.Bank, Account: l.Account})
		}
		p := &out[len(out)-1]
		switch l.Kind {
		case rules.LineRegular:
			p.Covered, p.BaseFen, p.TopUpFen, p.SubsidyFen = l.Covered, l.BaseFen, l.TopUpFen, l.SubsidyFen
		case rules.LineBackPay:
			p.BackPayFen += l.TotalFen()
			p.Months = append(p.Months, l.ForMonth.Format(monthLayout))
		default:
			p.RecoveryFen += l.TotalFen()
			p.Months = append(p.Months, l.ForMonth.Format(monthLayout))
		}
	}
	return out
}

// Sheet is the roll as the finance office or bank imports it: one row per
// payee (seq, community, payee, ID number, bank, account, people, base,
// top-ups, price subsidy, back pay, recovery, total, months adjusted),
// each community followed by its subtotal row and the street's total row
// last. Subtotal and total rows leave seq empty and name the community or
// street in the community column.
func (r Roll) Sheet() sheet.Sheet {
	s := sheet.Sheet{Name: "desk.roll.sheet", Columns: SheetColumns}
	subtotals := r.ByCommunity()
	payees := r.Payees()
	i := 0
	total := func(label sheet.Msg, place string, t Totals) []any {
		return []any{nil, place, label, nil, nil, nil, t.People, sheet.Money(t.BaseFen), sheet.Money(t.TopUpFen),
			sheet.Money(t.SubsidyFen), sheet.Money(t.BackPayFen), sheet.Money(t.RecoveryFen), sheet.Money(t.TotalFen), nil}
	}
	for _, st := range subtotals {
		for ; i < len(payees) && payees[i].CommunityID == st.CommunityID; i++ {
			p := payees[i]
			s.Rows = append(s.Rows, []any{p.Seq, p.Community, p.Head, p.IDNumber, p.Bank, p.Account, p.Covered,
				sheet.Money(p.BaseFen), sheet.Money(p.TopUpFen), sheet.Money(p.SubsidyFen), sheet.Money(p.BackPayFen),
				sheet.Money(p.RecoveryFen), sheet.Money(p.TotalFen()), strings.Join(p.Months, " ")})
		}
		s.Rows = append(s.Rows, total(sheet.Msg{Key: "desk.roll.subtotal"}, st.Community, st.Totals))
	}
	s.Rows = append(s.Rows, total(sheet.Msg{Key: "desk.roll.total"}, r.Street, r.Totals()))
	return s
}
