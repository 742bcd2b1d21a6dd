package schema

import (
	"fmt"
	"sort"
)

// Type is the storage type of a synced column. It matches the column's
// STRICT SQLite type and decides which wire values are accepted for it.
type Type int

// Column types. Booleans are TypeInt holding 0 or 1; lists and small
// structured values are TypeText holding JSON; money is TypeInt fen; dates
// are TypeText "2006-01-02" and instants TypeText RFC 3339 UTC.
const (
	TypeText Type = iota + 1
	TypeInt
	TypeReal
)

// String returns the SQLite name of the type.
func (t Type) String() string {
	switch t {
	case TypeText:
		return "TEXT"
	case TypeInt:
		return "INTEGER"
	case TypeReal:
		return "REAL"
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// Role is what a signed-in user is allowed to do.
type Role string

// The roles. Admin works on the server only and never syncs a device.
const (
	RoleWorker     Role = "worker"     // community worker (社区工作人员)
	RoleVolunteer  Role = "volunteer"  // volunteer (志愿者)
	RoleSupervisor Role = "supervisor" // street or district office (街道 / 区民政局)
	RoleAdmin      Role = "admin"      // server administrator
)

// Roles lists every role in a stable order.
var Roles = []Role{RoleWorker, RoleVolunteer, RoleSupervisor, RoleAdmin}

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Scope says which part of the district a row belongs to, and so who may
// see it. The scope key column names the street or community the row is in.
type Scope int

// Scopes, from widest to narrowest.
const (
	// ScopeDistrict rows are reference data every reader of the table sees.
	ScopeDistrict Scope = iota + 1
	// ScopeStreet rows carry a street_id.
	ScopeStreet
	// ScopeCommunity rows carry a community_id. An empty community_id means
	// the row is visible only to district-level readers.
	ScopeCommunity
)

// String names the scope.
func (s Scope) String() string {
	switch s {
	case ScopeDistrict:
		return "district"
	case ScopeStreet:
		return "street"
	case ScopeCommunity:
		return "community"
	}
	return fmt.Sprintf("Scope(%d)", int(s))
}

// PairingAccess says how a volunteer reaches rows of a table: through the
// elders or the pairings they are assigned to on the server.
type PairingAccess int

// Pairing access kinds.
const (
	// NoPairingAccess: volunteers never see the table.
	NoPairingAccess PairingAccess = iota
	// ByElder: the row's PairingColumn names an elder in one of the
	// volunteer's pairings.
	ByElder
	// ByPairing: the row's PairingColumn names one of the volunteer's pairings.
	ByPairing
)

// Column is one synced column of a table.
type Column struct {
	Name string
	Type Type
}

// Table describes one synced table: its columns, where its rows belong,
// and which roles may read and write it. The primary key "id" (TEXT UUID)
// is implicit and not listed in Columns; "deleted" is an ordinary column.
type Table struct {
	Name    string
	Columns []Column
	// Scope is where a row belongs; ScopeColumn names the key column
	// ("street_id" or "community_id"), empty for ScopeDistrict.
	Scope       Scope
	ScopeColumn string
	// Pairing is how volunteers reach rows (only if RoleVolunteer is in
	// Read); PairingColumn names the elder or pairing column.
	Pairing       PairingAccess
	PairingColumn string
	// AppendOnly tables hold events: rows are written once and never edited.
	AppendOnly bool
	Read       []Role
	Write      []Role

	index map[string]int
}

// Column returns the named column and whether it exists.
func (t *Table) Column(name string) (Column, bool) {
	i, ok := t.index[name]
	if !ok {
		return Column{}, false
	}
	return t.Columns[i], true
}

// ColumnIndex returns the position of the named column in Columns, or -1
// when the table has no such column.
func (t *Table) ColumnIndex(name string) int {
	if i, ok := t.index[name]; ok {
		return i
	}
	return -1
}

// ColumnNames returns the column names in declaration order (without "id").
func (t *Table) ColumnNames() []string {
	out := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = c.Name
	}
	return out
}

// CanRead reports whether role r may read some rows of the table.
func (t *Table) CanRead(r Role) bool { return hasRole(t.Read, r) }

// CanWrite reports whether role r may write some rows of the table.
func (t *Table) CanWrite(r Role) bool { return hasRole(t.Write, r) }

func hasRole(rs []Role, r Role) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// Registry is the set of synced tables. It is the only source of table and
// column names for every other package: names that come from input are
// looked up here and refused when absent.
type Registry struct {
	tables []*Table
	byName map[string]*Table
}

// NewRegistry builds a registry from table descriptions, checking names.
func NewRegistry(tables []Table) (*Registry, error) {
	r := &Registry{byName: map[string]*Table{}}
	for i := range tables {
		t := tables[i]
		if !validIdent(t.Name) {
			return nil, fmt.Errorf("registry: bad table name %q", t.Name)
		}
		if _, dup := r.byName[t.Name]; dup {
			return nil, fmt.Errorf("registry: duplicate table %q", t.Name)
		}
		t.index = map[string]int{}
		for j, c := range t.Columns {
			if !validIdent(c.Name) || c.Name == "id" {
				return nil, fmt.Errorf("registry: table %s: bad column name %q", t.Name, c.Name)
			}
			if _, dup := t.index[c.Name]; dup {
				return nil, fmt.Errorf("registry: table %s: duplicate column %q", t.Name, c.Name)
			}
			t.index[c.Name] = j
		}
		if _, ok := t.index["deleted"]; !ok {
			return nil, fmt.Errorf("registry: table %s has no deleted column", t.Name)
		}
		if t.Scope != ScopeDistrict {
			if _, ok := t.index[t.ScopeColumn]; !ok {
				return nil, fmt.Errorf("registry: table %s: scope column %q missing", t.Name, t.ScopeColumn)
			}
		}
		if t.Pairing != NoPairingAccess {
			if _, ok := t.index[t.PairingColumn]; !ok && t.PairingColumn != "id" {
				return nil, fmt.Errorf("registry: table %s: pairing column %q missing", t.Name, t.PairingColumn)
			}
		}
		tp := &t
		r.tables = append(r.tables, tp)
		r.byName[t.Name] = tp
	}
	return r, nil
}

// Table returns the named table and whether it is synced.
func (r *Registry) Table(name string) (*Table, bool) {
	t, ok := r.byName[name]
	return t, ok
}

// Tables returns every synced table in declaration order. The slice is
// shared: do not modify it.
func (r *Registry) Tables() []*Table { return r.tables }

// Names returns the table names, sorted.
func (r *Registry) Names() []string {
	out := make([]string, 0, len(r.tables))
	for _, t := range r.tables {
		out = append(out, t.Name)
	}
	sort.Strings(out)
	return out
}

// validIdent accepts lower-case SQL identifiers: [a-z][a-z0-9_]*.
func validIdent(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z':
		case i > 0 && (c >= '0' && c <= '9' || c == '_'):
		default:
			return false
		}
	}
	return true
}
