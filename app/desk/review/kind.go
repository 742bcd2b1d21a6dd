package review

import "slices"

// Kind is a kind of reviewable record.
type Kind string

// The reviewable kinds.
const (
	MeansVisit     Kind = "means_visit"     // means_visits: 低保 home visit survey
	Screening      Kind = "screening"       // elder_screenings: elderly needs screening
	SpotCheck      Kind = "spot_check"      // spot_checks: a spot check's result
	VolunteerVisit Kind = "volunteer_visit" // volunteer_visits: a volunteer's visit log
)

// Kinds lists every kind in the order the queue's filter offers them.
var Kinds = []Kind{MeansVisit, Screening, SpotCheck, VolunteerVisit}

// source says where a kind's records live and how to read them. Every
// string here is a registry name written in this file, never input.
type source struct {
	kind    Kind
	table   string
	subject string // column naming the household or elder
	author  string // column naming who submitted it
	// submitted is the column holding when the record was submitted.
	submitted string
	// inPlace: a correction re-submits the same row, moving submitted; a
	// return is then answered once submitted is after the return.
	inPlace bool
}

var sources = []source{
	{MeansVisit, "means_visits", "household_id", "author_id", "submitted_at", false},
	{Screening, "elder_screenings", "elder_id", "author_id", "submitted_at", true},
	{SpotCheck, "spot_checks", "household_id", "author_id", "checked_at", false},
	{VolunteerVisit, "volunteer_visits", "elder_id", "volunteer_id", "ended_at", false},
}

// sourceOf returns the source of a kind.
func sourceOf(k Kind) (source, bool) {
	i := slices.IndexFunc(sources, func(s source) bool { return s.kind == k })
	if i < 0 {
		return source{}, false
	}
	return sources[i], true
}

// KindOfTable returns the kind whose records live in table.
func KindOfTable(table string) (Kind, bool) {
	i := slices.IndexFunc(sources, func(s source) bool { return s.table == table })
	if i < 0 {
		return "", false
	}
	return sources[i].kind, true
}

// Table returns the registry table of the kind's records.
func (k Kind) Table() string {
	s, _ := sourceOf(k)
	return s.table
}

// Household reports whether the kind's records are about a household (else
// an elder).
func (k Kind) Household() bool {
	s, _ := sourceOf(k)
	return s.subject == "household_id"
}
