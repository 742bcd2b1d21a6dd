package draw

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/sheet"
)

// Draw is one street's drawn batch: before Save a preview, after it the
// stored batch.
type Draw struct {
	BatchID    string // set by Save
	StreetID   string
	Method     string
	Seed       int64
	Population int // households under 低保 in the street on AsOf
	// Skipped counts the households of the population left out because a
	// spot check of theirs is still open (not submitted).
	Skipped int
	Checks  []Check
	plan    Plan
	opts    options
}

// Preview draws a plan without writing anything: one Draw per street.
// Refusals are desk.ErrInvalid with a code: streets (none, or outside the
// supervisor's area), size (negative count, rate outside 0–100, nothing
// to draw), inspectors_min (fewer inspectors per check than the district
// requires), planned_on (in the past), inspectors (a street has too few
// workers to staff a check without its caseworker).
func Preview(ctx context.Context, o *desk.Office, p Plan) ([]Draw, error) {
	cfg := o.Rules().Process
	if p.AsOf.IsZero() {
		p.AsOf = o.Today()
	}
	if p.Count == 0 && p.RatePct == 0 {
		p.RatePct = cfg.SpotCheckRatePercent
	}
	if p.Inspectors == 0 {
		p.Inspectors = cfg.MinSpotCheckInspectors
	}
	switch {
	case len(p.Streets) == 0:
		return nil, desk.Invalid("streets", "no street chosen")
	case p.Count < 0 || p.RatePct < 0 || p.RatePct > 100:
		return nil, desk.Invalid("size", "count %d, rate %d%%", p.Count, p.RatePct)
	case p.Inspectors < cfg.MinSpotCheckInspectors:
		return nil, desk.Invalid("inspectors_min", "%d inspectors per check, at least %d", p.Inspectors, cfg.MinSpotCheckInspectors)
	case !p.PlannedOn.IsZero() && p.PlannedOn.Before(o.Today()):
		return nil, desk.Invalid("planned_on", "planned on %v, in the past", p.PlannedOn)
	}
	var out []Draw
	for _, street := range p.Streets {
		if street == "" || o.Street != "" && street != o.Street {
			return nil, desk.Invalid("streets", "street %q is outside the supervisor's area", street)
		}
		d, err := draw(ctx, o, street, p, cfg.StaffRelativeSpotCheckPercent)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if slices.IndexFunc(out, func(d Draw) bool { return len(d.Checks) > 0 }) < 0 {
		return nil, desk.Invalid("size", "nothing to draw")
	}
	return out, nil
}

// draw draws one street's sample and assigns its inspectors. Households
// with a check still open are left out (and recorded with the batch, so
// Verify redraws without them too).
func draw(ctx context.Context, o *desk.Office, street string, p Plan, relativePct int) (Draw, error) {
	open, err := openChecks(ctx, o, street)
	if err != nil {
		return Draw{}, err
	}
	pop, picked, err := pick(ctx, o, street, p, relativePct, open)
	if err != nil {
		return Draw{}, err
	}
	opts := p.options(relativePct)
	for _, c := range pop {
		if open[c.HouseholdID] {
			opts.Skipped = append(opts.Skipped, c.HouseholdID) // pop is ordered by id
		}
	}
	pool, err := inspectors(ctx, o, street)
	if err != nil {
		return Draw{}, err
	}
	checks, err := Assign(picked, pool, p.Inspectors, p.Seed)
	if err != nil {
		return Draw{}, err
	}
	return Draw{StreetID: street, Method: p.method(), Seed: p.Seed, Population: len(pop),
		Skipped: len(opts.Skipped), Checks: checks, plan: p, opts: opts}, nil
}

// pick reads a street's population and selects its sample from the
// households not in skip. The sample size is taken of the whole
// population (a rate is a share of the street's households), at most
// the households left to draw.
func pick(ctx context.Context, o *desk.Office, street string, p Plan, relativePct int, skip map[string]bool) (pop, picked []Candidate, err error) {
	pop, err = Population(ctx, o, street, p.AsOf)
	if err != nil {
		return nil, nil, err
	}
	drawable := slices.DeleteFunc(slices.Clone(pop), func(c Candidate) bool { return skip[c.HouseholdID] })
	size := min(sampleSize(len(pop), p.Count, p.RatePct), len(drawable))
	return pop, Select(drawable, size, p.Stratify, p.RiskWeight, relativePct, p.Seed), nil
}

// openChecks returns the households of a street with a spot check not
// submitted yet.
func openChecks(ctx context.Context, o *desk.Office, street string) (map[string]bool, error) {
	out := map[string]bool{}
	err := desk.Query(ctx, o.DB, "open spot checks", `SELECT DISTINCT sc.household_id FROM spot_checks sc
		JOIN communities c ON c.id = sc.community_id
		WHERE sc.deleted = 0 AND coalesce(sc.state,'') <> 'submitted' AND c.street_id = ?`,
		[]any{street}, func(r *sql.Rows) error {
			var h sql.NullString
			if err := r.Scan(&h); err != nil {
				return err
			}
			out[h.String] = h.Valid
			return nil
		})
	return out, err
}

// Save stores previewed draws in one transaction: a spot_batches row per
// street and a spot_checks row per household, assigned to its inspectors
// and, when unannounced, hidden from its caseworker until done. It sets
// the draws' BatchID.
func Save(ctx context.Context, o *desk.Office, draws []Draw) error {
	tx, err := o.DB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save draw: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	ids := make([]string, len(draws))
	for i, d := range draws {
		ids[i] = o.ID()
		batch := map[string]any{
			"street_id":   d.StreetID,
			"method":      d.Method,
			"sample_size": len(d.Checks),
			"seed":        d.Seed,
			"options":     d.opts.json(),
			"drawn_at":    o.Stamp(),
			"drawn_by":    o.Me,
			"note":        d.plan.Note,
		}
		if d.plan.Count == 0 {
			batch["rate_pct"] = d.plan.RatePct
		}
		if err := desk.Insert(ctx, tx, "spot_batches", ids[i], batch); err != nil {
			return fmt.Errorf("save draw: %w", err)
		}
		for _, c := range d.Checks {
			inspectors, _ := json.Marshal(c.InspectorIDs)
			risks, _ := json.Marshal(append([]string{}, c.Risks...))
			check := map[string]any{
				"batch_id":      ids[i],
				"household_id":  c.HouseholdID,
				"community_id":  c.CommunityID,
				"caseworker_id": c.CaseworkerID,
				"inspector_ids": string(inspectors),
				"unannounced":   d.plan.Unannounced,
				"risk_reasons":  string(risks),
			}
			if !d.plan.PlannedOn.IsZero() {
				check["planned_on"] = d.plan.PlannedOn.Format(desk.DateLayout)
			}
			if err := desk.Insert(ctx, tx, "spot_checks", o.ID(), check); err != nil {
				return fmt.Errorf("save draw: %w", err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save draw: commit: %w", err)
	}
	for i := range draws {
		draws[i].BatchID = ids[i]
	}
	return nil
}

// Batch is a stored spot-check batch with its progress.
type Batch struct {
	ID         string
	StreetID   string
	Street     string
	Method     string
	RatePct    int
	SampleSize int
	Seed       int64
	DrawnAt    time.Time
	DrawnBy    string // name
	Note       string
	Done       int // checks submitted
	opts       options
}

// Unannounced reports whether the batch's checks are unannounced.
func (b Batch) Unannounced() bool { return b.opts.Unannounced }

// AsOf returns the date whose population the batch was drawn from.
func (b Batch) AsOf() string { return b.opts.AsOf }

// Batches returns the batches in the supervisor's area (one street when
// street is set), latest first.
func Batches(ctx context.Context, o *desk.Office, street string) ([]Batch, error) {
	return batches(ctx, o, street, "")
}

func batches(ctx context.Context, o *desk.Office, street, id string) ([]Batch, error) {
	q := `SELECT b.id, coalesce(b.street_id,''), coalesce(st.name,''), coalesce(b.method,''),
		coalesce(b.rate_pct,0), coalesce(b.sample_size,0), coalesce(b.seed,0), coalesce(b.drawn_at,''),
		coalesce(s.name,''), coalesce(b.note,''), coalesce(b.options,''),
		(SELECT count(*) FROM spot_checks c WHERE c.batch_id = b.id AND c.deleted = 0 AND c.state = 'submitted')
		FROM spot_batches b LEFT JOIN streets st ON st.id = b.street_id LEFT JOIN staff s ON s.id = b.drawn_by
		WHERE b.deleted = 0`
	var args []any
	for _, s := range []string{o.Street, street} {
		if s != "" {
			q += ` AND b.street_id = ?`
			args = append(args, s)
		}
	}
	if id != "" {
		q += ` AND b.id = ?`
		args = append(args, id)
	}
	var out []Batch
	err := desk.Query(ctx, o.DB, "batches", q+` ORDER BY b.drawn_at DESC, b.id DESC`, args, func(r *sql.Rows) error {
		var b Batch
		var at, opts string
		if err := r.Scan(&b.ID, &b.StreetID, &b.Street, &b.Method, &b.RatePct, &b.SampleSize, &b.Seed,
			&at, &b.DrawnBy, &b.Note, &opts, &b.Done); err != nil {
			return err
		}
		b.DrawnAt, _ = desk.ParseInstant(at)
		if opts != "" {
			if err := json.Unmarshal([]byte(opts), &b.opts); err != nil {
				return fmt.Errorf("batch %s options: %w", b.ID, err)
			}
		}
		out = append(out, b)
		return nil
	})
	return out, err
}

// Verification compares a stored batch with the same draw made again.
type Verification struct {
	// Same is true when the redraw picks exactly the stored households.
	Same bool
	// Missing are households the redraw picks that the batch lacks; Extra
	// those the batch has that the redraw does not pick (the population
	// changed since, or the batch was tampered with).
	Missing, Extra []string
	// Reassigned are households whose stored inspectors differ from the
	// redraw's (staff changed since, or reassigned by hand).
	Reassigned []string
}

// Verify redraws a stored batch from its seed and options and compares.
func Verify(ctx context.Context, o *desk.Office, batchID string) (Verification, error) {
	bs, err := batches(ctx, o, "", batchID)
	if err != nil {
		return Verification{}, err
	}
	if len(bs) == 0 {
		return Verification{}, fmt.Errorf("verify batch %s: %w", batchID, desk.ErrNotFound)
	}
	b := bs[0]
	if b.opts.Version == 0 {
		return Verification{}, fmt.Errorf("verify batch %s: no stored options", batchID)
	}
	p := b.opts.plan(b.StreetID, b.Seed)
	skip := map[string]bool{}
	for _, h := range b.opts.Skipped {
		skip[h] = true
	}
	_, picked, err := pick(ctx, o, b.StreetID, p, b.opts.StaffRelativePct, skip)
	if err != nil {
		return Verification{}, fmt.Errorf("verify batch %s: %w", batchID, err)
	}
	pool, err := inspectors(ctx, o, b.StreetID)
	if err != nil {
		return Verification{}, fmt.Errorf("verify batch %s: %w", batchID, err)
	}
	// Staff who left since may make the inspectors unassignable: then
	// every household counts as reassigned, and the sample still compares.
	checks, err := Assign(picked, pool, p.Inspectors, p.Seed)
	if err != nil {
		checks = make([]Check, len(picked))
		for i, c := range picked {
			checks[i] = Check{Candidate: c}
		}
	}
	stored := map[string][]string{}
	err = desk.Query(ctx, o.DB, "batch checks", `SELECT household_id, coalesce(inspector_ids,'')
		FROM spot_checks WHERE batch_id = ? AND deleted = 0`, []any{batchID}, func(r *sql.Rows) error {
		var h, ins string
		if err := r.Scan(&h, &ins); err != nil {
			return err
		}
		var ids []string
		_ = json.Unmarshal([]byte(ins), &ids)
		slices.Sort(ids)
		stored[h] = ids
		return nil
	})
	if err != nil {
		return Verification{}, err
	}
	var v Verification
	drawn := map[string]bool{}
	for _, c := range checks {
		drawn[c.HouseholdID] = true
		ins, ok := stored[c.HouseholdID]
		switch {
		case !ok:
			v.Missing = append(v.Missing, c.HouseholdID)
		case !slices.Equal(ins, c.InspectorIDs):
			v.Reassigned = append(v.Reassigned, c.HouseholdID)
		}
	}
	for h := range stored {
		if !drawn[h] {
			v.Extra = append(v.Extra, h)
		}
	}
	slices.Sort(v.Extra)
	v.Same = len(v.Missing) == 0 && len(v.Extra) == 0
	return v, nil
}

// BatchesSheet is the export of a list of batches.
func BatchesSheet(bs []Batch, loc *time.Location) sheet.Sheet {
	s := sheet.Sheet{
		Name: "desk.draw.batches_sheet",
		Columns: []string{"desk.col.street", "desk.field.drawn_at", "desk.field.drawn_by", "desk.col.method",
			"desk.field.seed", "desk.col.as_of", "desk.field.sample_size", "desk.col.done", "desk.field.unannounced",
			"desk.field.note"},
	}
	for _, b := range bs {
		s.Rows = append(s.Rows, []any{b.Street, b.DrawnAt.In(loc).Format("2006-01-02 15:04"), b.DrawnBy,
			sheet.Code("desk.draw.method." + b.Method), b.Seed, b.AsOf(), b.SampleSize, b.Done, b.Unannounced(), b.Note})
	}
	return s
}
