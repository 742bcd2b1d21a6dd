package supervisor

import (
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"doorstep/app/desk"
	"doorstep/app/desk/care"
	"doorstep/schema"
)

// TestInstitutionRegisterAndAssessment: a private institution registered
// on the screen, counted (100 beds, 45 residents, 12 staff, assets), shows
// in the register with its occupancy; its assessment visit totals the
// scores and shows the band the total earns (90+ excellent 6,000.00;
// 85 good 4,800.00), refuses a score above the item's maximum and a
// single assessor without losing what was typed, and saves.
func TestInstitutionRegisterAndAssessment(t *testing.T) {
	x := newDeskApp(t)
	reg := openDesk(t, x, "nav.institutions").(*institutionsScreen)
	if len(reg.ins) != 0 {
		t.Fatalf("fixture institutions %+v", reg.ins)
	}
	test.Tap(button(t, x, "desk.inst.new"))
	p, ok := x.Visible().(*institutionScreen)
	if !ok {
		t.Fatalf("new institution opened %T", x.Visible())
	}
	p.name.SetText("焦北颐养院")
	p.community.SetSelected("东社区")
	p.opened.SetText("2019-05-01")
	test.Tap(button(t, x, "action.save"))
	if !p.regMsg.Visible() || p.regMsg.Text != tr("desk.err.ownership") || p.name.Text != "焦北颐养院" {
		t.Fatalf("no ownership: %q", p.regMsg.Text)
	}
	p.ownership.set("private")
	test.Tap(button(t, x, "action.save"))
	p, ok = x.Visible().(*institutionScreen)
	if !ok || p.in.ID == "" {
		t.Fatalf("after registering: %T %+v", x.Visible(), p)
	}
	p.asOf.SetText("2025-06-30")
	p.beds.SetText("100")
	p.residents.SetText("-1")
	test.Tap(button(t, x, "desk.inst.record_counts"))
	if !p.countMsg.Visible() || p.beds.Text != "100" || p.residents.Text != "-1" {
		t.Fatalf("negative residents: %q", p.countMsg.Text)
	}
	p.residents.SetText("45")
	p.staff.SetText("12")
	p.total.SetText("1200000")
	p.net.SetText("800000")
	test.Tap(button(t, x, "desk.inst.record_counts"))
	if p.countMsg.Visible() {
		t.Fatalf("counts refused: %q", p.countMsg.Text)
	}
	x.Back()
	reg.Reload()
	if len(reg.ins) != 1 || reg.ins[0].Beds != 100 || reg.ins[0].Residents != 45 || reg.fin[reg.ins[0].ID].TotalAssetsFen != 120000000 {
		t.Fatalf("register %+v %+v", reg.ins, reg.fin)
	}
	if !onScreen(x, "(45%)") && !onScreen(x, "（45%）") {
		t.Fatalf("occupancy not shown: %q", texts(x))
	}
	// Workers may not read finances; supervisors may.
	x.Env.Me.Role = schema.RoleWorker
	if mayReadFinances(x.Env) {
		t.Error("a worker may read institution finances")
	}
	x.Env.Me.Role = schema.RoleSupervisor

	a := newAssessment(x.Env, reg.ins[0])
	x.Push("assess", a)
	for _, c := range a.std.Categories {
		for _, it := range c.Items {
			a.scores[it.Key].SetText(strconv.Itoa(it.Max))
		}
	}
	if _, total, _, _ := a.read(); total != 100 || !strings.Contains(a.result.Text, tr("code.award_band.excellent")) ||
		!strings.Contains(a.result.Text, "6,000.00") {
		t.Fatalf("all full marks: %d, %q", total, a.result.Text)
	}
	for _, k := range []string{"licences", "rules", "staffing", "records"} {
		a.scores[k].SetText("0")
	}
	if _, total, _, _ := a.read(); total != 85 || !strings.Contains(a.result.Text, tr("code.award_band.good")) ||
		!strings.Contains(a.result.Text, "4,800.00") {
		t.Fatalf("85 points: %d, %q", total, a.result.Text)
	}
	a.scores["licences"].SetText("5") // max 4
	test.Tap(a.save)
	if !a.msg.Visible() || !strings.Contains(a.msg.Text, "4") || a.scores["licences"].Text != "5" {
		t.Fatalf("score above the maximum: %q", a.msg.Text)
	}
	a.scores["licences"].SetText("0")
	test.Tap(a.save)
	if !a.msg.Visible() || a.msg.Text != tr("desk.err.assessors") {
		t.Fatalf("one assessor: %q", a.msg.Text)
	}
	a.assessors.SetText(a.assessors.Text + "，王科长")
	a.half.SetText("2025H1")
	test.Tap(a.save)
	if a.msg.Visible() {
		t.Fatalf("assessment refused: %q", a.msg.Text)
	}
	as, err := care.Assessments(x.Env.Ctx(), office(x.Env), desk.Area{}, desk.Period{From: testNow.AddDate(-1, 0, 0), To: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 1 || as[0].Total != 85 || as[0].Band != "good" || as[0].AwardFen != 480000 || len(as[0].Assessors) != 2 {
		t.Fatalf("saved %+v", as)
	}
}
