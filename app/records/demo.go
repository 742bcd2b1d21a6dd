package records

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"doorstep/schema"
	"doorstep/schema/demo"
	"doorstep/schema/scope"
)

// LoadDemo fills an empty device database with the demo district as a
// device of role would hold it after its first sync — only the rows the
// server's scope policy would send — and returns the demo user's identity
// for the caller to save. The user is the worker with the largest caseload
// (of one community), the volunteer with the most pairings, or the
// supervisor of the street with the most households. The rows are written
// in one transaction through the ordinary database handle.
func (s *Store) LoadDemo(ctx context.Context, role schema.Role, seed int64, ref time.Time, deviceID string) (Identity, error) {
	d := demo.Generate(seed, ref)
	me, u, err := demoUser(d, role)
	if err != nil {
		return Identity{}, err
	}
	me.DeviceID = deviceID
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Identity{}, fmt.Errorf("load demo: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	stmts := map[string]*stmtCols{}
	rows := demoIndex(d)
	for _, r := range d.Rows {
		t, ok := schema.Reg.Table(r.Table)
		if !ok {
			return Identity{}, fmt.Errorf("load demo: unknown table %s", r.Table)
		}
		if !scope.CanRead(u, t, demoScopeRow(rows, t, r)) {
			continue
		}
		st, ok := stmts[t.Name]
		if !ok {
			cols := t.ColumnNames()
			q := `INSERT INTO ` + t.Name + ` (id, ` + strings.Join(cols, ", ") + `) VALUES (?, ` + sqlParams(len(cols)) + `)`
			p, err := tx.PrepareContext(ctx, q)
			if err != nil {
				return Identity{}, fmt.Errorf("load demo: prepare %s: %w", t.Name, err)
			}
			defer p.Close()
			st = &stmtCols{stmt: p, cols: cols}
			stmts[t.Name] = st
		}
		args := make([]any, 0, 1+len(st.cols))
		args = append(args, r.ID)
		for _, c := range st.cols {
			v := r.Values[c]
			if c == "deleted" && v == nil {
				v = int64(0)
			}
			args = append(args, v)
		}
		if _, err := st.stmt.ExecContext(ctx, args...); err != nil {
			return Identity{}, fmt.Errorf("load demo: insert %s %s: %w", t.Name, r.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return Identity{}, fmt.Errorf("load demo: commit: %w", err)
	}
	return me, nil
}

// demoKey names a demo row by table and id.
type demoKey struct{ table, id string }

// demoIndex maps every row of the demo district to its values.
func demoIndex(d *demo.District) map[demoKey]map[string]any {
	out := make(map[demoKey]map[string]any, len(d.Rows))
	for _, r := range d.Rows {
		out[demoKey{r.Table, r.ID}] = r.Values
	}
	return out
}

// demoScopeRow is the scope policy's view of demo row r of table t. A row
// about another row (a review event, a conflict record) carries its
// subject, as the server's store fills it in: without it the policy hides
// the row from everyone below district level.
func demoScopeRow(rows map[demoKey]map[string]any, t *schema.Table, r demo.Row) scope.Row {
	row := scope.NewRow(t, r.ID, func(c string) any { return r.Values[c] })
	st, sid, ok := scope.Subject(t, row)
	if !ok {
		return row
	}
	subjTable, known := schema.Reg.Table(st)
	vals, found := rows[demoKey{st, sid}]
	if known && found {
		subj := scope.NewRow(subjTable, sid, func(c string) any { return vals[c] })
		row.Subject = &subj
	}
	return row
}

// demoUser picks the demo district's user of role and the scope the server
// would give them.
func demoUser(d *demo.District, role schema.Role) (Identity, *scope.User, error) {
	str := func(r demo.Row, c string) string { v, _ := r.Values[c].(string); return v }
	staff := map[string]demo.Row{}
	for _, r := range d.Table("staff") {
		staff[r.ID] = r
	}
	// load counts each candidate's caseload (workers) or pairings (volunteers).
	load := map[string]int{}
	pairings := map[string][]demo.Row{}
	switch role {
	case schema.RoleWorker:
		for _, h := range d.Table("households") {
			if str(h, "status") == StatusActive {
				load[str(h, "caseworker_id")]++
			}
		}
	case schema.RoleVolunteer:
		for _, p := range d.Table("volunteer_pairings") {
			for _, v := range jsonList(str(p, "volunteer_ids")) {
				load[v]++
				pairings[v] = append(pairings[v], p)
			}
		}
	case schema.RoleSupervisor:
		// A street supervisor, of the street with the most active households.
		street := map[string]string{}
		for _, c := range d.Table("communities") {
			street[c.ID] = str(c, "street_id")
		}
		perStreet := map[string]int{}
		for _, h := range d.Table("households") {
			if str(h, "status") == StatusActive {
				perStreet[street[str(h, "community_id")]]++
			}
		}
		for id, st := range staff {
			if str(st, "role") == string(role) && str(st, "street_id") != "" {
				load[id] = perStreet[str(st, "street_id")]
			}
		}
	default:
		return Identity{}, nil, fmt.Errorf("load demo: no demo user for role %q", role)
	}
	var best string
	for id, n := range load {
		if st, ok := staff[id]; !ok || str(st, "role") != string(role) {
			continue
		}
		if best == "" || n > load[best] || n == load[best] && id < best {
			best = id
		}
	}
	if best == "" {
		return Identity{}, nil, fmt.Errorf("load demo: the demo district has no %s", role)
	}
	st := staff[best]
	me := Identity{Mode: ModeDemo, UserID: best, UserName: str(st, "name"), Role: role}
	u := &scope.User{ID: best, Role: role, Communities: map[string]bool{}, Pairings: map[string]bool{},
		Elders: map[string]bool{}, PairingCommunity: map[string]string{}}
	switch role {
	case schema.RoleWorker:
		c := str(st, "community_id")
		me.Communities = []string{c}
		u.Communities[c] = true
	case schema.RoleSupervisor:
		me.Street, u.Street = str(st, "street_id"), str(st, "street_id")
		for _, c := range d.Table("communities") {
			if str(c, "street_id") == me.Street {
				me.Communities = append(me.Communities, c.ID)
				u.Communities[c.ID] = true
			}
		}
	}
	for _, p := range pairings[best] {
		me.Pairings = append(me.Pairings, p.ID)
		u.Pairings[p.ID] = true
		u.Elders[str(p, "elder_id")] = true
		u.PairingCommunity[p.ID] = str(p, "community_id")
	}
	slices.Sort(me.Pairings)
	return me, u, nil
}

// stmtCols is a prepared insert and its column order.
type stmtCols struct {
	stmt *sql.Stmt
	cols []string
}
