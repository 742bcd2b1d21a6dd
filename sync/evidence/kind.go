package evidence

import (
	"fmt"
	"slices"
	"sort"
	"sync"

	"doorstep/schema"
)

// Kind says which rows make up a submitted record of one kind, and so what
// its evidence covers. The record is one row of Table; its content is that
// row and, for each Child, the rows of the child table linked to it — every
// synced column of each (schema.Reg), except the columns Exclude names.
type Kind struct {
	// Name is the stable kind name ("means_visit").
	Name string
	// Table is the record table ("means_visits").
	Table string
	// Household, Elder and Pairing name the record-table columns holding the
	// record's household, elder and volunteer pairing ("" when the kind has
	// none). The entry copies them, so evidence can be found and scoped by
	// household, elder or pairing.
	Household, Elder, Pairing string
	// Children are the other rows that belong to the record.
	Children []Child
	// Exclude names, per table, columns left out of the content because
	// someone else legitimately writes them after the submit (the office's
	// approval columns of a household, say). Keep it short: every column
	// left out is a column an edit of goes unnoticed.
	Exclude map[string][]string
	// Blobs are the record-table columns that reference attachments.
	Blobs []BlobColumn
	// Submitted is the SQL condition on the record row (alias-free column
	// names) that holds once the record has been submitted, so a record
	// without evidence is found: "state = 'submitted'".
	Submitted string
}

// Child links rows of another table to a record: the rows of Table whose
// Column equals the record row's Via column ("id" for the record's own id).
// Column "id" selects the one row whose id is that value (the household
// row of a visit).
type Child struct {
	Table  string
	Column string
	Via    string
}

// BlobColumn is a text column of the record table whose value references
// attachments by their SHA-256 (a single hash, a JSON list or a JSON map of
// hashes): every run of exactly 64 lower-case hex digits in it is one
// attachment of the given Role ("photo", "signature").
type BlobColumn struct {
	Column string
	Role   string
}

// Attachment roles.
const (
	RolePhoto     = "photo"
	RoleSignature = "signature"
)

// The built-in record kinds.
var (
	// MeansVisit is a 低保 home visit survey: the visit and the household
	// as the visit left it — household, members, incomes, assets. The
	// household's status, approval and benefit columns are the office's
	// (written by the approval meeting) and are left out.
	MeansVisit = Kind{
		Name: "means_visit", Table: "means_visits", Household: "household_id",
		Children: []Child{
			{Table: "households", Column: "id", Via: "household_id"},
			{Table: "members", Column: "household_id", Via: "household_id"},
			{Table: "incomes", Column: "household_id", Via: "household_id"},
			{Table: "assets", Column: "household_id", Via: "household_id"},
		},
		Exclude: map[string][]string{"households": {"status", "approved_on", "cancelled_on",
			"cancel_reason", "benefit_fen", "covered_members", "last_visit_id", "recheck_due",
			"caseworker_id"}},
		Blobs: []BlobColumn{{"photos", RolePhoto}, {"applicant_signature", RoleSignature},
			{"staff_signatures", RoleSignature}},
		Submitted: "state = 'submitted'",
	}
	// SpotCheck is a spot check's findings (its spot_checks row).
	SpotCheck = Kind{Name: "spot_check", Table: "spot_checks", Household: "household_id",
		Submitted: "state = 'submitted'"}
	// Screening is an elderly needs screening and the elder's basic data
	// it recorded.
	Screening = Kind{Name: "screening", Table: "elder_screenings", Elder: "elder_id",
		Children:  []Child{{Table: "elders", Column: "id", Via: "elder_id"}},
		Submitted: "state = 'submitted'"}
	// VolunteerVisit is a volunteer's visit log.
	VolunteerVisit = Kind{Name: "volunteer_visit", Table: "volunteer_visits", Elder: "elder_id",
		Pairing: "pairing_id", Submitted: "state = 'submitted'"}
	// InstitutionAssessment is a supervisor's scored assessment visit to
	// an elderly-care institution (its institution_assessments row: scores,
	// total, band, award). Such a row is written once, complete: every
	// live row is a submitted assessment.
	InstitutionAssessment = Kind{Name: "institution_assessment", Table: "institution_assessments",
		Submitted: "1 = 1"}
)

