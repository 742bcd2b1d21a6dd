package field

import (
	"doorstep/app/kit"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
	"doorstep/app/records"
	"doorstep/schema/rules"
)

// householdScreen shows one household: status and class, members, income,
// assets, visit history and the next re-check, with the forms a worker can
// start for it.
type householdScreen struct {
	kit.RecordPage
	x  *kit.Env
	id string
	h  records.Household
	// ids are the members' masked ID numbers, in member order.
	ids []*kit.MaskedID
}

// OpenHousehold pushes the household screen.
func OpenHousehold(x *kit.Env, id, title string) {
	x.Push(title, &householdScreen{x: x, id: id})
}

func (s *householdScreen) Reload() {
	s.Content()
	h, err := s.x.Store.Household(s.x.Ctx(), s.x.Me, s.id)
	if errors.Is(err, records.ErrNotFound) || errors.Is(err, records.ErrForbidden) {
		s.Show(widget.NewLabel(lang.L("household.not_found")))
		return
	}
	if err != nil {
		s.x.ShowError("error.read", err)
		return
	}
	s.h = h
	s.Show(s.summary(), s.members(), s.income(), s.assets(), s.visits())
}

func (s *householdScreen) summary() fyne.CanvasObject {
	h := s.h
	yesNo := func(b bool) string { return lang.L(map[bool]string{true: "common.yes", false: "common.no"}[b]) }
	urban := lang.L(map[bool]string{true: "household.urban", false: "household.rural"}[h.Urban])
	status := widget.NewLabel(kit.Code("status", h.Status))
	status.Importance = statusImportance(h.Status)
	status.TextStyle.Bold = true
	recheck := h.RecheckDue
	if recheck != "" && recheck < s.x.Store.Date() {
		recheck = lang.L("household.overdue", map[string]any{"Date": recheck})
	}
	box := container.NewVBox(
		kit.NewFlow(status, widget.NewLabel(lang.L("households.class", map[string]any{"Class": h.Class}))),
		kit.Facts(
			kit.Field{Key: model.LabelKey("households", "case_no"), Value: h.CaseNo},
			kit.Field{Key: "household.address", Value: h.Address},
			kit.Field{Key: "household.community", Value: h.Community + " · " + urban},
			kit.Field{Key: "household.hardship", Value: kit.Code("hardship", h.HardshipCause)},
			kit.Field{Key: "household.caseworker", Value: h.Caseworker},
			kit.Field{Key: "household.benefit", Value: kit.Money(h.BenefitFen)},
			kit.Field{Key: "household.covered", Value: strconv.Itoa(h.CoveredMembers)},
			kit.Field{Key: "household.approved_on", Value: h.ApprovedOn},
			kit.Field{Key: "household.next_recheck", Value: recheck},
			kit.Field{Key: "household.hukou_local", Value: yesNo(h.HukouLocal)},
			kit.Field{Key: "household.staff_relative", Value: yesNo(h.StaffRelative)},
		),
	)
	if h.Status == records.StatusCancelled {
		box.Add(kit.Facts(kit.Field{Key: "household.cancelled_on", Value: h.CancelledOn},
			kit.Field{Key: "household.cancel_reason", Value: kit.Code("cancel_reason", h.CancelReason)}))
	}
	if fs := formsFor(subjectHousehold, s.x.Me); len(fs) > 0 {
		actions := kit.NewFlow()
		own := false
		for _, f := range fs {
			if f.kind == model.FormSpotCheck && !model.MaySpotCheck(s.x.Me.UserID, h.CaseworkerID) {
				own = true // 抽查 is never offered on one's own caseload
				continue
			}
			actions.Add(widget.NewButtonWithIcon(f.label(), theme.DocumentCreateIcon(), func() {
				s.x.Touch()
				openForm(s.x, f, formRef{RecordID: newRecordID(), SubjectID: h.ID}, h.HeadName)
			}))
		}
		box.Add(actions)
		if own {
			l := widget.NewLabel(lang.L("household.no_spot_check_own"))
			l.Importance = widget.LowImportance
			l.Wrapping = fyne.TextWrapWord
			box.Add(l)
		}
	}
	return kit.Section("household.summary", box)
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
	s.ids = nil
	for _, m := range s.h.Members {
		title := m.Name + " · " + kit.Relationship(m.Relationship, m.Sex)
		if !m.Counted {
			title += " · " + lang.L("member.not_counted", map[string]any{"Reason": kit.Code("not_counted", m.NotCountedReason)})
		}
		detail := fmt.Sprintf("%s · %s", kit.Code("sex", m.Sex), m.BirthDate)
		more := kit.Code("health", m.Health) + " · " + kit.Labour(m.LabourCapacity, m.BirthDate, s.x.Now()) + " · " + kit.Code("employment", m.Employment)
		if m.DisabilityCategory != "" {
			more += " · " + lang.L("member.disability", map[string]any{
				"Category": kit.Code("disability", m.DisabilityCategory), "Grade": m.DisabilityGrade})
		}
		id := kit.NewMaskedID(s.x, m.IDNumber, func() error {
			return s.x.Store.RecordReveal(s.x.Ctx(), s.x.Me, records.Reveal{Table: "members", RowID: m.ID,
				HouseholdID: s.h.ID, CommunityID: s.h.CommunityID}, s.x.Now())
		})
		s.ids = append(s.ids, id)
		head := kit.Heading(title)
		head.Wrapping = fyne.TextWrapWord
		box.Add(container.NewVBox(head,
			kit.NewFlow(widget.NewLabel(detail), widget.NewLabel(lang.L("desk.field.id_number")), id.Content()),
			kit.WrapLabel(more), widget.NewSeparator()))
	}
	if len(s.h.Members) == 0 {
		box.Add(widget.NewLabel(lang.L("household.none")))
	}
	return kit.Section("household.members", box)
}

