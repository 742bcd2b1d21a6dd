// Package report computes the district report's figures for any period
// and area by SQL over the synced tables: 低保 households, people, payout,
// additions and cancellations, price subsidy, elders screened, volunteer
// visits and "三小" activities; and turns them into sheets for export.
package report
