package app

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/records"
	"doorstep/schema/rules"
)

// householdScreen shows one household: status and class, members, income,
// assets, visit history and the next re-check, with the forms a worker can
// start for it.
type householdScreen struct {
	recordPage
	x  *App
	id string
	h  records.Household
}

// openHousehold pushes the household screen.
func (x *App) openHousehold(id, title string) {
	x.shell.push(title, &householdScreen{x: x, id: id})
}

func (s *householdScreen) reload() {
	s.content()
	h, err := s.x.store.Household(s.x.ctx(), s.x.me, s.id)
	if errors.Is(err, records.ErrNotFound) || errors.Is(err, records.ErrForbidden) {
		s.show(widget.NewLabel(lang.L("household.not_found")))
		return
	}
	if err != nil {
		s.x.showError("error.read", err)
		return
	}
	s.h = h
	s.show(s.summary(), s.members(), s.income(), s.assets(), s.visits())
}

func (s *householdScreen) summary() fyne.CanvasObject {
	h := s.h
	yesNo := func(b bool) string { return lang.L(map[bool]string{true: "common.yes", false: "common.no"}[b]) }
	urban := lang.L(map[bool]string{true: "household.urban", false: "household.rural"}[h.Urban])
	status := widget.NewLabel(code("status", h.Status))
	status.Importance = statusImportance(h.Status)
	status.TextStyle.Bold = true
	recheck := h.RecheckDue
	if recheck != "" && recheck < s.x.store.Date() {
		recheck = lang.L("household.overdue", map[string]any{"Date": recheck})
	}
	box := container.NewVBox(
		container.NewHBox(status, widget.NewLabel(lang.L("households.class", map[string]any{"Class": h.Class}))),
		facts(
			field{"household.ref_code", h.RefCode},
			field{"household.address", h.Address},
			field{"household.community", h.Community + " · " + urban},
			field{"household.hardship", code("hardship", h.HardshipCause)},
			field{"household.caseworker", h.Caseworker},
			field{"household.benefit", money(h.BenefitFen)},
			field{"household.covered", strconv.Itoa(h.CoveredMembers)},
			field{"household.approved_on", h.ApprovedOn},
			field{"household.next_recheck", recheck},
			field{"household.hukou_local", yesNo(h.HukouLocal)},
			field{"household.staff_relative", yesNo(h.StaffRelative)},
		),
	)
	if h.Status == records.StatusCancelled {
		box.Add(facts(field{"household.cancelled_on", h.CancelledOn},
			field{"household.cancel_reason", code("cancel_reason", h.CancelReason)}))
	}
	if fs := formsFor(subjectHousehold, s.x.me); len(fs) > 0 {
		actions := container.NewHBox()
		for _, f := range fs {
			actions.Add(widget.NewButtonWithIcon(f.label(), theme.DocumentCreateIcon(), func() {
				s.x.touch()
				s.x.openForm(f, formRef{RecordID: newRecordID(), SubjectID: h.ID}, h.HeadName)
			}))
		}
		box.Add(actions)
	}
	return section("household.summary", box)
}

// memberName returns the name of member id, for income and asset rows.
func (s *householdScreen) memberName(id string) string {
	for _, m := range s.h.Members {
		if m.ID == id {
			return m.Name
		}
	}
	return ""
}

func (s *householdScreen) members() fyne.CanvasObject {
	box := container.NewVBox()
	for _, m := range s.h.Members {
		title := m.Name + " · " + code("relationship", m.Relationship)
		if !m.Counted {
			title += " · " + lang.L("member.not_counted", map[string]any{"Reason": code("not_counted", m.NotCountedReason)})
		}
		detail := fmt.Sprintf("%s · %s · %s", code("sex", m.Sex), m.BirthDate, m.IDNumber)
		more := code("health", m.Health) + " · " + code("labour", m.LabourCapacity) + " · " + code("employment", m.Employment)
		if m.DisabilityCategory != "" {
			more += " · " + lang.L("member.disability", map[string]any{
				"Category": code("disability", m.DisabilityCategory), "Grade": m.DisabilityGrade})
		}
		box.Add(container.NewVBox(heading(title), widget.NewLabel(detail), widget.NewLabel(more), widget.NewSeparator()))
	}
	if len(s.h.Members) == 0 {
		box.Add(widget.NewLabel(lang.L("household.none")))
	}
	return section("household.members", box)
}

