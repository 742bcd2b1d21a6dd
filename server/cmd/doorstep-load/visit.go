package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"doorstep/sync/change"
	"doorstep/sync/hlc"
)

// cell names one column of one row: the unit whose clock a device must
// know to edit it without a spurious conflict (its base).
type cell struct{ table, id, column string }

// edited lists the columns of existing rows a visit writes; the device
// keeps the clocks of these columns for the households it visits.
var edited = map[string][]string{
	"households": {"status", "benefit_fen", "covered_members", "last_visit_id", "recheck_due"},
	"members":    {"health", "employment", "labour_capacity"},
}

// household is a household a device may visit: its community and the
// members it edits.
type household struct {
	id, community string
	members       []string
}

// form is one visit being saved: the changes of one transaction, all
// stamped with the same clock, and the cells it edits (so the device can
// take their new clock as its base after the server acknowledged them).
type form struct {
	changes []change.Change
	edits   []cell
}

// visitWriter builds a means-test visit: a new means_visits row, edits of
// the household and up to three of its members, a new asset and new income
// rows until the form holds rows rows. With the default 10 rows that is
// about 60 column changes, the size of one visit saved on a tablet.
type visitWriter struct {
	site, user string
	clock      *hlc.Clock
	rng        *rand.Rand
	clocks     map[cell]change.Clock
}

// write builds one visit to h, rows rows long.
func (w *visitWriter) write(h *household, rows int) form {
	now := w.clock.Now()
	clk := change.Clock{HLC: now, Site: w.site}
	day := now.Time().Local()
	var f form
	row := 0
	newRow := func(table string, vals ...any) string {
		id := uuid.Must(uuid.NewV7()).String()
		for i := 0; i+1 < len(vals); i += 2 {
			f.changes = append(f.changes, change.Change{Table: table, ID: id, Column: vals[i].(string), Value: vals[i+1], Clock: clk, User: w.user})
		}
		row++
		return id
	}
	edit := func(table, id string, vals ...any) {
		for i := 0; i+1 < len(vals); i += 2 {
			c := cell{table, id, vals[i].(string)}
			f.changes = append(f.changes, change.Change{Table: table, ID: id, Column: c.column, Value: vals[i+1], Clock: clk, User: w.user, Base: w.clocks[c]})
			f.edits = append(f.edits, c)
		}
		row++
	}
	r := w.rng
	fen := int64(r.IntN(90000)/100) * 100
	visit := newRow("means_visits",
		"household_id", h.id, "community_id", h.community,
		"ref_code", fmt.Sprintf("MV-%s-%04d", day.Format("20060102"), r.IntN(10000)),
		"purpose", pick(r, "recheck", "recheck", "recheck", "application", "complaint"),
		"method", "home",
		"started_at", day.Add(-40*time.Minute).UTC().Format(time.RFC3339),
		"ended_at", day.UTC().Format(time.RFC3339),
		"staff_ids", fmt.Sprintf("[%q]", w.user),
		"observations", pick(r, "家中陈设简陋，户主行动不便。", "家庭成员均在家，情况与申报一致。", "已核对就业登记及社保缴费记录。"),
		"living_conditions", pick(r, "自有住房，约45平方米，无装修。", "租住公房，约30平方米。"),
		"neighbour_notes", pick(r, "邻居称该户情况属实。", "同楼邻居未发现隐瞒收入情况。"),
		"location", fmt.Sprintf("%.5f,%.5f", 30+r.Float64(), 120+r.Float64()),
		"per_capita_fen", fen/2, "benefit_fen", fen, "eligible", int64(1),
		"reasons", "[]", "state", "submitted",
		"submitted_at", day.UTC().Format(time.RFC3339), "author_id", w.user,
		"deleted", int64(0))
	if row < rows {
		edit("households", h.id, "status", "active", "benefit_fen", fen,
			"covered_members", int64(len(h.members)), "last_visit_id", visit,
			"recheck_due", day.AddDate(0, 6, 0).Format("2006-01-02"))
	}
	for _, m := range h.members {
		if row >= rows || row >= 5 {
			break
		}
		edit("members", m,
			"health", pick(r, "healthy", "chronic", "serious"),
			"employment", pick(r, "employed", "flexible", "unemployed_registered", "retired"),
			"labour_capacity", pick(r, "full", "partial", "none"))
	}
	owner := ""
	if len(h.members) > 0 {
		owner = h.members[0]
	}
	if row < rows {
		newRow("assets", "household_id", h.id, "community_id", h.community, "kind", "financial",
			"owner_member_id", owner, "description", "银行活期存款", "value_fen", int64(r.IntN(2000000)),
			"deleted", int64(0))
	}
	for row < rows {
		member := owner
		if len(h.members) > 0 {
			member = h.members[r.IntN(len(h.members))]
		}
		newRow("incomes", "household_id", h.id, "member_id", member, "community_id", h.community,
			"kind", pick(r, "wage", "pension", "flexible_work", "support_from_relatives"),
			"monthly_fen", int64(r.IntN(300000)), "note", "入户核对")
	}
	return f
}

func pick(r *rand.Rand, options ...string) string { return options[r.IntN(len(options))] }

// apply builds an application form for a new household in community: the
// household and two members, all new rows. It is what a device writes when
// its user's communities hold no household yet; later visits edit them.
func (w *visitWriter) apply(community string) (form, *household) {
	now := w.clock.Now()
	clk := change.Clock{HLC: now, Site: w.site}
	day := now.Time().Local()
	r := w.rng
	var f form
	h := &household{id: uuid.Must(uuid.NewV7()).String(), community: community}
	add := func(table, id string, vals ...any) {
		for i := 0; i+1 < len(vals); i += 2 {
			c := cell{table, id, vals[i].(string)}
			f.changes = append(f.changes, change.Change{Table: table, ID: id, Column: c.column, Value: vals[i+1], Clock: clk, User: w.user})
			f.edits = append(f.edits, c)
		}
	}
	add("households", h.id, "community_id", community,
		"ref_code", fmt.Sprintf("DB-%s-%04d", day.Format("20060102"), r.IntN(10000)),
		"address", fmt.Sprintf("幸福路%d号%d室", r.IntN(200)+1, r.IntN(600)+101),
		"head_name", pick(r, "王建国", "李秀英", "张伟", "刘芳"), "urban", int64(1),
		"status", "applying", "applied_on", day.Format("2006-01-02"), "class", "general",
		"benefit_fen", int64(0), "covered_members", int64(2), "last_visit_id", "", "recheck_due", "",
		"deleted", int64(0))
	for i := range 2 {
		m := uuid.Must(uuid.NewV7()).String()
		h.members = append(h.members, m)
		add("members", m, "household_id", h.id, "community_id", community,
			"name", pick(r, "王建国", "李秀英", "张伟", "刘芳"), "sex", pick(r, "M", "F"),
			"relationship", []string{"head", "spouse"}[i], "health", "healthy",
			"employment", "unemployed_registered", "labour_capacity", "full", "counted", int64(1),
			"deleted", int64(0))
	}
	return f, h
}
