package field

import (
	"doorstep/app/kit"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/records"
	"doorstep/schema"
)

// todayScreen lists what needs doing: returned records, overdue and due
// re-checks, spot checks, risk alerts, volunteer visits due, drafts.
type todayScreen struct {
	x       *kit.Env
	items   []records.TodayItem
	summary *widget.Label
	empty   *widget.Label
	list    *kit.ActivityList
	root    fyne.CanvasObject
	// desk is the supervisor's summary of the desk (today_desk.go), nil
	// for other roles.
	desk kit.DeskSummary
}

// NewToday returns the Today screen: what needs doing, and for a
// supervisor the desk summary (Nav.DeskSummary) above it.
func NewToday(x *kit.Env) kit.Screen {
	s := &todayScreen{x: x}
	s.summary = widget.NewLabel("")
	s.summary.Wrapping = fyne.TextWrapWord
	s.empty = widget.NewLabelWithStyle(lang.L("today.empty"), fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	s.empty.Hide()
	s.list = kit.NewActivityList(x,
		func() int { return len(s.items) },
		newTodayRow,
		func(id widget.ListItemID, o fyne.CanvasObject) { s.fillRow(s.items[id], o) },
	)
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.Unselect(id)
		x.Touch()
		openTodayItem(x, s.items[id])
	}
	top := container.NewVBox(s.summary)
	if x.Me.Role == schema.RoleSupervisor {
		s.desk = x.DeskSummary(func() {
			if _, _, first := overdueSummary(s.items); first >= 0 {
				s.list.ScrollTo(first)
			}
		})
		top.Add(s.desk.Object())
	}
	s.root = container.NewBorder(container.NewPadded(top), nil, nil, nil,
		container.NewStack(s.list, container.NewCenter(s.empty)))
	return s
}

func (s *todayScreen) Content() fyne.CanvasObject { return s.root }

func (s *todayScreen) Reload() {
	items, err := s.x.Store.Today(s.x.Ctx(), s.x.Me)
	if err != nil {
		s.x.ShowError("error.read", err)
		return
	}
	s.items = items
	counts := map[string]int{}
	for _, it := range items {
		counts[it.Kind]++
	}
	var parts []string
	for _, k := range []string{records.TodayReturned, records.TodayOverdue, records.TodaySpotCheck,
		records.TodayRiskAlert, records.TodayRecheck, records.TodayVisitDue, records.TodayDraft} {
		if n := counts[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", lang.L("today.kind."+k), n))
		}
	}
	s.summary.SetText(lang.L("today.summary", map[string]any{"Date": s.x.Store.Date(),
		"Counts": strings.Join(parts, lang.L("list.separator"))}))
	busy := false
	if s.desk != nil {
		n, oldest, _ := overdueSummary(items)
		s.desk.Reload(n, oldest)
		busy = s.desk.Object().Visible()
	}
	if len(items) == 0 && !busy {
		s.empty.Show()
	} else {
		s.empty.Hide()
	}
	s.list.Refresh()
}

// todayRow is one list row: kind icon, who and where, kind and date.
type todayRow struct {
	widget.BaseWidget
	icon     *widget.Icon
	title    *widget.Label
	subtitle *widget.Label
	kind     *widget.Label
	date     *widget.Label
}

func newTodayRow() fyne.CanvasObject {
	r := &todayRow{icon: widget.NewIcon(nil), title: kit.Heading(""), subtitle: widget.NewLabel(""),
		kind: widget.NewLabel(""), date: widget.NewLabel("")}
	r.subtitle.Truncation = fyne.TextTruncateEllipsis
	r.title.Truncation = fyne.TextTruncateEllipsis
	r.kind.Alignment = fyne.TextAlignTrailing
	r.date.Alignment = fyne.TextAlignTrailing
	r.date.Importance = widget.LowImportance
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer lays the row out: icon, who and where, kind and date.
func (r *todayRow) CreateRenderer() fyne.WidgetRenderer {
	right := container.NewVBox(r.kind, r.date)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, container.NewCenter(r.icon), right,
		container.NewVBox(r.title, r.subtitle)))
}

