package supervisor

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"doorstep/app/desk/roll"
)

// The columns of a payee row, indexes into payrollColumns.
const (
	colCommunity = iota
	colPayee
	colPeople
	colBase  // the first amount; colTotal is the last
	colTotal = 8
)

// noAmount is what a card shows for an amount the payee is not paid.
const noAmount = "—"

// payeeRows shows a roll's payees as wide as the screen allows: a table
// whose columns are each as wide as their widest cell, header included,
// when they all fit; otherwise a card a household, with the payee, the
// community, the people covered and the total on its first line and the
// amounts, each under its caption's name, in as many columns as fit. So
// no amount is cut, at any text size, in either orientation.
type payeeRows struct {
	payees func() []roll.Payee
	header *fyne.Container
	list   *widget.List
	body   *fyne.Container

	cards bool // laid out as cards
	cols  int  // the cards' amount columns

	// Measured over every payee (not only the rows on screen) at the text
	// size textSize; stale when the payees change.
	widths   []float32 // a table column's widest cell
	pairW    float32   // a card's widest caption and amount
	textSize float32
	stale    bool
}

// newPayeeRows returns the rows of payees; onSelected is called with the
// payee a row was tapped on.
func newPayeeRows(payees func() []roll.Payee, onSelected func(roll.Payee)) *payeeRows {
	r := &payeeRows{payees: payees, stale: true}
	r.header = container.New(&payeeRowLayout{r: r, header: true})
	for i, k := range payrollColumns {
		l := widget.NewLabelWithStyle(lang.L(k), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		if i >= colPeople {
			l.Alignment = fyne.TextAlignTrailing
		}
		r.header.Add(l)
	}
	r.list = widget.NewList(func() int { return len(r.payees()) }, r.newRow, func(id widget.ListItemID, o fyne.CanvasObject) {
		if ps := r.payees(); id >= 0 && id < len(ps) {
			r.bind(ps[id], o.(*fyne.Container))
		}
	})
	// A row opens the household's benefit history (suspend, resume).
	r.list.OnSelected = func(id widget.ListItemID) {
		r.list.Unselect(id)
		if ps := r.payees(); id >= 0 && id < len(ps) {
			onSelected(ps[id])
		}
	}
	r.body = container.New(payrollBodyLayout{r}, r.header, r.list)
	return r
}

// newRow is a row's template: the cells of payrollColumns, then their
// captions (shown on cards only).
func (r *payeeRows) newRow() fyne.CanvasObject {
	row := container.New(&payeeRowLayout{r: r})
	for range payrollColumns {
		row.Add(widget.NewLabel(""))
	}
	for _, k := range payrollColumns {
		row.Add(widget.NewLabel(lang.L(k)))
	}
	r.style(row)
	return row
}

// style sets a row's cells for the current layout: a table right-aligns
// its numbers; a card puts the payee and total in bold, shows the
// captions of the people and amounts, and may shorten the community's
// name (never a number) when its first line is too narrow.
func (r *payeeRows) style(row *fyne.Container) {
	for i := range payrollColumns {
		l := row.Objects[i].(*widget.Label)
		l.TextStyle.Bold = r.cards && (i == colPayee || i == colTotal)
		l.Alignment = fyne.TextAlignLeading
		if !r.cards && i >= colPeople {
			l.Alignment = fyne.TextAlignTrailing
		}
		l.Truncation = fyne.TextTruncateOff
		if r.cards && i == colCommunity {
			l.Truncation = fyne.TextTruncateEllipsis
		}
		key := row.Objects[len(payrollColumns)+i]
		if r.cards && i >= colPeople {
			key.Show()
		} else {
			key.Hide()
		}
	}
}

// bind shows payee p on row.
func (r *payeeRows) bind(p roll.Payee, row *fyne.Container) {
	r.style(row)
	for i, v := range r.cells(p) {
		row.Objects[i].(*widget.Label).SetText(v)
	}
	row.Layout.Layout(row.Objects, row.Size()) // a card's cells are as wide as their text
}

// cells are p's row as shown: an amount not paid is empty in the table
// and a dash on a card.
func (r *payeeRows) cells(p roll.Payee) []string {
	c := payeeCells(p)
	if r.cards {
		for i := colBase; i < colTotal; i++ {
			if c[i] == "" {
				c[i] = noAmount
			}
		}
	}
	return c
}

// changed is called when the payees change.
func (r *payeeRows) changed() {
	r.stale = true
	r.body.Refresh()
	r.list.Refresh()
}

// measure measures every column's widest cell and a card's widest
// caption with its amount, unless done already for these payees at this
// text size.
func (r *payeeRows) measure() {
	size := theme.TextSize()
	if !r.stale && r.textSize == size {
		return
	}
	r.stale, r.textSize = false, size
	pad := 2 * theme.InnerPadding()
	width := func(s string, bold bool) float32 {
		return fyne.MeasureText(s, size, fyne.TextStyle{Bold: bold}).Width + pad
	}
	r.widths = make([]float32, len(payrollColumns))
	amounts := make([]float32, len(payrollColumns)) // an amount's widest value on a card
	for i, k := range payrollColumns {
		r.widths[i] = width(lang.L(k), true)
		amounts[i] = width(noAmount, false)
	}
	for _, p := range r.payees() {
		for i, v := range payeeCells(p) {
			w := width(v, false)
			r.widths[i] = max(r.widths[i], w)
			amounts[i] = max(amounts[i], w)
		}
	}
	r.pairW = 0
	for i := colBase; i < colTotal; i++ {
		r.pairW = max(r.pairW, width(lang.L(payrollColumns[i]), false)+amounts[i])
	}
}

// tableWidth is the width the table needs.
func (r *payeeRows) tableWidth() float32 {
	var w float32
	for _, c := range r.widths {
		w += c
	}
	return w
}

// fit chooses the table or cards, and the cards' columns, for width w.
func (r *payeeRows) fit(w float32) {
	r.measure()
	cards, cols := w < r.tableWidth(), 0
	if cards {
		pad := theme.Padding()
		cols = max(1, min(colTotal-colBase, int((w+pad)/(r.pairW+pad))))
	}
	if cards == r.cards && cols == r.cols {
		return
	}
	r.cards, r.cols = cards, cols
	r.list.Refresh() // new rows from the template, at the new height
}

// payrollBodyLayout lays out [header, list]: it picks the table or cards
// for its width, shows the header over a table only, and gives the list
// the rest.
type payrollBodyLayout struct{ r *payeeRows }

func (l payrollBodyLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.r.fit(size.Width)
	header, list := objs[0], objs[1]
	var top float32
	if l.r.cards {
		header.Hide()
	} else {
		header.Show()
		top = header.MinSize().Height
		header.Move(fyne.Position{})
		header.Resize(fyne.NewSize(size.Width, top))
	}
	list.Move(fyne.NewPos(0, top))
	list.Resize(fyne.NewSize(size.Width, size.Height-top))
}

func (l payrollBodyLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := objs[1].MinSize()
	if objs[0].Visible() {
		s.Height += objs[0].MinSize().Height
	}
	return s
}

// payeeRowLayout lays out a payee row (or, header, the table's header):
// the cells of payrollColumns, then their captions.
type payeeRowLayout struct {
	r      *payeeRows
	header bool
}

func (l *payeeRowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) < l.parts() {
		return // being built
	}
	if l.header || !l.r.cards {
		l.table(objs, size)
		return
	}
	n := len(payrollColumns)
	cell, key := objs[:n], objs[n:]
	place := func(o fyne.CanvasObject, x, y, w float32) float32 {
		o.Move(fyne.NewPos(x, y))
		o.Resize(fyne.NewSize(w, o.MinSize().Height))
		return x + w
	}
	at := func(o fyne.CanvasObject) float32 { return o.MinSize().Width }
	// First line: payee, community, people, and the total at the end.
	line := l.lineHeight(objs)
	totalW := at(key[colTotal]) + at(cell[colTotal])
	place(cell[colTotal], place(key[colTotal], size.Width-totalW, 0, at(key[colTotal])), 0, at(cell[colTotal]))
	x := place(cell[colPayee], 0, 0, at(cell[colPayee]))
	people := at(key[colPeople]) + at(cell[colPeople])
	community := fyne.Max(0, fyne.Min(textWidth(cell[colCommunity].(*widget.Label)), size.Width-totalW-people-x))
	if community < cell[colCommunity].MinSize().Width {
		community = 0 // too narrow even for an ellipsis: left out
	}
	x = place(cell[colCommunity], x, 0, community)
	place(cell[colPeople], place(key[colPeople], x, 0, at(key[colPeople])), 0, at(cell[colPeople]))
	// The amounts in cols columns, each caption at its column's start
	// and its amount at the column's end.
	pad := theme.Padding()
	step := line - theme.InnerPadding() // lines closer than a label's padding apart
	cols := max(1, l.r.cols)
	colW := (size.Width - pad*float32(cols-1)) / float32(cols)
	for k := range colTotal - colBase {
		i := colBase + k
		x0 := float32(k%cols) * (colW + pad)
		y := step * float32(1+k/cols)
		amount := at(cell[i])
		place(key[i], x0, y, fyne.Max(0, fyne.Min(at(key[i]), colW-amount)))
		place(cell[i], x0+fyne.Max(0, colW-amount), y, amount)
	}
}

