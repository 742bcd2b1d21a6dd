// Package history is a household's benefit history (低保 entitlement
// periods): appending the period a decision starts, suspending (暂停) and
// resuming (恢复) a benefit, corrections, and the household row's status
// and amount kept as a projection of the history.
//
// The history is the append-only entitlements table; schema/rules decides
// which period is in force on a day (rules.InForce). Nothing here edits a
// period: a correction is a new decision.
package history
