package field

import (
	"doorstep/app/kit"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	model "doorstep/app/forms"
)

// memberRow is one member of the visit form: a header (name, relationship,
// counted) that opens the member's fields, each validated as typed — ID
// number checksum, birth date and sex agreeing with the ID.
type memberRow struct {
	id      string
	title   *widget.Label
	toggle  *widget.Button
	details *fyne.Container
	box     fyne.CanvasObject

	name, birth, grade *widget.Entry
	idNumber           *kit.NumericEntry
	sex, relationship  *widget.Select
	counted            *widget.Check
}

// buildMembers (re)builds the member rows.
func (s *visitScreen) buildMembers() {
	s.memberBox.Objects = nil
	for _, m := range s.v.Members {
		r, ok := s.memberRows[m.ID]
		if !ok {
			r = s.newMemberRow(m.ID, !m.Stored)
			s.memberRows[m.ID] = r
		}
		s.memberBox.Add(r.box)
	}
	s.memberBox.Refresh()
}

func (s *visitScreen) addMember() {
	m := s.v.AddMember(newRecordID())
	r := s.newMemberRow(m.ID, true)
	s.memberRows[m.ID] = r
	s.buildMembers()
	s.buildIncomes()
	s.kit.Changed()
	s.x.Win.Canvas().Focus(r.name)
}

func (s *visitScreen) removeMember(id string) {
	s.v.RemoveMember(id)
	delete(s.memberRows, id)
	s.kit.Forget(model.MemberField(id, ""))
	s.buildMembers()
	s.buildIncomes()
	s.buildAssets()
	s.kit.Changed()
}

// newMemberRow builds the row of member id, open when open.
func (s *visitScreen) newMemberRow(id string, open bool) *memberRow {
	k := s.kit
	get := func() *model.Member {
		if m := s.v.Member(id); m != nil {
			return m
		}
		return &model.Member{} // the row was removed; edits go nowhere
	}
	f := func(name string) string { return model.MemberField(id, name) }
	r := &memberRow{id: id}
	r.title = widget.NewLabel("")
	r.title.TextStyle.Bold = true
	r.title.Truncation = fyne.TextTruncateEllipsis

	r.name = k.Entry(func() *string { return &get().Name }, "member.name_placeholder")
	r.idNumber = k.IDEntry(func() *string { return &get().IDNumber }, "member.id_placeholder")
	r.sex = k.CodeSelect("sex", func() *string { return &get().Sex })
	r.birth = k.DateEntry(func() *string { return &get().BirthDate })
	r.relationship = k.CodeSelect("relationship", func() *string { return &get().Relationship })
	r.grade = k.Entry(func() *string { return &get().DisabilityGrade }, "member.grade_placeholder")
	r.counted = k.Check("member.counted", func() *bool { return &get().Counted })

	onName := r.name.OnChanged
	r.name.OnChanged = func(t string) { onName(t); s.memberRenamed(r) }
	onID := r.idNumber.OnChanged
	r.idNumber.OnChanged = func(t string) {
		onID(t)
		m := get()
		if m.FillFromID(s.env.Today()) {
			r.sex.SetSelected(kit.CodeLabel("sex", m.Sex))
			r.birth.SetText(m.BirthDate)
		}
	}
	onRel := r.relationship.OnChanged
	r.relationship.OnChanged = func(t string) { onRel(t); s.memberRenamed(r) }
	onCounted := r.counted.OnChanged
	r.counted.OnChanged = func(b bool) { onCounted(b); r.setTitle(get()) }

	r.details = container.NewVBox(
		k.Grid(210,
			k.Col(f(model.FieldName), r.name),
			k.Col(f(model.FieldIDNumber), r.idNumber),
			k.Col(f(model.FieldSex), r.sex),
			k.Col(f(model.FieldBirthDate), r.birth),
			k.Col(f(model.FieldRelationship), r.relationship),
			k.Col(f("marital"), k.CodeSelect("marital", func() *string { return &get().Marital })),
			k.Col(f("health"), k.CodeSelect("health", func() *string { return &get().Health })),
			k.Col(f("disability_category"), k.OptionalCodeSelect("disability", func() *string { return &get().DisabilityCategory })),
			k.Col(f(model.FieldDisabilityGrade), r.grade),
			k.Col(f("labour_capacity"), k.CodeSelect("labour", func() *string { return &get().LabourCapacity })),
			k.Col(f("employment"), k.CodeSelect("employment", func() *string { return &get().Employment })),
			k.Col(f(model.FieldNotCountedReason),
				k.OptionalCodeSelect("not_counted", func() *string { return &get().NotCountedReason })),
		),
		r.counted,
	)
	r.toggle = widget.NewButtonWithIcon("", theme.MenuExpandIcon(), func() { r.setOpen(r.details.Hidden) })
	r.toggle.Importance = widget.LowImportance
	remove := widget.NewButtonWithIcon(lang.L("visit.remove_member"), theme.DeleteIcon(), func() {
		s.confirm(lang.L("visit.remove_member_confirm", map[string]any{"Name": get().Name}), func() { s.removeMember(id) })
	})
	remove.Importance = widget.LowImportance
	head := container.NewBorder(nil, nil, r.toggle, remove, r.title)
	r.box = widget.NewCard("", "", container.NewVBox(head, r.details))
	r.setTitle(get())
	r.setOpen(open)
	return r
}