// todayIcons and todayImportance style each kind.
var todayIcons = map[string]fyne.ThemeIconName{
	records.TodayReturned:  theme.IconNameMailReply,
	records.TodayOverdue:   theme.IconNameWarning,
	records.TodaySpotCheck: theme.IconNameSearch,
	records.TodayRiskAlert: theme.IconNameError,
	records.TodayRecheck:   theme.IconNameCalendar,
	records.TodayVisitDue:  theme.IconNameAccount,
	records.TodayDraft:     theme.IconNameDocumentCreate,
}

var todayImportance = map[string]widget.Importance{
	records.TodayReturned:  widget.WarningImportance,
	records.TodayOverdue:   widget.DangerImportance,
	records.TodayRiskAlert: widget.DangerImportance,
}

func (s *todayScreen) fillRow(it records.TodayItem, o fyne.CanvasObject) {
	r := o.(*todayRow)
	r.icon.SetResource(theme.Icon(todayIcons[it.Kind]))
	title := it.Title
	if title == "" {
		title = lang.L("today.untitled")
	}
	r.title.SetText(title)
	sub := it.Subtitle
	switch it.Kind {
	case records.TodayReturned:
		sub = lang.L("today.returned_comment", map[string]any{"Comment": it.Comment})
		if len(it.FieldComments) > 0 {
			sub += " " + lang.L("today.field_comments", map[string]any{"Count": len(it.FieldComments)})
		}
	case records.TodayRiskAlert:
		sub = kit.Codes("risk_flag", it.Flags) + " · " + it.Subtitle
	case records.TodayDraft:
		if f, ok := formByKind(it.Form); ok {
			sub = f.label()
		} else {
			sub = lang.L("form." + it.Form)
		}
	}
	r.subtitle.SetText(sub)
	r.kind.SetText(lang.L("today.kind." + it.Kind))
	r.kind.Importance = todayImportance[it.Kind]
	r.kind.Refresh()
	r.date.SetText(kit.DateOf(it.Date)) // returned items carry the instant of the decision
	// The list laid the row out for the template's empty texts.
	r.Refresh()
}

// openTodayItem opens what a Today item is about: the form for drafts and
// returned records (when the app has that form), else the household or
// elder.
func openTodayItem(x *kit.Env, it records.TodayItem) {
	switch it.Kind {
	case records.TodayDraft:
		if f, ok := formByKind(it.Form); ok {
			d, err := x.Store.Draft(x.Ctx(), it.Form, it.RecordID)
			if err != nil {
				x.ShowError("error.read", err)
				return
			}
			openForm(x, f, formRef{RecordID: d.RecordID, SubjectID: d.SubjectID, Draft: &d}, d.Title)
			return
		}
	case records.TodayReturned, records.TodaySpotCheck:
		if f, ok := formByTable(it.RecordTable); ok {
			subject := it.HouseholdID
			if f.subject == subjectElder {
				subject = it.ElderID
			}
			ref := formRef{RecordID: it.RecordID, SubjectID: subject}
			if it.Kind == records.TodayReturned {
				ref.Returned = &it
			}
			openForm(x, f, ref, it.Title)
			return
		}
	}
	switch {
	case it.HouseholdID != "":
		OpenHousehold(x, it.HouseholdID, it.Title)
	case it.ElderID != "":
		OpenElder(x, it.ElderID, it.Title)
	}
}

// OpenToday opens the first item of kind (records.TodayReturned,
// records.TodaySpotCheck, …) of the Today list as tapping it does, and
// reports whether there was one. It is for the screenshot tool and tests.
func OpenToday(x *kit.Env, kind string) bool {
	if !x.Show("today") {
		return false
	}
	items, err := x.Store.Today(x.Ctx(), x.Me)
	if err != nil {
		x.ShowError("error.read", err)
		return false
	}
	for _, it := range items {
		if it.Kind == kind {
			openTodayItem(x, it)
			return true
		}
	}
	return false
}

// overdueSummary returns how many items are overdue re-checks, the date
// of the earliest and the index of the first in items.
func overdueSummary(items []records.TodayItem) (count int, oldest string, first int) {
	first = -1
	for i, it := range items {
		if it.Kind != records.TodayOverdue {
			continue
		}
		if first < 0 {
			first = i
		}
		if oldest == "" || it.Date < oldest {
			oldest = it.Date
		}
		count++
	}
	return count, oldest, first
}
