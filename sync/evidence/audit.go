package evidence

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Audit verifies the evidence of every record in q — or, with household
// set, of that household's records — as an auditor does with an export:
// every entry's signature against v.Keys, every device chain, every
// record's rows against its latest entry, every attachment v.Blobs holds;
// and every submitted record without an entry is flagged no_evidence.
// Verdicts come ordered by table and id.
func Audit(ctx context.Context, q Querier, v Verifier, household string) ([]Verdict, error) {
	if household == "" {
		entries, err := ReadEntries(ctx, q, "")
		if err != nil {
			return nil, err
		}
		submitted, err := submittedRecords(ctx, q, "", "")
		if err != nil {
			return nil, err
		}
		return v.Verify(ctx, q, entries, submitted)
	}
	refs, err := submittedRecords(ctx, q, "household", household)
	if err != nil {
		return nil, err
	}
	own, err := ReadEntries(ctx, q, "household_id = ?", household)
	if err != nil {
		return nil, err
	}
	for _, s := range own {
		refs = append(refs, RecordRef{s.Entry.RecordTable, s.Entry.RecordID})
	}
	return VerifyRecords(ctx, q, v, refs)
}

// VerifyRecords verifies the records refs as q holds them now: what the
// server runs after a push that brought entries or changed rows of these
// records. It reads their entries; for the chain, each entry's
// predecessor and any other entry at the same place of the same device's
// chain (so the cost does not grow with the chain); and the entries of the
// same households and elders (fields other records changed). Each record
// in refs gets a verdict — no_evidence when it has no entry — and only
// those are returned, by table and id.
func VerifyRecords(ctx context.Context, q Querier, v Verifier, refs []RecordRef) ([]Verdict, error) {
	want := map[RecordRef]bool{}
	for _, r := range refs {
		want[r] = true
	}
	var entries []Stored
	seen := map[string]bool{}
	add := func(where string, args ...any) ([]Stored, error) {
		ss, err := ReadEntries(ctx, q, where, args...)
		if err != nil {
			return nil, err
		}
		for _, s := range ss {
			if !seen[s.ID] {
				seen[s.ID] = true
				entries = append(entries, s)
			}
		}
		return ss, nil
	}
	households, elders := map[string]bool{}, map[string]bool{}
	type place struct {
		site  string
		index uint64
	}
	places := map[place]bool{}
	for _, r := range sortedRefs(want) {
		ss, err := add("record_table = ? AND record_id = ?", r.Table, r.ID)
		if err != nil {
			return nil, err
		}
		for _, s := range ss {
			places[place{s.Entry.Site, s.Entry.Index}] = true
			households[s.Entry.Household] = true
			elders[s.Entry.Elder] = true
		}
	}
	for p := range places {
		lo := p.index
		if lo > 0 {
			lo--
		}
		if _, err := add("site = ? AND chain_index BETWEEN ? AND ?", p.site, int64(lo), int64(p.index)); err != nil {
			return nil, err
		}
	}
	for _, set := range []struct {
		col  string
		vals map[string]bool
	}{{"household_id", households}, {"elder_id", elders}} {
		for _, val := range sortedKeys(set.vals) {
			if val == "" {
				continue
			}
			if _, err := add(set.col+" = ?", val); err != nil {
				return nil, err
			}
		}
	}
	all, err := v.Verify(ctx, q, entries, sortedRefs(want))
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, vd := range all {
		if want[vd.Record] {
			out = append(out, vd)
		}
	}
	return out, nil
}

func sortedRefs(m map[RecordRef]bool) []RecordRef {
	out := make([]RecordRef, 0, len(m))
	for r := range m {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Table != out[j].Table {
			return out[i].Table < out[j].Table
		}
		return out[i].ID < out[j].ID
	})
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// submittedRecords lists the submitted, undeleted records of every kind;
// with by "household", only those of that household (kinds without a
// household column have none).
func submittedRecords(ctx context.Context, q Querier, by, household string) ([]RecordRef, error) {
	var out []RecordRef
	for _, k := range Kinds() {
		if k.Submitted == "" {
			continue
		}
		query := `SELECT id FROM ` + k.Table + ` WHERE deleted = 0 AND (` + k.Submitted + `)`
		var args []any
		if by == "household" {
			if k.Household == "" {
				continue
			}
			query += ` AND ` + k.Household + ` = ?`
			args = append(args, household)
		}
		rs, err := q.QueryContext(ctx, query+` ORDER BY id`, args...)
		if err != nil {
			return nil, fmt.Errorf("list submitted %s: %w", k.Table, err)
		}
		for rs.Next() {
			var id string
			if err := rs.Scan(&id); err != nil {
				rs.Close()
				return nil, fmt.Errorf("list submitted %s: %w", k.Table, err)
			}
			out = append(out, RecordRef{k.Table, id})
		}
		err = rs.Err()
		rs.Close()
		if err != nil {
			return nil, fmt.Errorf("list submitted %s: %w", k.Table, err)
		}
	}
	return out, nil
}

// Print writes verdicts for people: one line per record — status, record,
// household or elder, the entry it rests on (device, chain index, key
// fingerprint) — then one indented line per reason, then a count.
func Print(w io.Writer, vs []Verdict) error {
	n := map[Status]int{}
	var b strings.Builder
	for _, v := range vs {
		n[v.Status]++
		fmt.Fprintf(&b, "%-8s %s %s", v.Status, v.Record.Table, v.Record.ID)
		if v.Household != "" {
			fmt.Fprintf(&b, " household %s", v.Household)
		}
		if v.Elder != "" {
			fmt.Fprintf(&b, " elder %s", v.Elder)
		}
		if v.Entry != "" {
			fmt.Fprintf(&b, " entry %s (device %s #%d, key %s)", v.Entry, v.Site, v.Index, v.Fingerprint)
		}
		b.WriteString("\n")
		for _, r := range v.Reasons {
			fmt.Fprintf(&b, "    %s\n", r)
		}
	}
	fmt.Fprintf(&b, "%d records: %d verified, %d pending, %d flagged\n", len(vs), n[Verified], n[Pending], n[Flagged])
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("print verdicts: %w", err)
	}
	return nil
}
