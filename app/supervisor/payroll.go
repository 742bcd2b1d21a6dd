package supervisor

import (
	"doorstep/app/kit"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk"
	"doorstep/app/desk/roll"
	"doorstep/app/desk/sheet"
)

// monthLayout is how a roll's month is shown and typed: 2025-07.
const monthLayout = "2006-01"

// payrollScreen is the monthly payout roll (低保金发放花名册) of a street:
// one row per household paid, with base benefit, top-ups, price subsidy,
// back pay (补发), recovery (追回) and total; the totals of each community
// and of the street; closing the month; XLSX and CSV export. A closed roll
// is read-only.
type payrollScreen struct {
	x       *kit.Env
	root    fyne.CanvasObject
	street  *widget.Select
	streets []desk.Place
	month   *widget.Select
	months  []roll.Month
	status  *widget.Label
	closeB  *widget.Button
	msg     *widget.Label
	totals  *fyne.Container
	list    *widget.List
	rows    *payeeRows
	roll    roll.Roll
	payees  []roll.Payee
	ready   bool

	// confirm asks before closing; tests replace it.
	confirm func(title, message string, ok func())
}

// payrollColumns are the columns of a payee row, as desk.col keys; see
// payeeRows for how they are laid out.
var payrollColumns = []string{"desk.col.community", "desk.col.payee", "desk.field.people", "desk.col.base",
	"desk.col.topup", "desk.col.subsidy", "desk.col.back_pay", "desk.col.recovery", "desk.col.total"}

// NewPayroll returns the payout roll screen.
func NewPayroll(x *kit.Env) kit.Screen {
	s := &payrollScreen{x: x}
	s.confirm = func(title, message string, ok func()) {
		dialog.ShowConfirm(title, message, func(yes bool) {
			if yes {
				ok()
			}
		}, x.Win)
	}
	s.street = widget.NewSelect(nil, func(string) { s.loadMonths() })
	s.street.PlaceHolder = lang.L("desk.roll.street")
	s.month = widget.NewSelect(nil, func(string) { s.load() })
	s.month.PlaceHolder = lang.L("desk.roll.month")
	s.status = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.status.Wrapping = fyne.TextWrapWord
	s.closeB = widget.NewButton(lang.L("desk.roll.close"), s.askClose)
	s.closeB.Importance = widget.HighImportance
	s.msg = widget.NewLabel("")
	s.msg.Importance = widget.DangerImportance
	s.msg.Wrapping = fyne.TextWrapWord
	s.msg.Hide()
	s.totals = container.NewVBox()
	s.rows = newPayeeRows(func() []roll.Payee { return s.payees }, func(p roll.Payee) {
		if err := OpenPage(x, PageBenefits, p.HouseholdID); err != nil {
			x.ShowError("desk.err.load", err)
		}
	})
	s.list = s.rows.list
	export := exportButtons(x, "roll", func() []sheet.Sheet {
		if s.roll.StreetID == "" {
			return nil
		}
		return []sheet.Sheet{s.roll.Sheet()}
	})
	top := container.NewVBox(
		container.NewGridWithColumns(2, s.street, s.month),
		// The status beside the buttons keeps a readable width (a border
		// layout squeezed it to a column one character wide in portrait),
		// or goes over them when they do not fit beside it.
		kit.NewTrailing(s.status, container.NewHBox(export, s.closeB)),
		s.msg,
		kit.Section("desk.roll.totals", s.totals),
	)
	s.root = kit.NewHeaderOver(top, s.rows.body)
	return s
}

// payeeCells is one payee's row as shown.
func payeeCells(p roll.Payee) []string {
	money := func(fen int64) string {
		if fen == 0 {
			return ""
		}
		return kit.Money(fen)
	}
	return []string{p.Community, p.Head, strconv.Itoa(p.Covered), money(p.BaseFen), money(p.TopUpFen),
		money(p.SubsidyFen), money(p.BackPayFen), money(p.RecoveryFen), kit.Money(p.TotalFen())}
}

func (s *payrollScreen) Content() fyne.CanvasObject { return s.root }

func (s *payrollScreen) Reload() {
	if !s.ready {
		streets, err := office(s.x).Streets(s.x.Ctx())
		if err != nil {
			s.x.ShowError("desk.err.load", err)
			return
		}
		s.streets = streets
		opts := make([]string, len(streets))
		for i, st := range streets {
			opts[i] = st.Name
		}
		s.street.Options = opts
		s.ready = true
		if len(streets) > 0 {
			s.street.SetSelectedIndex(0) // loads the months and the roll
			return
		}
	}
	s.load()
}

