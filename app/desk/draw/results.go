package draw

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"doorstep/app/desk"
	"doorstep/app/desk/sheet"
	"doorstep/app/forms"
)

// Result is one check of a batch and how what the inspectors found
// compares with the household's last approved data (the comparison the
// spot-check form shows the inspectors, read back at the office).
type Result struct {
	CheckID     string
	HouseholdID string
	Head        string
	CommunityID string
	Community   string
	Inspectors  []string // names
	Risks       []string
	// Done is true once the check is submitted; CheckedAt says when.
	Done      bool
	CheckedAt time.Time
	// Check holds the answers; Baseline the last approved data.
	Check    *forms.SpotCheck
	Baseline forms.Baseline
	// Discrepancies lists what differs (empty until done);
	// Suggested is the outcome the answers point to, Outcome the one the
	// inspectors chose.
	Discrepancies []forms.Discrepancy
	Suggested     string
	Outcome       string
}

// Results returns a batch's checks with their comparison, by community
// then head of household.
func Results(ctx context.Context, o *desk.Office, batchID string) ([]Result, error) {
	bs, err := batches(ctx, o, "", batchID)
	if err != nil {
		return nil, err
	}
	if len(bs) == 0 {
		return nil, fmt.Errorf("results of batch %s: %w", batchID, desk.ErrNotFound)
	}
	return results(ctx, o, "sc.batch_id = ?", batchID)
}

// Compare returns one spot check compared with its household's last
// approved data, desk.ErrNotFound if it is not on this device or outside
// the supervisor's area.
func Compare(ctx context.Context, o *desk.Office, checkID string) (Result, error) {
	rs, err := results(ctx, o, "sc.id = ?", checkID)
	if err != nil {
		return Result{}, err
	}
	if len(rs) == 0 {
		return Result{}, fmt.Errorf("spot check %s: %w", checkID, desk.ErrNotFound)
	}
	return rs[0], nil
}

// results reads the checks matching where (a condition written here,
// with one argument) and compares each.
func results(ctx context.Context, o *desk.Office, where string, arg any) ([]Result, error) {
	names, err := o.Staff(ctx)
	if err != nil {
		return nil, err
	}
	cond, args := o.Filter("sc.community_id", desk.Area{})
	var out []Result
	err = desk.Query(ctx, o.DB, "spot check results", `SELECT sc.id, coalesce(sc.household_id,''),
		coalesce(h.head_name,''), coalesce(sc.community_id,''), coalesce(c.name,''),
		coalesce(sc.inspector_ids,''), coalesce(sc.risk_reasons,''), coalesce(sc.state,''),
		coalesce(sc.checked_at,'')
		FROM spot_checks sc LEFT JOIN households h ON h.id = sc.household_id
		LEFT JOIN communities c ON c.id = sc.community_id
		WHERE sc.deleted = 0 AND `+where+cond+` ORDER BY c.name, h.head_name, sc.id`, append([]any{arg}, args...),
		func(r *sql.Rows) error {
			var res Result
			var ins, risks, state, at string
			if err := r.Scan(&res.CheckID, &res.HouseholdID, &res.Head, &res.CommunityID, &res.Community,
				&ins, &risks, &state, &at); err != nil {
				return err
			}
			var ids []string
			_ = json.Unmarshal([]byte(ins), &ids)
			for _, id := range ids {
				res.Inspectors = append(res.Inspectors, names[id])
			}
			_ = json.Unmarshal([]byte(risks), &res.Risks)
			res.Done = state == forms.StateSubmitted
			res.CheckedAt, _ = desk.ParseInstant(at)
			out = append(out, res)
			return nil
		})
	if err != nil {
		return nil, err
	}
	env := forms.Env{DB: o.DB, Now: o.Clock, Config: o.Rules(), UserID: o.Me}
	for i := range out {
		if err := compare(ctx, o, env, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// compare loads a check's answers and baseline and lists the differences.
func compare(ctx context.Context, o *desk.Office, env forms.Env, r *Result) error {
	var err error
	if r.Check, err = forms.LoadSpotCheck(ctx, env, r.CheckID); err != nil {
		return fmt.Errorf("result %s: %w", r.CheckID, err)
	}
	if r.Baseline, err = forms.LoadBaseline(ctx, env, r.HouseholdID, o.Today()); err != nil {
		return fmt.Errorf("result %s: %w", r.CheckID, err)
	}
	r.Outcome = r.Check.Outcome
	if r.Done {
		r.Discrepancies = r.Baseline.Discrepancies(r.Check)
		r.Suggested = r.Baseline.SuggestOutcome(r.Check)
	}
	return nil
}

// ResultsSheet is the export of a batch's results.
func ResultsSheet(rs []Result, loc *time.Location) sheet.Sheet {
	s := sheet.Sheet{
		Name: "desk.draw.results_sheet",
		Columns: []string{"desk.col.community", "desk.col.head", forms.LabelKey("spot_checks", "inspector_ids"),
			"desk.col.risks", "desk.col.done", forms.LabelKey("spot_checks", "checked_at"),
			forms.LabelKey("spot_checks", "outcome"), "desk.col.discrepancies"},
	}
	for _, r := range rs {
		var risks sheet.Msgs
		for _, k := range r.Risks {
			risks = append(risks, sheet.Msg{Key: "desk.risk." + k})
		}
		var disc sheet.Msgs
		for _, d := range r.Discrepancies {
			disc = append(disc, sheet.Msg{Key: d.Key, Args: d.Args})
		}
		checked := ""
		if !r.CheckedAt.IsZero() {
			checked = r.CheckedAt.In(loc).Format(desk.DateLayout)
		}
		outcome := sheet.Code("")
		if r.Outcome != "" {
			outcome = sheet.Code("code.spot_outcome." + r.Outcome)
		}
		s.Rows = append(s.Rows, []any{r.Community, r.Head, r.Inspectors, risks, r.Done, checked, outcome, disc})
	}
	return s
}
