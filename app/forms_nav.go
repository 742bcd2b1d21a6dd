package app

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
	"doorstep/app/records"
	"doorstep/schema"
	"doorstep/schema/district"
)

// The four field forms register here, in the order the household and elder
// screens offer them. Their screens are visit.go, spotcheck.go,
// screening.go and volunteervisit.go; their models live in app/forms.
func init() {
	staff := []schema.Role{schema.RoleWorker, schema.RoleSupervisor}
	forms = append(forms,
		form{kind: model.FormMeansVisit, table: "means_visits", subject: subjectHousehold, roles: staff,
			open: func(x *App, ref formRef) screen { return openVisitForm(x, ref) }},
		form{kind: model.FormSpotCheck, table: "spot_checks", subject: subjectHousehold, roles: staff,
			open: func(x *App, ref formRef) screen { return openSpotCheckForm(x, ref) }},
		form{kind: model.FormScreening, table: "elder_screenings", subject: subjectElder, roles: staff,
			open: func(x *App, ref formRef) screen { return openScreeningForm(x, ref) }},
		form{kind: model.FormVolunteerVisit, table: "volunteer_visits", subject: subjectElder,
			roles: []schema.Role{schema.RoleVolunteer},
			open:  func(x *App, ref formRef) screen { return openVolunteerVisitForm(x, ref) }},
	)
	codeLists["spot_outcome"] = model.SpotOutcomes
}

// OpenForm opens a new record of form kind ("means_visit", "spot_check",
// "elder_screening", "volunteer_visit") about subject — a household or
// elder id; "" starts a new household (means-test visit) or a new elder
// (screening). An unfinished draft of the same form about the same subject
// is resumed instead. It is for the screenshot tool and tests; screens open
// forms through openForm.
func (x *App) OpenForm(kind, subject string) error {
	if x.shell == nil {
		return fmt.Errorf("open form %s: nobody is signed in", kind)
	}
	f, ok := formByKind(kind)
	if !ok || !slices.Contains(f.roles, x.me.Role) {
		return fmt.Errorf("open form %s: not a form for %s", kind, x.me.Role)
	}
	ref := formRef{RecordID: newRecordID(), SubjectID: subject}
	name := ""
	switch {
	case subject == "":
	case f.subject == subjectElder:
		if e, err := x.store.Elder(x.ctx(), x.me, subject); err == nil {
			ref.PairingID, name = e.PairingID, e.Name
		}
	default:
		if h, err := x.store.Household(x.ctx(), x.me, subject); err == nil {
			name = h.HeadName
		}
	}
	x.openForm(f, ref, name)
	return nil
}

// formsEnv is what the form models need from the app.
func (x *App) formsEnv() model.Env {
	return model.Env{DB: x.store.DB(), Now: x.opts.Now, Config: x.districtConfig(), UserID: x.me.UserID}
}

// districtConfig is the district's rule configuration, parsed once per App
// (forms and desk screens ask for it on every keystroke and query). The
// device holds no district file of its own yet, so it is the default (the
// report's district). Callers must not modify its maps and slices.
func (x *App) districtConfig() district.Config {
	x.cfgOnce.Do(func() { x.cfg = district.Default() })
	return x.cfg
}

// blobs is the device's attachment store: <data dir>/blobs/<sha256 hex>.
// Rows reference blobs by hash; sync uploads the files they name.
func (x *App) blobs() model.Blobs {
	dir := x.opts.DataDir
	if dir == "" {
		dir = x.fyne.Storage().RootURI().Path()
	}
	return model.Blobs{Dir: filepath.Join(dir, "blobs")}
}

// draftOf finds the draft of form kind to restore: the one of record id,
// else (subject set) the latest about subject that match accepts (nil
// accepts any).
func (x *App) draftOf(kind, id, subject string, match func(data []byte) bool) (records.Draft, bool) {
	if d, err := x.store.Draft(x.ctx(), kind, id); err == nil {
		return d, true
	}
	ds, err := x.store.Drafts(x.ctx())
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
func (x *App) recordExists(table, id string) bool {
	var n int
	err := x.store.DB().QueryRowContext(x.ctx(), `SELECT count(*) FROM `+table+` WHERE id = ? AND deleted = 0`, id).Scan(&n)
	return err == nil && n > 0
}

// firstCommunity is the community a new household or elder goes to by
// default: the user's first.
func (x *App) firstCommunity() string {
	if len(x.me.Communities) > 0 {
		return x.me.Communities[0]
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

func (s *messageScreen) content() fyne.CanvasObject {
	if s.root == nil {
		l := widget.NewLabel(s.text)
		l.Wrapping = fyne.TextWrapWord
		s.root = container.NewPadded(l)
	}
	return s.root
}

func (s *messageScreen) reload() {}

// formError is the page shown when a form cannot be opened.
func formError(err error) screen {
	fyne.LogError("open form", err)
	return newMessageScreen(lang.L("forms.open_failed", map[string]any{"Error": err.Error()}))
}
