package app

import (
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
	recordPage
	x  *App
	id string
}

// openElder pushes the elder screen.
func (x *App) openElder(id, title string) {
	x.shell.push(title, &elderScreen{x: x, id: id})
}

func (s *elderScreen) reload() {
	s.content()
	e, err := s.x.store.Elder(s.x.ctx(), s.x.me, s.id)
	if errors.Is(err, records.ErrNotFound) {
		s.show(widget.NewLabel(lang.L("elder.not_found")))
		return
	}
	if err != nil {
		s.x.showError("error.read", err)
		return
	}
	basics := container.NewVBox(facts(
		field{"elder.sex", code("sex", e.Sex)},
		field{"elder.birth_date", e.BirthDate},
		field{"elder.address", e.Address},
		field{"elder.phone", e.Phone},
		field{"elder.community", e.Community},
		field{"elder.needs", codes("need", e.Needs)},
		field{"elder.pairing", code("pairing_mode", e.Mode)},
		field{"elder.last_visit", e.LastVisit},
		field{"elder.next_visit", e.NextVisit},
	))
	if fs := formsFor(subjectElder, s.x.me); len(fs) > 0 {
		actions := container.NewHBox()
		for _, f := range fs {
			actions.Add(widget.NewButtonWithIcon(f.label(), theme.DocumentCreateIcon(), func() {
				s.x.touch()
				s.x.openForm(f, formRef{RecordID: newRecordID(), SubjectID: e.ID, PairingID: e.PairingID}, e.Name)
			}))
		}
		basics.Add(actions)
	}
	log := container.NewVBox()
	logForm, openLogs := formByTable("volunteer_visits")
	openLogs = openLogs && slices.Contains(logForm.roles, s.x.me.Role)
	for _, v := range e.Visits {
		row := container.NewVBox(heading(instant(v.StartedAt) + " · " + v.Volunteer + " · " + code("wellbeing", v.Wellbeing)))
		l := widget.NewLabel(lang.L("elder.services", map[string]any{"Services": codes("service", v.Services)}))
		l.Wrapping = fyne.TextWrapWord
		row.Add(l)
		if len(v.RiskFlags) > 0 {
			r := widget.NewLabel(lang.L("elder.risks", map[string]any{"Flags": codes("risk_flag", v.RiskFlags)}))
			r.Importance = widget.DangerImportance
			row.Add(r)
		}
		if v.Feedback != "" {
			f := widget.NewLabel(v.Feedback)
			f.Wrapping = fyne.TextWrapWord
			row.Add(f)
		}
		if openLogs {
			log.Add(newTapRow(row, func() {
				s.x.touch()
				s.x.openForm(logForm, formRef{RecordID: v.ID, SubjectID: e.ID, PairingID: v.PairingID}, e.Name)
			}))
		} else {
			log.Add(row)
		}
		log.Add(widget.NewSeparator())
	}
	if len(e.Visits) == 0 {
		log.Add(widget.NewLabel(lang.L("elder.no_visits")))
	}
	objs := []fyne.CanvasObject{section("elder.basics", basics)}
	if !s.x.me.IsVolunteer() {
		objs = append(objs, s.screenings(e))
	}
	s.show(append(objs, section("elder.visits", log))...)
}

// screenings lists the elder's needs screenings (staff only); each opens
// in the screening form.
func (s *elderScreen) screenings(e records.Elder) fyne.CanvasObject {
	box := container.NewVBox()
	f, canOpen := formByTable("elder_screenings")
	canOpen = canOpen && slices.Contains(f.roles, s.x.me.Role)
	for _, sc := range e.Screenings {
		state := code("visit_state", sc.State)
		if sc.ReviewAction != "" {
			state = code("review", sc.ReviewAction)
		}
		row := container.NewVBox(
			heading(sc.ScreenedOn+" · "+code("screening_reason", sc.Reason)+" · "+state),
			widget.NewLabel(lang.L("elder.barthel", map[string]any{"Total": sc.BarthelTotal,
				"Grade": rules.Code(sc.BarthelGrade).Text(CurrentLanguage())})+" · "+sc.Author),
		)
		if !canOpen {
			box.Add(row)
			continue
		}
		box.Add(newTapRow(row, func() {
			s.x.touch()
			s.x.openStored(f, formRef{RecordID: sc.ID, SubjectID: e.ID}, e.Name, sc.ReviewAction)
		}))
	}
	if len(e.Screenings) == 0 {
		box.Add(widget.NewLabel(lang.L("elder.no_screenings")))
	}
	return section("elder.screenings", box)
}
