package rules

import "time"

// Age returns the age in whole years (周岁) on date on of someone born on
// birth. Both are read as calendar dates in their own locations, so pass
// times whose location is the one the dates were recorded in (storage keeps
// dates as UTC midnight).
//
// The age goes up ON the birthday. Someone born on 29 February has their
// birthday on 1 March in non-leap years (so is not yet a year older on 28
// February), which is also how time.AddDate normalises the date. Before
// birth the age is negative.
func Age(birth, on time.Time) int {
	by, bm, bd := birth.Date()
	oy, om, od := on.Date()
	age := oy - by
	if om < bm || om == bm && od < bd {
		age--
	}
	return age
}

// dateOf returns t's calendar date (in t's location) at midnight UTC, so that
// dates from different locations compare by calendar day.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
