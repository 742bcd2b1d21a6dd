package field

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
	"doorstep/app/kit"
	"doorstep/schema"
)

// subjectActivity is the subject of a form about no household or elder:
// a community's group activity.
const subjectActivity = "activity"

// The 三小 group activity form registers with the others; the Elders
// screen offers it to staff.
func init() {
	forms = append(forms, form{kind: model.FormGroupActivity, table: "group_activities", subject: subjectActivity,
		roles: []schema.Role{schema.RoleWorker, schema.RoleSupervisor},
		open:  func(x *kit.Env, ref formRef) kit.Screen { return openActivityForm(x, ref) }})
}

// activityScreen records a 三小 group activity: type and theme, date,
// place, the volunteers who ran it and the person-times served.
type activityScreen struct {
	x      *kit.Env
	kit    *kit.FormKit
	env    model.Env
	a      *model.GroupActivity
	vols   []model.Staff
	submit *widget.Button
	root   fyne.CanvasObject
}

func openActivityForm(x *kit.Env, ref formRef) kit.Screen {
	env := x.FormsEnv()
	a, err := loadForm(x, model.FormGroupActivity, "group_activities", ref,
		func() (*model.GroupActivity, error) {
			return model.NewGroupActivity(env, ref.RecordID, firstCommunity(x)), nil
		},
		func() (*model.GroupActivity, error) {
			return model.NewGroupActivity(env, ref.RecordID, firstCommunity(x)), nil
		})
	if err != nil {
		return formError(err)
	}
	s := &activityScreen{x: x, env: env, a: a}
	s.kit = kit.NewFormKit(x, model.FormGroupActivity, a.ID, "")
	s.kit.DraftJSON("group activity", s.a, func() string { return lang.L("form.group_activity") + " " + s.a.HeldOn })
	s.kit.Validate = func() model.Issues { return s.a.Validate(env.Today()) }
	return s
}

func (s *activityScreen) Content() fyne.CanvasObject {
	if s.root != nil {
		return s.root
	}
	k, a := s.kit, s.a
	vols, err := model.Volunteers(s.x.Ctx(), s.env, a.CommunityID)
	if err != nil {
		fyne.LogError("read volunteers", err)
	}
	s.vols = vols
	names := make([]string, len(vols))
	var sel []string
	for i, v := range vols {
		names[i] = v.Name
		if slices.Contains(a.VolunteerIDs, v.ID) {
			sel = append(sel, v.Name)
		}
	}
	volChecks := k.Checks(names, sel, func(chosen []string) {
		a.VolunteerIDs = nil
		for i, v := range s.vols {
			if slices.Contains(chosen, names[i]) {
				a.VolunteerIDs = append(a.VolunteerIDs, v.ID)
			}
		}
		k.Changed()
	})
	form := container.NewVScroll(container.NewPadded(kit.FormSection("activity.section",
		k.Grid(230,
			k.Col(model.FieldActivityKind, k.CodeSelect("activity_kind", func() *string { return &a.Kind })),
			k.Col(model.FieldActivityTheme, k.CodeSelect("activity_theme", func() *string { return &a.Theme })),
			k.Col(model.FieldHeldOn, k.DateEntry(func() *string { return &a.HeldOn })),
			k.Col(model.FieldVenue, k.Entry(func() *string { return &a.Venue }, "activity.venue_placeholder")),
			k.Col(model.FieldPersonTimes, k.Entry(func() *string { return &a.PersonTimes }, "")),
		),
		k.Col(model.FieldActivityVols, volChecks),
		k.Col("note", k.Multi(func() *string { return &a.Note }, 2)),
	)))
	s.submit = widget.NewButtonWithIcon(lang.L("action.submit"), theme.ConfirmIcon(), s.save)
	s.submit.Importance = widget.HighImportance
	s.root = k.Page(form, nil, nil, k.ActionBar(s.submit), 0)
	k.Done()
	return s.root
}

func (s *activityScreen) Reload() { s.Content() }

func (s *activityScreen) Leave() { s.kit.Leave() }

// save records the activity; problems show under their fields.
func (s *activityScreen) save() {
	s.kit.Save(true, func() error { return s.a.Save(s.x.Ctx(), s.env, s.x.Me.Role) }, nil,
		func() string { return lang.L("activity.submitted_text") })
}
