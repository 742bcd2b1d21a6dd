package supervisor

import (
	"doorstep/app/kit"
	"fmt"
	"image/color"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk"
	"doorstep/app/desk/report"
	"doorstep/app/desk/sheet"
)

// reportsScreen computes the district report for a period and area: the
// 低保 figures (paid in the period from the payout rolls), elders
// screened, volunteer visits and paired elders, care institutions,
// medical assistance and "三小" activities,
// with bar charts, and exports it.
type reportsScreen struct {
	x      *kit.Env
	root   fyne.CanvasObject
	places *placeSelects
	from   *widget.Entry
	to     *widget.Entry
	msg    *widget.Label
	body   *fyne.Container
	rep    *report.Report
	ready  bool
}

// NewReports returns the reports screen: the period's figures and charts
// for the chosen area, with export.
func NewReports(x *kit.Env) kit.Screen {
	s := &reportsScreen{x: x, body: container.NewVBox()}
	s.places = newPlaceSelects(x, s.run)
	from, to := lastHalfYear(office(x).Today())
	s.from, s.to = dateField(x, from), dateField(x, to)
	s.msg = widget.NewLabel("")
	s.msg.Importance = widget.DangerImportance
	s.msg.Hide()
	run := widget.NewButton(lang.L("desk.report.run"), s.run)
	run.Importance = widget.HighImportance
	period := container.NewBorder(nil, nil, widget.NewLabel(lang.L("desk.period")), run,
		container.NewGridWithColumns(2, s.from, s.to))
	// The places and the period side by side when wide, stacked when
	// narrow (portrait at large text), so the dates keep their width.
	top := container.NewVBox(container.New(&kit.ColumnsLayout{MinColumn: 420}, s.places.object(), period),
		container.NewBorder(nil, nil, nil, exportButtons(x, "report", s.sheets), s.msg))
	s.root = container.NewBorder(top, nil, nil, nil, container.NewVScroll(s.body))
	return s
}

func (s *reportsScreen) Content() fyne.CanvasObject { return s.root }

