package field

import (
	"doorstep/app/kit"
	"errors"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/records"
	"doorstep/schema/rules"
)

// elderScreen shows one elder — only what a volunteer may see: name,
// address, phone, needs — with their pairing, the visit log and the forms
// the user can start.
type elderScreen struct {
	kit.RecordPage
	x  *kit.Env
	id string
	// pairing is the pairing section (staff only).
	pairing *pairingPanel
}

// OpenElder pushes the elder screen.
func OpenElder(x *kit.Env, id, title string) {
	x.Push(title, &elderScreen{x: x, id: id})
}

func (s *elderScreen) Reload() {
	s.Content()
	e, err := s.x.Store.Elder(s.x.Ctx(), s.x.Me, s.id)
	if errors.Is(err, records.ErrNotFound) {
		s.Show(widget.NewLabel(lang.L("elder.not_found")))
		return
	}
	if err != nil {
		s.x.ShowError("error.read", err)
		return
	}
	basics := container.NewVBox(kit.Facts(
		kit.Field{Key: "elder.sex", Value: kit.Code("sex", e.Sex)},
		kit.Field{Key: "elder.birth_date", Value: e.BirthDate},
		kit.Field{Key: "elder.address", Value: e.Address},
		kit.Field{Key: "elder.phone", Value: e.Phone},
		kit.Field{Key: "elder.community", Value: e.Community},
		kit.Field{Key: "elder.needs", Value: kit.Codes("need", e.Needs)},
		kit.Field{Key: "elder.pairing", Value: kit.Code("pairing_mode", e.Mode)},
		kit.Field{Key: "elder.last_visit", Value: e.LastVisit},
		kit.Field{Key: "elder.next_visit", Value: e.NextVisit},
	))
	if fs := formsFor(subjectElder, s.x.Me); len(fs) > 0 {
		actions := kit.NewFlow()
		for _, f := range fs {
			actions.Add(widget.NewButtonWithIcon(f.label(), theme.DocumentCreateIcon(), func() {
				s.x.Touch()
				openForm(s.x, f, formRef{RecordID: newRecordID(), SubjectID: e.ID, PairingID: e.PairingID}, e.Name)
			}))
		}
		basics.Add(actions)
	}
	log := container.NewVBox()
	logForm, openLogs := formByTable("volunteer_visits")
	openLogs = openLogs && slices.Contains(logForm.roles, s.x.Me.Role)
	for _, v := range e.Visits {
		row := container.NewVBox(kit.WrapHeading(kit.Instant(v.StartedAt) + " · " + v.Volunteer + " · " + kit.Code("wellbeing", v.Wellbeing)))
		l := widget.NewLabel(lang.L("elder.services", map[string]any{"Services": kit.Codes("service", v.Services)}))
		l.Wrapping = fyne.TextWrapWord
		row.Add(l)
		if len(v.RiskFlags) > 0 {
			r := kit.WrapLabel(lang.L("elder.risks", map[string]any{"Flags": kit.Codes("risk_flag", v.RiskFlags)}))
			r.Importance = widget.DangerImportance
			row.Add(r)
		}
		if v.Feedback != "" {
			f := widget.NewLabel(v.Feedback)
			f.Wrapping = fyne.TextWrapWord
			row.Add(f)
		}
		if openLogs {
			log.Add(kit.NewTapRow(row, func() {
				s.x.Touch()
				openForm(s.x, logForm, formRef{RecordID: v.ID, SubjectID: e.ID, PairingID: v.PairingID}, e.Name)
			}))
		} else {
			log.Add(row)
		}
		log.Add(widget.NewSeparator())
	}
	if len(e.Visits) == 0 {
		log.Add(widget.NewLabel(lang.L("elder.no_visits")))
	}
	objs := []fyne.CanvasObject{kit.Section("elder.basics", basics)}
	if !s.x.Me.IsVolunteer() {
		// Staff make and end pairings here; volunteers may not.
		var sec fyne.CanvasObject
		s.pairing, sec = pairingSection(s.x, e, s.Reload)
		objs = append(objs, sec, s.screenings(e))
	}
	s.Show(append(objs, kit.Section("elder.visits", log))...)
}

// screenings lists the elder's needs screenings (staff only); each opens
// in the screening form.
func (s *elderScreen) screenings(e records.Elder) fyne.CanvasObject {
	box := container.NewVBox()
	f, canOpen := formByTable("elder_screenings")
	canOpen = canOpen && slices.Contains(f.roles, s.x.Me.Role)
	for _, sc := range e.Screenings {
		state := kit.Code("visit_state", sc.State)
		if sc.ReviewAction != "" {
			state = kit.Code("review", sc.ReviewAction)
		}
		row := container.NewVBox(
			kit.WrapHeading(sc.ScreenedOn+" · "+kit.Code("screening_reason", sc.Reason)+" · "+state),
			kit.WrapLabel(lang.L("elder.barthel", map[string]any{"Total": sc.BarthelTotal,
				"Grade": rules.Code(sc.BarthelGrade).Text(kit.CurrentLanguage())})+" · "+sc.Author),
		)
		if !canOpen {
			box.Add(row)
			continue
		}
		box.Add(kit.NewTapRow(row, func() {
			s.x.Touch()
			openStored(s.x, f, formRef{RecordID: sc.ID, SubjectID: e.ID}, e.Name, sc.ReviewAction)
		}))
	}
	if len(e.Screenings) == 0 {
		box.Add(widget.NewLabel(lang.L("elder.no_screenings")))
	}
	return kit.Section("elder.screenings", box)
}