// textWidth is the width label needs to show its text whole.
func textWidth(l *widget.Label) float32 {
	return fyne.MeasureText(l.Text, theme.TextSize(), l.TextStyle).Width + 2*theme.InnerPadding()
}

// lineHeight is the height of a line of cells.
func (l *payeeRowLayout) lineHeight(objs []fyne.CanvasObject) float32 {
	var h float32
	for _, o := range objs {
		h = fyne.Max(h, o.MinSize().Height)
	}
	return h
}

// table places the cells in the columns' measured widths, what is left
// shared among them; captions are hidden.
func (l *payeeRowLayout) table(objs []fyne.CanvasObject, size fyne.Size) {
	ws := l.r.widths
	if len(ws) != len(payrollColumns) {
		return // not measured yet
	}
	extra := fyne.Max(0, size.Width-l.r.tableWidth()) / float32(len(ws))
	var x float32
	for i, w := range ws {
		objs[i].Move(fyne.NewPos(x, 0))
		objs[i].Resize(fyne.NewSize(w+extra, size.Height))
		x += w + extra
	}
}

// parts is the number of objects the layout expects.
func (l *payeeRowLayout) parts() int {
	if l.header {
		return len(payrollColumns)
	}
	return 2 * len(payrollColumns)
}

func (l *payeeRowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	line := l.lineHeight(objs)
	if l.header || !l.r.cards {
		return fyne.NewSize(0, line)
	}
	rows := (colTotal - colBase + max(1, l.r.cols) - 1) / max(1, l.r.cols)
	return fyne.NewSize(l.r.pairW, line+(line-theme.InnerPadding())*float32(rows))
}
