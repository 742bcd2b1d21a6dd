// Command protodoc writes the registry section of docs/PROTOCOL.md: every
// synced table with its columns and types, where its rows belong (scope and
// pairing columns), the columns that decide who sees a row, and which roles
// read and write it — generated from schema.Reg and schema/scope, so the
// document a second implementation is written from cannot drift from the
// code. Run it after changing the registry:
//
//	go run ./server/cmd/protodoc            # rewrites docs/PROTOCOL.md
//	go run ./server/cmd/protodoc -check     # fails when the document is stale
//
// The section lies between the lines Begin and End; the rest of the file
// is left as it is. A test fails when the document and the registry differ.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"doorstep/schema"
	"doorstep/schema/scope"
)

// The markers around the generated section.
const (
	Begin = "<!-- BEGIN GENERATED: registry (go run ./server/cmd/protodoc; do not edit) -->"
	End   = "<!-- END GENERATED: registry -->"
)

func main() {
	path := flag.String("doc", "docs/PROTOCOL.md", "the protocol document to update")
	check := flag.Bool("check", false, "only check that the document is up to date")
	flag.Parse()
	if err := run(*path, *check, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "protodoc:", err)
		os.Exit(1)
	}
}

// run rewrites (or checks) the generated section of the document at path.
func run(path string, check bool, out io.Writer) error {
	doc, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	updated, err := Splice(doc, Render(schema.Reg))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if bytes.Equal(doc, updated) {
		fmt.Fprintf(out, "%s is up to date\n", path)
		return nil
	}
	if check {
		return fmt.Errorf("%s: the registry section is out of date; run go run ./server/cmd/protodoc", path)
	}
	if err := os.WriteFile(path, updated, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(out, "updated %s\n", path)
	return nil
}

// Splice replaces what lies between the markers in doc with section.
func Splice(doc []byte, section string) ([]byte, error) {
	s := string(doc)
	i := strings.Index(s, Begin)
	j := strings.Index(s, End)
	if i < 0 || j < 0 || j < i {
		return nil, errors.New("no generated registry section (the Begin and End markers)")
	}
	return []byte(s[:i+len(Begin)] + "\n" + section + s[j:]), nil
}

// roleNames names the roles in the rights table.
var roleNames = map[schema.Role]string{
	schema.RoleWorker: "worker", schema.RoleVolunteer: "volunteer",
	schema.RoleSupervisor: "supervisor", schema.RoleAdmin: "admin",
}

// Render returns the generated section for reg.
func Render(reg *schema.Registry) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("\n#### Tables, scopes and rights\n\n")
	p("Schema version %d. Every table has the primary key `id` (TEXT, a UUID) besides the columns listed;\n", schema.Version)
	p("`deleted` (0 or 1) is an ordinary column. **Scope** is where a row belongs: `district` rows are\n")
	p("reference data every reader of the table receives; `street` and `community` rows carry the street or\n")
	p("community in the scope column. **Volunteers** reach rows through their pairings: *by elder* when the\n")
	p("column names an elder of one of their pairings, *by pairing* when it names one of their pairings\n")
	p("(`id` means the row's own id). **Decides scope** lists every column whose change can move a row\n")
	p("into or out of someone's view (a change of one of them makes a *gone row* for users who lose it).\n")
	p("**Read** and **write** are the roles that read or write some rows of the table; which rows is\n")
	p("the read rule (Pull, *Scopes*) and the write rule (Push, *Write rules*).\n\n")
	p("| table | scope (column) | volunteers reach rows | decides scope | read | write | events |\n")
	p("|---|---|---|---|---|---|---|\n")
	for _, t := range reg.Tables() {
		sc := t.Scope.String()
		if t.ScopeColumn != "" {
			sc += " (`" + t.ScopeColumn + "`)"
		}
		pair := "—"
		switch t.Pairing {
		case schema.ByElder:
			pair = "by elder (`" + t.PairingColumn + "`)"
		case schema.ByPairing:
			pair = "by pairing (`" + t.PairingColumn + "`)"
		}
		events := ""
		if t.AppendOnly {
			events = "append-only"
		}
		p("| `%s` | %s | %s | %s | %s | %s | %s |\n", t.Name, sc, pair, codeList(scope.Columns(t)),
			roles(t.Read), roles(t.Write), events)
	}
	p("\nRows about another row follow it: a reader must also be able to read the row named by\n\n")
	for _, name := range scope.AboutTables() {
		tc, ic, _ := scope.AboutColumns(name)
		p("- `%s`: the table in `%s`, the row id in `%s`\n", name, tc, ic)
	}
	for _, t := range reg.Tables() {
		if cols := scope.InspectorColumns(t.Name); cols != nil {
			p("\nInspectors of a `%s` row (`inspector_ids`) outside their communities write only %s.\n", t.Name, codeList(cols))
		}
	}
	p("\nEvidence entries (`evidence_entries`, [EVIDENCE.md](EVIDENCE.md)) are read by the office and by the user who\n")
	p("signed them (`user_id`) only, and written only as new rows by that user, about a record in a table\n")
	p("(`record_table`) their role writes; an entry is never changed. `evidence_verdicts` are written by the\n")
	p("server alone.\n")
	p("\n#### Columns\n\n")
	p("Types: TEXT (UTF-8; dates `2006-01-02`, instants RFC 3339 UTC, lists and small structures JSON),\n")
	p("INTEGER (64-bit; booleans 0/1; money in fen), REAL (64-bit float, never NaN).\n\n")
	for _, t := range reg.Tables() {
		cols := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			cols[i] = fmt.Sprintf("`%s` %s", c.Name, c.Type)
		}
		p("- `%s`: %s\n", t.Name, strings.Join(cols, ", "))
	}
	p("\n")
	return b.String()
}

func roles(rs []schema.Role) string {
	var out []string
	for _, r := range schema.Roles {
		for _, x := range rs {
			if x == r {
				out = append(out, roleNames[r])
			}
		}
	}
	if len(out) == 0 {
		return "—"
	}
	return strings.Join(out, ", ")
}

func codeList(cols []string) string {
	if len(cols) == 0 {
		return "—"
	}
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = "`" + c + "`"
	}
	return strings.Join(out, ", ")
}
