package field

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk/draw"
	"doorstep/app/desk/meeting"
	model "doorstep/app/forms"
	"doorstep/app/kit"
	"doorstep/assets"
	"doorstep/schema"
)

// formLabels returns, for every field of the visible form that has a
// message slot, the label shown above it (without the required mark).
func formLabels(x *testApp, k *kit.FormKit) map[string]string {
	out := map[string]string{}
	byMsg := map[fyne.CanvasObject]string{}
	for f, l := range k.Errs {
		byMsg[l] = f
	}
	walk(x.Window().Content(), func(o fyne.CanvasObject) {
		c, ok := o.(*fyne.Container)
		if !ok {
			return
		}
		if _, tight := c.Layout.(*kit.TightVBox); !tight || len(c.Objects) < 3 {
			return
		}
		l, ok := c.Objects[0].(*widget.Label)
		if f, has := byMsg[c.Objects[2]]; ok && has {
			out[f] = strings.TrimSuffix(l.Text, " *")
		}
	})
	return out
}

// checkForm checks that the labelled fields (at least min) of the form
// on x are labelled as the vocabulary labels their columns in lng.
func checkForm(t *testing.T, x *testApp, form string, k *kit.FormKit, table string, min int, lng string) {
	t.Helper()
	labels := formLabels(x, k)
	if len(labels) < min {
		t.Errorf("%s: %d labelled fields found, want at least %d", form, len(labels), min)
	}
	for f, got := range labels {
		tb, col := model.FieldColumn(table, f)
		key := model.LabelKey(tb, col)
		want := kit.ColumnLabel(tb, col)
		if got != want {
			t.Errorf("%s field %s (%s.%s) labelled %q, the vocabulary says %q", form, f, tb, col, got, want)
		}
		if want == key {
			t.Errorf("%s field %s: label key %s not translated in %s", form, f, key, lng)
		}
	}
}

// TestFormLabelsAreTheVocabulary: every field label on the visit (with a
// member, an income and each kind of asset), the spot check, the
// screening, the group activity and the volunteer log is the vocabulary's label of the column the field writes —
// the label the review, the return banner and the exports use for that
// column — and that label is translated in both languages.
func TestFormLabelsAreTheVocabulary(t *testing.T) {
	for _, lng := range []string{"zh-CN", "en"} {
		t.Run(lng, func(t *testing.T) {
			v := newTestApp(t, "", nil)
			startDemo(t, v, schema.RoleVolunteer)
			if err := v.UseLanguage(lng); err != nil {
				t.Fatal(err)
			}
			elders, err := v.Env.Store.Elders(v.Env.Ctx(), v.Env.Me)
			if err != nil || len(elders) == 0 {
				t.Fatalf("volunteer's elders %v %v", elders, err)
			}
			if err := v.OpenForm(model.FormVolunteerVisit, elders[0].ID); err != nil {
				t.Fatal(err)
			}
			checkForm(t, v, "volunteer log", v.Visible().(*volunteerVisitScreen).kit, "volunteer_visits", 8, lng)

			x := newTestApp(t, "", nil)
			startDemo(t, x, schema.RoleWorker)
			if err := x.UseLanguage(lng); err != nil {
				t.Fatal(err)
			}
			check := func(form string, k *kit.FormKit, table string, min int) {
				t.Helper()
				checkForm(t, x, form, k, table, min, lng)
			}

			s := openVisit(t, x)
			test.Tap(button(t, x, "visit.add_member"))
			test.Tap(button(t, x, "visit.add_income"))
			for _, kind := range []string{"dwelling", "vehicle", "business", "financial"} {
				test.Tap(find(t, x, func(b *widget.Button) bool { return b.Text == kit.Code("asset", kind) }))
			}
			check("visit", s.kit, "means_visits", 30)

			if err := x.OpenForm(model.FormSpotCheck, householdOf(t, x, false)); err != nil {
				t.Fatal(err)
			}
			check("spot check", x.Visible().(*spotCheckScreen).kit, "spot_checks", 12)

			if err := x.OpenForm(model.FormScreening, ""); err != nil {
				t.Fatal(err)
			}
			check("screening", x.Visible().(*screeningScreen).kit, "elder_screenings", 20)

			if err := x.OpenForm(model.FormGroupActivity, ""); err != nil {
				t.Fatal(err)
			}
			check("group activity", x.Visible().(*activityScreen).kit, "group_activities", 7)
		})
	}
}

