package draw

import (
	"encoding/json"
	"time"

	"doorstep/app/desk"
)

// Methods of a batch (spot_batches.method).
const (
	MethodRandom   = "random"   // plain random sample
	MethodTargeted = "targeted" // random, weighted towards risk flags
)

// Risk flags a household may carry into a draw (spot_checks.risk_reasons).
const (
	// RiskStaffRelative: a near relative of staff or cadres; always drawn.
	RiskStaffRelative = "staff_relative"
	// RiskShortVisit: the household's last approved visit was unusually
	// short (desk.ShortVisits: the desk's one rule for short visits).
	RiskShortVisit = "short_visit"
	// RiskRecheckOverdue: the household's re-check date has passed.
	RiskRecheckOverdue = "recheck_overdue"
	// RiskReturnedBefore: a review returned one of its visits.
	RiskReturnedBefore = "returned_before"
	// RiskFlaggedEvidence: the server flagged the evidence of one of its
	// means-test visits (docs/EVIDENCE.md).
	RiskFlaggedEvidence = "flagged_evidence"
)

// Risks lists the weighted risk flags in display order.
var Risks = []string{RiskFlaggedEvidence, RiskShortVisit, RiskRecheckOverdue, RiskReturnedBefore}

// Plan is what the supervisor asks for. One batch is drawn per street.
type Plan struct {
	// Streets to draw from; each gets its own batch.
	Streets []string
	// Count is the sample size per street; when zero, RatePct of the
	// street's active households (rounded up) are drawn, and when both
	// are zero the district's spot_check_rate_percent.
	Count   int
	RatePct int
	// Stratify spreads the sample over communities and caseworkers in
	// proportion to their households.
	Stratify bool
	// RiskWeight multiplies a household's chance by this much per risk
	// flag it carries (0 or 1: no weighting).
	RiskWeight int
	// Inspectors per check; zero means the district's minimum (2).
	Inspectors int
	// Unannounced checks (暗访) are hidden from the caseworker.
	Unannounced bool
	// PlannedOn is when the checks should happen; AsOf the date whose
	// active households form the population (zero: today).
	PlannedOn time.Time
	AsOf      time.Time
	// Seed decides the lottery. Record it; it reproduces the draw.
	Seed int64
	Note string
}

// options is the part of a Plan stored with each batch
// (spot_batches.options), enough to reproduce its draw.
type options struct {
	Version          int    `json:"version"`
	AsOf             string `json:"as_of"`
	Count            int    `json:"count,omitempty"`
	RatePct          int    `json:"rate_pct,omitempty"`
	Stratify         bool   `json:"stratify"`
	RiskWeight       int    `json:"risk_weight,omitempty"`
	Inspectors       int    `json:"inspectors"`
	Unannounced      bool   `json:"unannounced"`
	PlannedOn        string `json:"planned_on,omitempty"`
	StaffRelativePct int    `json:"staff_relative_pct"`
	// Skipped are the households left out of the draw because a check of
	// theirs was still open when it was drawn (absent in batches drawn
	// before households were skipped).
	Skipped []string `json:"skipped,omitempty"`
}

func (p Plan) options(relativePct int) options {
	o := options{Version: 1, AsOf: p.AsOf.Format(desk.DateLayout), Count: p.Count, RatePct: p.RatePct,
		Stratify: p.Stratify, RiskWeight: p.RiskWeight, Inspectors: p.Inspectors,
		Unannounced: p.Unannounced, StaffRelativePct: relativePct}
	if !p.PlannedOn.IsZero() {
		o.PlannedOn = p.PlannedOn.Format(desk.DateLayout)
	}
	return o
}

func (o options) plan(street string, seed int64) Plan {
	p := Plan{Streets: []string{street}, Count: o.Count, RatePct: o.RatePct, Stratify: o.Stratify,
		RiskWeight: o.RiskWeight, Inspectors: o.Inspectors, Unannounced: o.Unannounced, Seed: seed}
	p.AsOf, _ = desk.ParseDate(o.AsOf)
	if o.PlannedOn != "" {
		p.PlannedOn, _ = desk.ParseDate(o.PlannedOn)
	}
	return p
}

func (o options) json() string {
	b, _ := json.Marshal(o)
	return string(b)
}

// method names the batch's method.
func (p Plan) method() string {
	if p.RiskWeight > 1 {
		return MethodTargeted
	}
	return MethodRandom
}
