package field

import (
	"doorstep/app/kit"
	"encoding/json"
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
	"doorstep/app/records"
	"doorstep/schema"
)

// The four field forms register here, in the order the household and elder
// screens offer them. Their screens are visit.go, spotcheck.go,
// screening.go and volunteervisit.go; their models live in app/forms.
func init() {
	staff := []schema.Role{schema.RoleWorker, schema.RoleSupervisor}
	forms = append(forms,
		form{kind: model.FormMeansVisit, table: "means_visits", subject: subjectHousehold, roles: staff,
			open: func(x *kit.Env, ref formRef) kit.Screen { return openVisitForm(x, ref) }},
		form{kind: model.FormSpotCheck, table: "spot_checks", subject: subjectHousehold, roles: staff,
			open: func(x *kit.Env, ref formRef) kit.Screen { return openSpotCheckForm(x, ref) }},
		form{kind: model.FormScreening, table: "elder_screenings", subject: subjectElder, roles: staff,
			open: func(x *kit.Env, ref formRef) kit.Screen { return openScreeningForm(x, ref) }},
		form{kind: model.FormVolunteerVisit, table: "volunteer_visits", subject: subjectElder,
			roles: []schema.Role{schema.RoleVolunteer},
			open:  func(x *kit.Env, ref formRef) kit.Screen { return openVolunteerVisitForm(x, ref) }},
	)
	kit.CodeLists["spot_outcome"] = model.SpotOutcomes
}

// OpenForm opens a new record of form kind ("means_visit", "spot_check",
// "elder_screening", "volunteer_visit") about subject — a household or
// elder id; "" starts a new household (means-test visit) or a new elder
// (screening). An unfinished draft of the same form about the same subject
// is resumed instead. It is for the screenshot tool and tests; screens open
// forms through openForm.
func OpenForm(x *kit.Env, kind, subject string) error {
	f, ok := formByKind(kind)
	if !ok || !slices.Contains(f.roles, x.Me.Role) {
		return fmt.Errorf("open form %s: not a form for %s", kind, x.Me.Role)
	}
	ref := formRef{RecordID: newRecordID(), SubjectID: subject}
	name := ""
	switch {
	case subject == "":
	case f.subject == subjectElder:
		if e, err := x.Store.Elder(x.Ctx(), x.Me, subject); err == nil {
			ref.PairingID, name = e.PairingID, e.Name
		}
	default:
		if h, err := x.Store.Household(x.Ctx(), x.Me, subject); err == nil {
			name = h.HeadName
		}
	}
	openForm(x, f, ref, name)
	return nil
}

// draftOf finds the draft of form kind to restore: the one of record id,
// else (subject set) the latest about subject that match accepts (nil
// accepts any).
func draftOf(x *kit.Env, kind, id, subject string, match func(data []byte) bool) (records.Draft, bool) {
	if d, err := x.Store.Draft(x.Ctx(), kind, id); err == nil {
		return d, true
	}
	ds, err := x.Store.Drafts(x.Ctx())
	if err != nil {
		fyne.LogError("read drafts", err)
		return records.Draft{}, false
	}
	for _, d := range ds { // newest first
		if d.Form != kind {
			continue
		}
		if match != nil && match(d.Data) || match == nil && subject != "" && d.SubjectID == subject {
			return d, true
		}
	}
	return records.Draft{}, false
}

// jsonField reports whether the JSON object data has key equal to value.
func jsonField(key, value string) func([]byte) bool {
	return func(data []byte) bool {
		var m map[string]any
		if json.Unmarshal(data, &m) != nil {
			return false
		}
		s, _ := m[key].(string)
		return s == value
	}
}

// recordExists reports whether table has a live row id.
func recordExists(x *kit.Env, table, id string) bool {
	var n int
	err := x.Store.DB().QueryRowContext(x.Ctx(), `SELECT count(*) FROM `+table+` WHERE id = ? AND deleted = 0`, id).Scan(&n)
	return err == nil && n > 0
}

// firstCommunity is the community a new household or elder goes to by
// default: the user's first.
func firstCommunity(x *kit.Env) string {
	if len(x.Me.Communities) > 0 {
		return x.Me.Communities[0]
	}
	return ""
}

// messageScreen is a page showing only a message, e.g. why a form could
// not be opened.
type messageScreen struct {
	text string
	root fyne.CanvasObject
}

func newMessageScreen(text string) *messageScreen { return &messageScreen{text: text} }

func (s *messageScreen) Content() fyne.CanvasObject {
	if s.root == nil {
		l := widget.NewLabel(s.text)
		l.Wrapping = fyne.TextWrapWord
		s.root = container.NewPadded(l)
	}
	return s.root
}

func (s *messageScreen) Reload() {}

// formError is the page shown when a form cannot be opened.
func formError(err error) kit.Screen {
	fyne.LogError("open form", err)
	return newMessageScreen(lang.L("forms.open_failed", map[string]any{"Error": err.Error()}))
}
