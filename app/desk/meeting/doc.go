// Package meeting is collective approval (会议集中审批): the cases waiting
// for a decision, meetings with their attendees and per-case votes, the
// public notice (公示) each decision starts, and putting it into effect.
//
// Meetings and decisions are rows of approval_meetings and the append-only
// meeting_decisions; a case's progress is derived from them and from the
// household row, never stored twice.
package meeting