func (s *householdScreen) income() fyne.CanvasObject {
	box := container.NewVBox()
	for _, in := range s.h.Incomes {
		box.Add(kit.NewTrailing(kit.WrapLabel(s.memberName(in.MemberID)+" · "+kit.Code("income", in.Kind)),
			widget.NewLabel(kit.Money(in.MonthlyFen))))
	}
	if len(s.h.Incomes) == 0 {
		box.Add(widget.NewLabel(lang.L("household.none")))
	}
	box.Add(widget.NewSeparator())
	if msg, ok := rules.MessageOf(s.h.IncomeErr); ok {
		l := widget.NewLabel(msg.Text(kit.CurrentLanguage()))
		l.Importance = widget.WarningImportance
		l.Wrapping = fyne.TextWrapWord
		box.Add(l)
		return kit.Section("household.income", box)
	}
	in := s.h.Income
	box.Add(kit.Facts(
		kit.Field{Key: "household.income_counted", Value: kit.Money(in.CountedIncomeFen)},
		kit.Field{Key: "household.income_excluded", Value: kit.Money(in.ExcludedIncomeFen + in.UncountedMembersIncomeFen)},
	))
	perCapita := kit.Heading(lang.L("household.per_capita", map[string]any{"Amount": kit.Money(in.PerCapitaFen), "Count": in.CountedMembers}))
	perCapita.Wrapping = fyne.TextWrapWord
	box.Add(perCapita)
	return kit.Section("household.income", box)
}

func (s *householdScreen) assets() fyne.CanvasObject {
	box := container.NewVBox()
	for _, a := range s.h.Assets {
		text := kit.Code("asset", a.Kind)
		switch a.Kind {
		case "dwelling":
			text += " · " + lang.L("asset.area", map[string]any{"Area": strconv.FormatFloat(a.FloorArea, 'f', -1, 64)}) +
				" · " + kit.Code("dwelling", a.DwellingType) + " · " + kit.Code("renovation", a.Renovation)
		case "vehicle":
			text += " · " + kit.Code("vehicle", a.VehicleType)
			if a.DisabilityVehicle {
				text += " · " + lang.L("asset.disability_vehicle")
			}
		}
		if a.ValueFen != 0 {
			text += " · " + kit.Money(a.ValueFen)
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
	return kit.Section("household.assets", box)
}

func (s *householdScreen) visits() fyne.CanvasObject {
	box := container.NewVBox()
	f, canOpen := formByTable("means_visits")
	canOpen = canOpen && slices.Contains(f.roles, s.x.Me.Role)
	for _, v := range s.h.Visits {
		row := container.NewVBox()
		state := kit.Code("visit_state", v.State)
		if v.ReviewAction != "" {
			state = kit.Code("review", v.ReviewAction)
		}
		title := fmt.Sprintf("%s · %s · %s", kit.DateOf(v.StartedAt), kit.Code("purpose", v.Purpose), state)
		detail := kit.Code("method", v.Method) + " · " + v.Author + " · " +
			lang.L("visit.per_capita", map[string]any{"Amount": kit.Money(v.PerCapitaFen)}) + " · " +
			lang.L("visit.benefit", map[string]any{"Amount": kit.Money(v.BenefitFen)})
		head := kit.Heading(title)
		head.Wrapping = fyne.TextWrapWord
		row.Add(head)
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
		box.Add(kit.NewTapRow(row, func() {
			s.x.Touch()
			openStored(s.x, f, formRef{RecordID: v.ID, SubjectID: s.h.ID}, s.h.HeadName, v.ReviewAction)
		}))
	}
	if len(s.h.Visits) == 0 {
		box.Add(widget.NewLabel(lang.L("household.no_visits")))
	}
	return kit.Section("household.visits", box)
}