func (s *householdScreen) income() fyne.CanvasObject {
	box := container.NewVBox()
	for _, in := range s.h.Incomes {
		box.Add(container.NewBorder(nil, nil, nil, widget.NewLabel(money(in.MonthlyFen)),
			widget.NewLabel(s.memberName(in.MemberID)+" · "+code("income", in.Kind))))
	}
	if len(s.h.Incomes) == 0 {
		box.Add(widget.NewLabel(lang.L("household.none")))
	}
	box.Add(widget.NewSeparator())
	if msg, ok := rules.MessageOf(s.h.IncomeErr); ok {
		l := widget.NewLabel(msg.Text(CurrentLanguage()))
		l.Importance = widget.WarningImportance
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
		return section("household.income", box)
	}
	in := s.h.Income
	box.Add(facts(
		field{"household.income_counted", money(in.CountedIncomeFen)},
		field{"household.income_excluded", money(in.ExcludedIncomeFen + in.UncountedMembersIncomeFen)},
	))
	box.Add(heading(lang.L("household.per_capita", map[string]any{"Amount": money(in.PerCapitaFen), "Count": in.CountedMembers})))
	return section("household.income", box)
}

func (s *householdScreen) assets() fyne.CanvasObject {
	box := container.NewVBox()
	for _, a := range s.h.Assets {
		text := code("asset", a.Kind)
		switch a.Kind {
		case "dwelling":
			text += " · " + lang.L("asset.area", map[string]any{"Area": strconv.FormatFloat(a.FloorArea, 'f', -1, 64)}) +
				" · " + code("dwelling", a.DwellingType) + " · " + code("renovation", a.Renovation)
		case "vehicle":
			text += " · " + code("vehicle", a.VehicleType)
			if a.DisabilityVehicle {
				text += " · " + lang.L("asset.disability_vehicle")
			}
		}
		if a.ValueFen != 0 {
			text += " · " + money(a.ValueFen)
		}
		if a.Description != "" {
			text += " · " + a.Description
		}
		if owner := s.memberName(a.OwnerMemberID); owner != "" {
			text = owner + " · " + text
		}
		l := widget.NewLabel(text)
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
	}
	if len(s.h.Assets) == 0 {
		box.Add(widget.NewLabel(lang.L("household.none")))
	}
	return section("household.assets", box)
}

func (s *householdScreen) visits() fyne.CanvasObject {
	box := container.NewVBox()
	f, canOpen := formByTable("means_visits")
	canOpen = canOpen && slices.Contains(f.roles, s.x.me.Role)
	for _, v := range s.h.Visits {
		row := container.NewVBox()
		state := code("visit_state", v.State)
		if v.ReviewAction != "" {
			state = code("review", v.ReviewAction)
		}
		title := fmt.Sprintf("%s · %s · %s", dateOf(v.StartedAt), code("purpose", v.Purpose), state)
		detail := code("method", v.Method) + " · " + v.Author + " · " +
			lang.L("visit.per_capita", map[string]any{"Amount": money(v.PerCapitaFen)}) + " · " +
			lang.L("visit.benefit", map[string]any{"Amount": money(v.BenefitFen)})
		row.Add(heading(title))
		d := widget.NewLabel(detail)
		d.Wrapping = fyne.TextWrapWord
		row.Add(d)
		if v.ReviewComment != "" {
			c := widget.NewLabel(lang.L("visit.review_comment", map[string]any{"Comment": v.ReviewComment}))
			c.Importance = widget.WarningImportance
			c.Wrapping = fyne.TextWrapWord
			row.Add(c)
		}
		if !canOpen {
			box.Add(row)
			continue
		}
		box.Add(newTapRow(row, func() {
			s.x.touch()
			s.x.openStored(f, formRef{RecordID: v.ID, SubjectID: s.h.ID}, s.h.HeadName, v.ReviewAction)
		}))
	}
	if len(s.h.Visits) == 0 {
		box.Add(widget.NewLabel(lang.L("household.no_visits")))
	}
	return section("household.visits", box)
}