func (s *payrollScreen) streetID() string {
	if i := s.street.SelectedIndex(); i >= 0 && i < len(s.streets) {
		return s.streets[i].ID
	}
	return ""
}

// loadMonths lists the street's closed months and its next open one, and
// shows the next open month's roll.
func (s *payrollScreen) loadMonths() {
	ms, err := roll.Months(s.x.Ctx(), office(s.x), s.streetID())
	if err != nil {
		s.x.ShowError("desk.err.load", err)
		return
	}
	s.months = ms
	opts := make([]string, len(ms))
	for i, m := range ms {
		key := "desk.roll.month_open"
		if m.Closed {
			key = "desk.roll.month_closed"
		}
		opts[i] = lang.L(key, map[string]any{"Month": m.Month.Format(monthLayout)})
	}
	cb := s.month.OnChanged
	s.month.OnChanged = nil
	s.month.Options = opts
	s.month.ClearSelected()
	s.month.OnChanged = cb
	if len(ms) > 0 {
		s.month.SetSelectedIndex(0)
	} else {
		s.load()
	}
}

// selected returns the month chosen.
func (s *payrollScreen) selected() (roll.Month, bool) {
	if i := s.month.SelectedIndex(); i >= 0 && i < len(s.months) {
		return s.months[i], true
	}
	return roll.Month{}, false
}

// load shows the chosen month's roll.
func (s *payrollScreen) load() {
	m, ok := s.selected()
	if !ok || s.streetID() == "" {
		s.roll, s.payees = roll.Roll{}, nil
		s.show()
		return
	}
	r, err := roll.View(s.x.Ctx(), office(s.x), s.streetID(), m.Month)
	if err != nil {
		s.x.ShowError("desk.err.load", err)
		return
	}
	s.roll, s.payees = r, r.Payees()
	s.msg.Hide()
	s.show()
}

// show lays out the roll's status, totals and rows.
func (s *payrollScreen) show() {
	r := s.roll
	s.totals.Objects = nil
	switch {
	case r.StreetID == "":
		s.status.SetText("")
		s.closeB.Hide()
	case r.Closed:
		s.status.Importance = widget.SuccessImportance
		s.status.SetText(lang.L("desk.roll.closed_status", map[string]any{"Month": r.Month.Format(monthLayout),
			"On": localTime(r.ClosedOn)}))
		s.closeB.Hide()
	default:
		s.status.Importance = widget.WarningImportance
		s.status.SetText(lang.L("desk.roll.open_status", map[string]any{"Month": r.Month.Format(monthLayout)}))
		m, _ := s.selected()
		s.closeB.Show()
		if m.Next {
			s.closeB.Enable()
		} else {
			s.closeB.Disable()
		}
	}
	if r.StreetID != "" {
		for _, c := range r.ByCommunity() {
			s.totals.Add(totalsRow(c.Community, c.Totals, false))
		}
		s.totals.Add(totalsRow(r.Street, r.Totals(), true))
	}
	s.totals.Refresh()
	s.rows.changed()
}

// totalsRow is one community's (or, bold, the street's) totals.
func totalsRow(name string, t roll.Totals, bold bool) *widget.Label {
	text := lang.L("desk.roll.totals_line", map[string]any{"Name": name, "Households": t.Households, "People": t.People,
		"Benefit": kit.Money(t.BaseFen + t.TopUpFen), "Subsidy": kit.Money(t.SubsidyFen),
		"BackPay": kit.Money(t.BackPayFen), "Recovery": kit.Money(t.RecoveryFen), "Total": kit.Money(t.TotalFen)})
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: bold})
	l.Wrapping = fyne.TextWrapWord
	return l
}

// askClose asks for confirmation, then closes the month.
func (s *payrollScreen) askClose() {
	r := s.roll
	if r.StreetID == "" || r.Closed {
		return
	}
	t := r.Totals()
	s.confirm(lang.L("desk.roll.close"), lang.L("desk.roll.close_confirm", map[string]any{
		"Month": r.Month.Format(monthLayout), "Street": r.Street, "Households": t.Households,
		"Total": kit.Money(t.TotalFen)}), s.close)
}

// close closes the shown month: its roll is stored and never changes.
func (s *payrollScreen) close() {
	month := s.roll.Month
	if _, err := roll.Close(s.x.Ctx(), office(s.x), s.roll.StreetID, month, ""); err != nil {
		deskError(s.x, "desk.err.save", err, s.msg)
		return
	}
	s.x.DataChanged()
	s.loadMonths()
	// Show the month just closed, now read-only.
	for i, m := range s.months {
		if m.Closed && m.Month.Equal(month) {
			s.month.SetSelectedIndex(i)
		}
	}
}