// TestVocabularyTerms: the civil-affairs terms chosen once are the
// labels everywhere, the rejected variants appear in no zh-CN text, a
// parent is 父亲 or 母亲, and a child is never 丧失劳动能力.
func TestVocabularyTerms(t *testing.T) {
	x := newTestApp(t, "", nil)
	if err := x.UseLanguage("zh-CN"); err != nil {
		t.Fatal(err)
	}
	for col, want := range map[string]string{"purpose": "走访事由", "method": "核查方式", "observations": "入户所见",
		"living_conditions": "居住条件", "location": "地点", "neighbour_notes": "邻里反映"} {
		if got := kit.ColumnLabel("means_visits", col); got != want {
			t.Errorf("means_visits.%s is %q, want %q", col, got, want)
		}
	}
	if got := kit.ColumnLabel("spot_checks", "neighbour_interview"); got != "邻里反映" {
		t.Errorf("spot check neighbour interview is %q", got)
	}
	for _, k := range []string{"form.volunteer_visit", "desk.kind.volunteer_visit", "desk.table.volunteer_visits"} {
		if got := tr(k); got != "志愿者探访记录" {
			t.Errorf("%s is %q: the volunteer record has one name", k, got)
		}
	}
	data, err := assets.Translations.ReadFile("translations/zh-CN.json")
	if err != nil {
		t.Fatal(err)
	}
	var msgs map[string]json.RawMessage
	if err := json.Unmarshal(data, &msgs); err != nil {
		t.Fatal(err)
	}
	for k, raw := range msgs {
		v := string(raw) // a string, or an object of plural forms
		text := strings.ReplaceAll(v, "{{.Barthel}}", "")
		for _, bad := range []string{"调查目的", "调查方式", "现场核查情况", "居住及生活状况", "邻里走访情况",
			"Barthel", "志愿服务记录", "志愿者走访", "走访对象"} {
			if strings.Contains(text, bad) {
				t.Errorf("%s = %q uses %q", k, v, bad)
			}
		}
	}
	if got := kit.Relationship("parent", "female"); got != "母亲" {
		t.Errorf("a mother is %q", got)
	}
	if got := kit.Relationship("parent", "male"); got != "父亲" {
		t.Errorf("a father is %q", got)
	}
	if got := kit.Labour("none", "2016-06-01", testNow); got == tr("code.labour.none") || strings.Contains(got, "丧失") {
		t.Errorf("a 9-year-old's labour capacity is %q", got)
	}
	if got := kit.Labour("none", "1985-06-01", testNow); got != "丧失劳动能力" {
		t.Errorf("a 40-year-old unable to work is %q", got)
	}
}

// TestExportsUseTheFormsVocabulary: the exports that carry a form's
// columns head them with the label key the form uses for that field.
func TestExportsUseTheFormsVocabulary(t *testing.T) {
	formKey := func(table, field string) string { return model.LabelKey(model.FieldColumn(table, field)) }
	cases := meeting.CasesSheet(nil)
	if !slices.Contains(cases.Columns, formKey("means_visits", model.FieldPurpose)) {
		t.Errorf("meeting cases sheet columns %v lack the visit form's purpose label", cases.Columns)
	}
	results := draw.ResultsSheet(nil, time.UTC)
	for _, f := range []string{model.FieldInspectors, model.FieldOutcome} {
		if !slices.Contains(results.Columns, formKey("spot_checks", f)) {
			t.Errorf("spot check results sheet columns %v lack the form's %s label", results.Columns, f)
		}
	}
}
