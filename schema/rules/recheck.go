package rules

import (
	"errors"
	"time"

	"doorstep/schema/district"
)

// ErrUnknownClass means RecheckDue was given a class the district's table lacks.
var ErrUnknownClass = errors.New("unknown household class")

// CodeUnknownClass is the message code of ErrUnknownClass. Args: the class.
const CodeUnknownClass Code = "recheck.unknown_class"

// Re-check flags the default district configuration knows. A district may
// define others in its override table.
const (
	// FlagIrregularIncomeWorkingAge: irregular income and members able to work.
	FlagIrregularIncomeWorkingAge = "irregular_income_working_age"
)

// AddMonths returns t moved by n calendar months (n may be negative),
// keeping the time of day and location. When the day does not exist in the
// target month it is clamped to that month's last day: 31 January + 1 month
// is 28 February (29 in a leap year), unlike time.AddDate, which would
// overflow into March.
func AddMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	ty, tm, _ := first.Date()
	last := time.Date(ty, tm+1, 0, 0, 0, 0, 0, time.UTC).Day()
	d = min(d, last)
	return time.Date(ty, tm, d, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

// RecheckInterval returns the re-check interval in months for a household of
// class in setting (empty means the district's) with flags: the class's
// months (its rural months for a rural household, when configured), shortened
// to the smallest override whose flag is among flags. Flags the table does
// not mention are ignored. Errors: ErrUnknownClass.
func RecheckInterval(class string, setting district.Setting, flags []string, cfg district.Config) (int, error) {
	if setting == "" {
		setting = cfg.Region.Setting
	}
	months := 0
	for _, c := range cfg.Recheck.Classes {
		if c.Class == class {
			months = c.Months
			if setting == district.SettingRural && c.RuralMonths > 0 {
				months = c.RuralMonths
			}
		}
	}
	if months == 0 {
		return 0, newError(ErrUnknownClass, CodeUnknownClass, lit(class))
	}
	for _, o := range cfg.Recheck.Overrides {
		for _, f := range flags {
			if f == o.Flag {
				months = min(months, o.Months)
			}
		}
	}
	return months, nil
}

// RecheckDue returns the date the next re-check is due: lastApproved (the
// last approval or re-check) plus the RecheckInterval, by AddMonths.
// Errors: ErrUnknownClass.
func RecheckDue(class string, setting district.Setting, lastApproved time.Time, flags []string, cfg district.Config) (time.Time, error) {
	months, err := RecheckInterval(class, setting, flags, cfg)
	if err != nil {
		return time.Time{}, err
	}
	return AddMonths(lastApproved, months), nil
}

// Overdue reports whether a re-check due on due is overdue on today: true
// only once today's calendar date is after due's. On the due date itself it
// is not overdue. Each is read as a calendar date in its own location.
func Overdue(due, today time.Time) bool {
	return dateOf(today).After(dateOf(due))
}
