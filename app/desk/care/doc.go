// Package care is the district's care-institution register (养老机构):
// institutions (public or private), their dated bed, resident and staff
// counts (occupancy derived), their dated finances (office only), and the
// half-yearly assessment (以奖代补考核) scored against the district's
// standard (district.Assessment) with the award band it earns.
package care
