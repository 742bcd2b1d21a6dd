// Package roll is the monthly payout roll (低保金发放花名册) of a street:
// every household paid for a month with its base benefit, class top-ups,
// price subsidy and total, computed from the benefit history; closing a
// month, after which its roll never changes; back-payment (补发) and
// recovery (追回) lines that settle late corrections on the next open
// roll; and the export a finance office or bank imports.
//
// A month's roll pays the period in force on the last day of the month
// before (rules.Due). Closed rolls are the append-only payout_rolls and
// payout_lines tables; an open roll is computed each time it is viewed.
package roll