var kinds = struct {
	sync.RWMutex
	byTable map[string]Kind
}{byTable: map[string]Kind{}}

func init() {
	for _, k := range []Kind{MeansVisit, SpotCheck, Screening, VolunteerVisit, InstitutionAssessment} {
		if err := RegisterKind(k); err != nil {
			panic(err)
		}
	}
}

// RegisterKind adds a record kind (the institution assessment, say),
// checked against schema.Reg: every table and column it names must be
// synced, blob columns must be text, and neither its name nor its table may
// be taken. Call it from an init function.
func RegisterKind(k Kind) error {
	if err := k.check(); err != nil {
		return fmt.Errorf("register evidence kind %q: %w", k.Name, err)
	}
	kinds.Lock()
	defer kinds.Unlock()
	if _, dup := kinds.byTable[k.Table]; dup {
		return fmt.Errorf("register evidence kind %q: table %s has a kind already", k.Name, k.Table)
	}
	for _, o := range kinds.byTable {
		if o.Name == k.Name {
			return fmt.Errorf("register evidence kind %q: name taken", k.Name)
		}
	}
	kinds.byTable[k.Table] = k
	return nil
}

// KindOf returns the kind whose records live in table.
func KindOf(table string) (Kind, bool) {
	kinds.RLock()
	defer kinds.RUnlock()
	k, ok := kinds.byTable[table]
	return k, ok
}

// Kinds returns every registered kind, ordered by record table.
func Kinds() []Kind {
	kinds.RLock()
	defer kinds.RUnlock()
	out := make([]Kind, 0, len(kinds.byTable))
	for _, k := range kinds.byTable {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Table < out[j].Table })
	return out
}

func (k Kind) check() error {
	if k.Name == "" {
		return fmt.Errorf("no name")
	}
	rec, ok := schema.Reg.Table(k.Table)
	if !ok {
		return fmt.Errorf("table %q is not synced", k.Table)
	}
	for _, c := range []string{k.Household, k.Elder, k.Pairing} {
		if _, ok := rec.Column(c); c != "" && !ok {
			return fmt.Errorf("%s has no column %q", k.Table, c)
		}
	}
	for _, ch := range k.Children {
		t, ok := schema.Reg.Table(ch.Table)
		if !ok {
			return fmt.Errorf("child table %q is not synced", ch.Table)
		}
		if _, ok := t.Column(ch.Column); !ok && ch.Column != "id" {
			return fmt.Errorf("child %s has no column %q", ch.Table, ch.Column)
		}
		if _, ok := rec.Column(ch.Via); !ok && ch.Via != "id" {
			return fmt.Errorf("%s has no column %q", k.Table, ch.Via)
		}
		if ch.Table == k.Table {
			return fmt.Errorf("child table %s is the record table", ch.Table)
		}
	}
	for table, cols := range k.Exclude {
		t, ok := schema.Reg.Table(table)
		if !ok {
			return fmt.Errorf("exclude: table %q is not synced", table)
		}
		for _, c := range cols {
			if _, ok := t.Column(c); !ok {
				return fmt.Errorf("exclude: %s has no column %q", table, c)
			}
		}
	}
	for _, b := range k.Blobs {
		c, ok := rec.Column(b.Column)
		if !ok || c.Type != schema.TypeText {
			return fmt.Errorf("blob column %s.%s is not a synced text column", k.Table, b.Column)
		}
		if b.Role == "" {
			return fmt.Errorf("blob column %s has no role", b.Column)
		}
	}
	return nil
}

// columns returns the content columns of table for this kind, sorted.
func (k Kind) columns(t *schema.Table) []string {
	var out []string
	for _, c := range t.Columns {
		if !slices.Contains(k.Exclude[t.Name], c.Name) {
			out = append(out, c.Name)
		}
	}
	sort.Strings(out)
	return out
}
