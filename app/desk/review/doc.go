// Package review is the supervisor's review queue: every submitted visit,
// screening, spot check and volunteer log in scope, its derived review
// state, and the approve / return decisions recorded as review events.
//
// Decisions are append-only rows of review_events; a record's state is
// derived from its latest event, its submission time and whether a later
// means-test visit supersedes it (means_visits.supersedes_id), so both the
// returned original and the resubmission stay in the history.
package review
