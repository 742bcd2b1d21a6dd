package rules

import (
	"crypto/sha1"
	"time"

	"github.com/google/uuid"
)

// Kinds of payout roll lines.
const (
	// LineRegular is a month's benefit due by the history.
	LineRegular = "regular"
	// LineBackPay (补发) pays what a closed month paid too little.
	LineBackPay = "back_pay"
	// LineRecovery (追回) recovers what a closed month paid too much.
	LineRecovery = "recovery"
)

// PayLine is one line of a monthly payout roll (低保金发放花名册) for one
// household: the regular benefit of the roll's month, or a back-payment or
// recovery for an earlier, closed month (ForMonth).
type PayLine struct {
	HouseholdID, CommunityID string
	Kind                     string
	ForMonth                 time.Time
	Covered                  int
	BaseFen                  int64
	TopUpFen                 int64
	SubsidyFen               int64
}

// TotalFen is what the line pays (negative for a recovery).
func (l PayLine) TotalFen() int64 { return l.BaseFen + l.TopUpFen + l.SubsidyFen }

// BenefitFen is the line's 低保金 without the price subsidy.
func (l PayLine) BenefitFen() int64 { return l.BaseFen + l.TopUpFen }

// Due returns the regular line a household's history owes for month (any
// day of it), as known on known: the amounts of the period in force on
// PayDay(month), when it is active. ok is false when nothing is due.
func Due(rows []Entitlement, month, known time.Time) (PayLine, bool) {
	e, ok := InForce(rows, PayDay(month), known)
	if !ok || !e.Paid() {
		return PayLine{}, false
	}
	return PayLine{HouseholdID: e.HouseholdID, CommunityID: e.CommunityID, Kind: LineRegular,
		ForMonth: MonthStart(month), Covered: e.Covered, BaseFen: e.BaseFen, TopUpFen: e.TopUpFen,
		SubsidyFen: e.SubsidyFen}, true
}

// Adjustment returns the back-payment or recovery line that settles a
// closed month: what the history (as known on known) owes the household for
// month, less what the closed rolls paid for it (paid: the sum of every
// closed line for that month, regular and earlier adjustments). ok is false
// when nothing is owed either way. The line's kind follows the sign of its
// total; its components are the differences.
func Adjustment(rows []Entitlement, month time.Time, paid PayLine, known time.Time) (PayLine, bool) {
	due, _ := Due(rows, month, known)
	l := PayLine{HouseholdID: paid.HouseholdID, CommunityID: paid.CommunityID, ForMonth: MonthStart(month),
		BaseFen: due.BaseFen - paid.BaseFen, TopUpFen: due.TopUpFen - paid.TopUpFen,
		SubsidyFen: due.SubsidyFen - paid.SubsidyFen, Covered: due.Covered}
	if due.HouseholdID != "" {
		l.HouseholdID, l.CommunityID = due.HouseholdID, due.CommunityID
	}
	if l.BaseFen == 0 && l.TopUpFen == 0 && l.SubsidyFen == 0 {
		return PayLine{}, false
	}
	l.Kind = LineBackPay
	if l.TotalFen() < 0 {
		l.Kind = LineRecovery
	}
	return l, true
}

// Add returns the component-wise sum of two lines of one household and
// month (for what the closed rolls paid).
func (l PayLine) Add(o PayLine) PayLine {
	if l.HouseholdID == "" {
		l.HouseholdID, l.CommunityID, l.ForMonth = o.HouseholdID, o.CommunityID, o.ForMonth
	}
	l.BaseFen += o.BaseFen
	l.TopUpFen += o.TopUpFen
	l.SubsidyFen += o.SubsidyFen
	return l
}

// RollID is the id of a street's payout roll for a month ("2006-01"): the
// same on every device, so two offices closing one month offline write
// one roll. It is shaped as a UUID v7 stamped with the month's first
// instant, its other bits a hash of the street and month.
func RollID(street, month string) string {
	return derivedID(month, "doorstep/payout_roll/"+street+"/"+month)
}

// RollLineID is the id of a roll's line for a household, kind and month
// paid for ("2006-01"), derived like RollID.
func RollLineID(rollID, household, kind, forMonth string) string {
	return derivedID(forMonth, rollID+"/"+household+"/"+kind+"/"+forMonth)
}

// derivedID returns a UUID v7 stamped with month's first instant (UTC)
// whose other bits come from the SHA-1 of key.
func derivedID(month, key string) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		t = time.Unix(0, 0)
	}
	return StableID(t, key)
}

// StableID returns a UUID v7 stamped with instant at whose other bits come
// from the SHA-1 of key: every device deriving a row from the same facts
// makes the same id, so the rows merge as one.
func StableID(at time.Time, key string) string {
	sum := sha1.Sum([]byte(key))
	var u uuid.UUID
	copy(u[:], sum[:16])
	ms := uint64(at.UnixMilli())
	u[0], u[1], u[2] = byte(ms>>40), byte(ms>>32), byte(ms>>24)
	u[3], u[4], u[5] = byte(ms>>16), byte(ms>>8), byte(ms)
	u[6] = 0x70 | u[6]&0x0f // version 7
	u[8] = 0x80 | u[8]&0x3f // RFC 9562 variant
	return u.String()
}