// setOpen shows or hides the member's fields.
func (r *memberRow) setOpen(open bool) {
	if open {
		r.details.Show()
		r.toggle.SetIcon(theme.MenuDropUpIcon())
	} else {
		r.details.Hide()
		r.toggle.SetIcon(theme.MenuExpandIcon())
	}
}

// setTitle summarises the member in the row's header.
func (r *memberRow) setTitle(m *model.Member) {
	parts := []string{memberLabel(*m)}
	if m.Relationship != "" {
		parts = append(parts, kit.Code("relationship", m.Relationship))
	}
	if m.Counted {
		parts = append(parts, lang.L("member.is_counted"))
	} else {
		parts = append(parts, lang.L("member.is_not_counted"))
	}
	r.title.SetText(strings.Join(parts, " · "))
}

// memberLabel is a member's name, or a placeholder while it is blank.
func memberLabel(m model.Member) string {
	if n := strings.TrimSpace(m.Name); n != "" {
		return n
	}
	return lang.L("member.unnamed")
}

// memberRenamed updates what shows a member's name elsewhere.
func (s *visitScreen) memberRenamed(r *memberRow) {
	if m := s.v.Member(r.id); m != nil {
		r.setTitle(m)
	}
	s.buildIncomes()
	s.buildAssets()
}

// openRowsWithIssues opens the rows whose fields have visible messages.
func (s *visitScreen) openRowsWithIssues() {
	for id, r := range s.memberRows {
		prefix := model.MemberField(id, "")
		for f, l := range s.kit.Errs {
			if strings.HasPrefix(f, prefix) && l.Visible() {
				r.setOpen(true)
				break
			}
		}
	}
}

// confirm asks before a destructive action.
func (s *visitScreen) confirm(text string, yes func()) {
	dialog.ShowConfirm(lang.L("forms.confirm"), text, func(ok bool) {
		if ok {
			yes()
		}
	}, s.x.Win)
}

// memberChoice is a select of the household's members for an income or
// asset row; "" (none chosen) is allowed when optional (the household).
func (s *visitScreen) memberChoice(get func() *string, optional bool) *widget.Select {
	var ids, names []string
	if optional {
		ids, names = append(ids, ""), append(names, lang.L("visit.owner_household"))
	}
	for _, m := range s.v.Members {
		ids, names = append(ids, m.ID), append(names, memberLabel(m))
	}
	sel := widget.NewSelect(names, nil)
	sel.PlaceHolder = lang.L("forms.choose")
	if i := slices.Index(ids, *get()); i >= 0 && (*get() != "" || optional) {
		sel.Selected = names[i]
	}
	sel.OnChanged = func(string) {
		if i := sel.SelectedIndex(); i >= 0 {
			*get() = ids[i]
			s.kit.Changed()
		}
	}
	return sel
}

// incomeRow holds the inputs of one income row.
type incomeRow struct {
	member, kind *widget.Select
	amount       *kit.NumericEntry
}

// buildIncomes (re)builds the income rows: member, kind, monthly amount.
func (s *visitScreen) buildIncomes() {
	k := s.kit
	wasBuilding := k.Building
	k.Building = true
	defer func() { k.Building = wasBuilding }()
	s.incomeBox.Objects = nil
	s.incomeRows = map[string]*incomeRow{}
	for _, in := range s.v.Incomes {
		id := in.ID
		get := func() *model.Income {
			if i := slices.IndexFunc(s.v.Incomes, func(x model.Income) bool { return x.ID == id }); i >= 0 {
				return &s.v.Incomes[i]
			}
			return &model.Income{}
		}
		f := func(name string) string { return model.IncomeField(id, name) }
		remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
			s.v.RemoveIncome(id)
			k.Forget(model.IncomeField(id, ""))
			s.buildIncomes()
			k.Changed()
		})
		remove.Importance = widget.LowImportance
		r := &incomeRow{
			member: s.memberChoice(func() *string { return &get().MemberID }, false),
			kind:   k.CodeSelect("income", func() *string { return &get().Kind }),
			amount: k.NumberEntry(func() *string { return &get().Amount }, "income.amount_placeholder"),
		}
		s.incomeRows[id] = r
		row := k.Grid(150,
			k.Col(f("member"), r.member),
			k.Col(f("kind"), r.kind),
			k.Col(f("amount"), r.amount),
			k.Col(f("note"), k.Entry(func() *string { return &get().Note }, "")),
		)
		s.incomeBox.Add(container.NewBorder(nil, nil, nil, remove, row))
	}
	if len(s.v.Incomes) == 0 {
		s.incomeBox.Add(lowLabel(lang.L("visit.no_incomes")))
	}
	s.incomeBox.Refresh()
	k.RefreshIssues()
}

func (s *visitScreen) addIncome() {
	member := ""
	if len(s.v.Members) > 0 {
		member = s.v.Members[0].ID
	}
	s.v.AddIncome(newRecordID(), member)
	s.buildIncomes()
	s.kit.Changed()
}

// lowLabel is a de-emphasised label (e.g. "none yet").
func lowLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Importance = widget.LowImportance
	return l
}

// hint is a de-emphasised sentence that wraps to the width.
func hint(text string) *widget.Label {
	l := lowLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}