// lastHalfYear returns the last half-year (January–June or July–December)
// that ended before today: the period a half-year report covers.
func lastHalfYear(today time.Time) (from, to time.Time) {
	y := today.Year()
	if today.Month() >= time.July {
		return time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC), time.Date(y, time.June, 30, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(y-1, time.July, 1, 0, 0, 0, 0, time.UTC), time.Date(y-1, time.December, 31, 0, 0, 0, 0, time.UTC)
}

func (s *reportsScreen) Reload() {
	if !s.ready {
		s.places.load()
		s.ready = true
	}
	s.run()
}

func (s *reportsScreen) sheets() []sheet.Sheet {
	if s.rep == nil {
		return nil
	}
	return s.rep.Sheets()
}

// run computes the report for the chosen period and area.
func (s *reportsScreen) run() {
	if s.from == nil {
		return
	}
	from, ok1 := parseDateField(s.from)
	to, ok2 := parseDateField(s.to)
	if !ok1 || !ok2 {
		s.msg.SetText(lang.L("desk.err.period"))
		s.msg.Show()
		return
	}
	r, err := report.Compute(s.x.Ctx(), office(s.x), report.Params{Area: s.places.area(),
		Period: desk.Period{From: from, To: to}})
	if err != nil {
		deskError(s.x, "desk.err.load", err, s.msg)
		return
	}
	s.msg.Hide()
	s.rep = &r
	s.show(r)
}

// show lays out the figures and charts.
func (s *reportsScreen) show(r report.Report) {
	d, e, v, a := r.Dibao, r.Elders, r.Volunteers, r.Activities
	tiles := tileGrid(kit.TileSize(),
		tile("desk.report.households", strconv.Itoa(d.Households)),
		tile("desk.report.people", strconv.Itoa(d.People)),
		tile("desk.report.monthly_payout", kit.Money(d.MonthlyPayoutFen)),
		tile("desk.report.per_person", kit.Money(d.PerPersonFen())),
		tile("desk.report.added_cancelled", fmt.Sprintf("+%d / −%d", d.Added, d.Cancelled)),
		tile("desk.report.price_subsidy", kit.Money(d.PriceSubsidyFen)),
		tile("desk.report.price_subsidy_monthly", kit.Money(d.PriceSubsidyMonthlyFen)),
		tile("desk.report.paid_rolls", lang.L("desk.report.paid_months", map[string]any{
			"Amount": kit.Money(d.PaidFen), "Months": d.Months})),
		tile("desk.report.elders_screened", strconv.Itoa(e.Screened)),
		tile("desk.report.monetary_care", strconv.Itoa(e.MonetaryCare)),
		tile("desk.report.home_care", strconv.Itoa(e.HomeCare)),
		tile("desk.report.paired_elders", strconv.Itoa(v.Pairings)),
		tile("desk.report.volunteer_visits", lang.L("desk.report.visits_hours", map[string]any{
			"Visits": v.Visits, "Hours": fmt.Sprintf("%.1f", v.Hours)})),
		tile("desk.report.activities", lang.L("desk.report.activities_people", map[string]any{
			"Count": a.Count, "People": a.PersonTimes})),
	)
	in, m := r.Institutions, r.Medical
	care := tileGrid(fyne.NewSize(200, 84),
		tile("desk.report.institutions", lang.L("desk.report.public_private", map[string]any{
			"Count": in.Count, "Public": in.Public, "Private": in.Private})),
		tile("desk.report.beds", strconv.Itoa(in.Beds)),
		tile("desk.report.residents", strconv.Itoa(in.Residents)),
		tile("desk.report.occupancy", strconv.Itoa(in.OccupancyPct())),
		tile("desk.report.institution_staff", strconv.Itoa(in.Staff)),
		tile("desk.report.institution_assets", kit.Money(in.AssetsFen)),
		tile("desk.report.institutions_assessed", strconv.Itoa(in.Assessed)),
		tile("desk.report.awards", kit.Money(in.AwardFen)),
		tile("desk.report.medical_cases", lang.L("desk.report.cases_people", map[string]any{
			"Cases": m.Cases, "People": m.People})),
		tile("desk.report.medical_amount", kit.Money(m.AmountFen)),
	)
	causes := make([]bar, len(m.ByCause))
	for i, c := range m.ByCause {
		causes[i] = bar{kit.Code("medical_cause", c.Code), float64(c.N), strconv.Itoa(c.N)}
	}
	places := make([]bar, len(r.Places))
	for i, p := range r.Places {
		places[i] = bar{p.Name, float64(p.Households), strconv.Itoa(p.Households)}
	}
	reasons := make([]bar, len(d.CancelReasons))
	for i, c := range d.CancelReasons {
		reasons[i] = bar{kit.Code("cancel_reason", c.Code), float64(c.N), strconv.Itoa(c.N)}
	}
	grades := make([]bar, len(e.ByGrade))
	for i, g := range e.ByGrade {
		grades[i] = bar{deskText(g.Code), float64(g.N), strconv.Itoa(g.N)}
	}
	groups := make([]bar, len(e.ByGroup))
	for i, g := range e.ByGroup {
		groups[i] = bar{lang.L("desk.care_group." + g.Code), float64(g.N), strconv.Itoa(g.N)}
	}
	modes := make([]bar, len(v.ByMode))
	for i, m := range v.ByMode {
		modes[i] = bar{kit.Code("pairing_mode", m.Code), m.Hours, lang.L("desk.report.visits_hours", map[string]any{
			"Visits": m.Visits, "Hours": fmt.Sprintf("%.1f", m.Hours)})}
	}
	kinds := make([]bar, len(a.ByKind))
	for i, k := range a.ByKind {
		kinds[i] = bar{kit.Code("activity_kind", k.Code), float64(k.PersonTimes), lang.L("desk.report.activities_people",
			map[string]any{"Count": k.Count, "People": k.PersonTimes})}
	}
	charts := container.New(kit.ColumnsLayout{MinColumn: 420},
		chartCard("desk.report.chart.places", places),
		chartCard("desk.report.chart.cancel_reasons", reasons),
		chartCard("desk.report.chart.grades", grades),
		chartCard("desk.report.chart.care_groups", groups),
		chartCard("desk.report.chart.modes", modes),
		chartCard("desk.report.chart.activities", kinds),
		chartCard("desk.report.sheet.medical_causes", causes),
	)
	s.body.Objects = []fyne.CanvasObject{tiles, kit.Section("desk.report.care_medical", care), charts}
	s.body.Refresh()
}

// tileGrid lays tiles out in rows of cells of size, grown to the largest
// tile's minimum so that no figure is cut at a large text size.
func tileGrid(size fyne.Size, tiles ...fyne.CanvasObject) *fyne.Container {
	for _, t := range tiles {
		size = size.Max(t.MinSize())
	}
	return container.NewGridWrap(size, tiles...)
}

// tile is one headline figure.
func tile(key, value string) fyne.CanvasObject {
	v := widget.NewLabelWithStyle(value, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.SizeName = theme.SizeNameSubHeadingText
	l := caption(lang.L(key))
	l.Wrapping = fyne.TextWrapOff
	l.Truncation = fyne.TextTruncateEllipsis
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	return container.NewStack(bg, container.NewVBox(l, v))
}

func chartCard(titleKey string, bars []bar) fyne.CanvasObject {
	if len(bars) == 0 {
		return kit.Section(titleKey, widget.NewLabel(lang.L("desk.report.no_data")))
	}
	return kit.Section(titleKey, newBarChart(bars))
}

// bar is one bar of a chart: its label, length and the text at its end.
type bar struct {
	label string
	value float64
	text  string
}

// barChart draws horizontal bars with canvas rectangles and texts: labels
// in a column on the left, bars scaled to the largest value, the value's
// text after each bar.
type barChart struct {
	widget.BaseWidget
	bars []bar
}

func newBarChart(bars []bar) *barChart {
	c := &barChart{bars: bars}
	c.ExtendBaseWidget(c)
	return c
}

func (c *barChart) CreateRenderer() fyne.WidgetRenderer {
	r := &barChartRenderer{c: c}
	fg := theme.Color(theme.ColorNameForeground)
	for i, b := range c.bars {
		label := canvas.NewText(b.label, fg)
		label.Alignment = fyne.TextAlignTrailing
		rect := canvas.NewRectangle(barColor(i))
		rect.CornerRadius = 3
		value := canvas.NewText(b.text, fg)
		r.labels = append(r.labels, label)
		r.rects = append(r.rects, rect)
		r.values = append(r.values, value)
		r.objs = append(r.objs, label, rect, value)
	}
	return r
}

// barColor cycles through the theme's chart colours (kit.ChartColor).
func barColor(i int) color.Color {
	return kit.ChartColor(i)
}

type barChartRenderer struct {
	c              *barChart
	labels, values []*canvas.Text
	rects          []*canvas.Rectangle
	objs           []fyne.CanvasObject
}

const barRowHeight = 26

func (r *barChartRenderer) Layout(size fyne.Size) {
	pad := theme.Padding()
	var labelW, valueW float32
	for i := range r.labels {
		labelW = fyne.Max(labelW, r.labels[i].MinSize().Width)
		valueW = fyne.Max(valueW, r.values[i].MinSize().Width)
	}
	labelW = fyne.Min(labelW, size.Width*0.4) + pad
	maxV := 0.0
	for _, b := range r.c.bars {
		maxV = max(maxV, b.value)
	}
	room := size.Width - labelW - valueW - 3*pad
	for i, b := range r.c.bars {
		y := float32(i) * barRowHeight
		th := r.labels[i].MinSize().Height
		r.labels[i].Move(fyne.NewPos(pad, y+(barRowHeight-th)/2))
		r.labels[i].Resize(fyne.NewSize(labelW, th))
		w := float32(0)
		if maxV > 0 && room > 0 {
			w = room * float32(b.value/maxV)
		}
		r.rects[i].Move(fyne.NewPos(labelW+pad, y+4))
		r.rects[i].Resize(fyne.NewSize(fyne.Max(w, 2), barRowHeight-8))
		r.values[i].Move(fyne.NewPos(labelW+2*pad+w, y+(barRowHeight-th)/2))
		r.values[i].Resize(r.values[i].MinSize())
	}
}

func (r *barChartRenderer) MinSize() fyne.Size {
	var w float32
	for i := range r.labels {
		w = fyne.Max(w, r.labels[i].MinSize().Width+r.values[i].MinSize().Width+80)
	}
	return fyne.NewSize(w, float32(len(r.c.bars))*barRowHeight)
}

func (r *barChartRenderer) Refresh() {
	fg := theme.Color(theme.ColorNameForeground)
	for i := range r.labels {
		r.labels[i].Color, r.values[i].Color = fg, fg
		r.rects[i].FillColor = barColor(i)
		r.labels[i].Refresh()
		r.values[i].Refresh()
		r.rects[i].Refresh()
	}
	r.Layout(r.c.Size())
}

func (r *barChartRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *barChartRenderer) Destroy()                     {}
