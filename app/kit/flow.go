package kit

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// WrapLabel returns a label whose text wraps at word boundaries (and
// between CJK characters) instead of widening its container: for
// sentences, names lists and values that may be long at a large text size.
func WrapLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// FlowLayout places its objects left to right at their minimum sizes and
// starts a new row when the next one does not fit: a row of buttons or
// short facts that wraps on a narrow screen or at a large text size
// instead of running past the edge. Use a pointer (NewFlow does): it
// remembers the width it was last laid out at, to report its height there.
type FlowLayout struct {
	width float32
}

// NewFlow returns a container flowing objs in rows.
func NewFlow(objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(&FlowLayout{}, objs...)
}

// rows places the visible objects in rows no wider than width; place is
// called for each with its position and size. It returns the total
// height.
func (l *FlowLayout) rows(objs []fyne.CanvasObject, width float32, place func(fyne.CanvasObject, fyne.Position, fyne.Size)) float32 {
	pad := theme.Padding()
	var x, y, rowH float32
	first := true
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		w := fyne.Min(m.Width, width)
		if !first && x+w > width+0.5 {
			x, y, rowH = 0, y+rowH+pad, 0
		}
		if place != nil {
			place(o, fyne.NewPos(x, y), fyne.NewSize(w, m.Height))
		}
		x += w + pad
		rowH = fyne.Max(rowH, m.Height)
		first = false
	}
	return y + rowH
}

// Layout places the objects in rows as wide as size.
func (l *FlowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	l.rows(objs, size.Width, func(o fyne.CanvasObject, p fyne.Position, s fyne.Size) {
		o.Move(p)
		o.Resize(s)
	})
}

// MinSize is as wide as the widest object and as tall as the rows at the
// width last laid out (one row before the first layout).
func (l *FlowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m := measure(objs)
	if m.n == 0 {
		return fyne.Size{}
	}
	width := l.width
	if width <= 0 {
		width = m.width + m.gaps()
	}
	return fyne.NewSize(m.widest, l.rows(objs, fyne.Max(width, m.widest), nil))
}

// TrailingLayout puts a trailing object (a button, an amount, a status)
// at the end of a main one when both fit side by side, and below it,
// aligned to the start, when the space is narrower: in portrait or at a
// large text size the main text keeps a readable width instead of being
// squeezed or clipped. Use a pointer (NewTrailing does).
type TrailingLayout struct {
	// MainEms is the least width, in text heights, the main object keeps
	// beside the trailing one; zero means its natural width (a label's
	// text on one line) up to 12 text heights.
	MainEms float32
	width   float32
}

// NewTrailing returns a container of main with trailing at its end or
// below it.
func NewTrailing(main, trailing fyne.CanvasObject) *fyne.Container {
	return container.New(&TrailingLayout{}, main, trailing)
}

// mainWidth is the width main needs beside the trailing object.
func (l *TrailingLayout) mainWidth(main fyne.CanvasObject) float32 {
	if l.MainEms > 0 {
		return fyne.Max(main.MinSize().Width, l.MainEms*theme.TextSize())
	}
	want := main.MinSize().Width
	if lb, ok := main.(*widget.Label); ok && lb.Wrapping != fyne.TextWrapOff {
		size := theme.TextSize()
		if lb.SizeName != "" {
			size = theme.Size(lb.SizeName)
		}
		want = fyne.MeasureText(lb.Text, size, lb.TextStyle).Width + 2*theme.InnerPadding()
	}
	return fyne.Max(main.MinSize().Width, fyne.Min(want, 12*theme.TextSize()))
}

// beside reports whether the two objects fit side by side in width.
func (l *TrailingLayout) beside(objs []fyne.CanvasObject, width float32) bool {
	if !objs[1].Visible() {
		return true
	}
	return l.mainWidth(objs[0])+theme.Padding()+objs[1].MinSize().Width <= width
}

// Layout places the two objects side by side or one over the other.
func (l *TrailingLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	main, trail := objs[0], objs[1]
	tm := trail.MinSize()
	if l.beside(objs, size.Width) {
		mw := size.Width
		if trail.Visible() {
			mw -= tm.Width + theme.Padding()
		}
		main.Move(fyne.Position{})
		main.Resize(fyne.NewSize(mw, size.Height))
		trail.Move(fyne.NewPos(size.Width-tm.Width, (size.Height-tm.Height)/2))
		trail.Resize(tm)
		return
	}
	mh := heightAt(main, size.Width)
	main.Move(fyne.Position{})
	main.Resize(fyne.NewSize(size.Width, mh))
	trail.Move(fyne.NewPos(0, mh+theme.Padding()))
	trail.Resize(fyne.NewSize(fyne.Min(tm.Width, size.Width), tm.Height))
}

// MinSize is the wider of the two objects, and their height side by side
// or stacked at the width last laid out.
func (l *TrailingLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	mm, tm := objs[0].MinSize(), objs[1].MinSize()
	if !objs[1].Visible() {
		return mm
	}
	w := fyne.Max(mm.Width, tm.Width)
	if l.width <= 0 || l.beside(objs, l.width) {
		return fyne.NewSize(w, fyne.Max(mm.Height, tm.Height))
	}
	return fyne.NewSize(w, mm.Height+theme.Padding()+tm.Height)
}

// WrapHeading returns a bold label that wraps like WrapLabel.
func WrapHeading(text string) *widget.Label {
	l := Heading(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// GridLayout is a grid of at most Columns equal columns, fewer when the
// space is too narrow for every object at its minimum width: filters in a
// row in landscape, in two rows in portrait or at a large text size.
type GridLayout struct {
	// Columns is the most columns.
	Columns int
	width   float32
}

// NewGrid returns a container laying objs out in at most cols columns.
func NewGrid(cols int, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(&GridLayout{Columns: cols}, objs...)
}

// columns is how many columns fit in width.
func (l *GridLayout) columns(objs []fyne.CanvasObject, width float32) int {
	var w float32
	for _, o := range objs {
		w = fyne.Max(w, o.MinSize().Width)
	}
	n := int((width + theme.Padding()) / (w + theme.Padding()))
	return max(1, min(n, l.Columns, len(objs)))
}

// grid calls place for each object with its cell at width and returns
// the height.
func (l *GridLayout) grid(objs []fyne.CanvasObject, width float32, place func(fyne.CanvasObject, fyne.Position, fyne.Size)) float32 {
	pad := theme.Padding()
	cols := l.columns(objs, width)
	cw := (width - pad*float32(cols-1)) / float32(cols)
	var y, rowH float32
	for i, o := range objs {
		c := i % cols
		if c == 0 && i > 0 {
			y += rowH + pad
			rowH = 0
		}
		rowH = fyne.Max(rowH, o.MinSize().Height)
		if place != nil {
			place(o, fyne.NewPos(float32(c)*(cw+pad), y), fyne.NewSize(cw, o.MinSize().Height))
		}
	}
	return y + rowH
}

// Layout places the objects in rows of cells.
func (l *GridLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	l.grid(objs, size.Width, func(o fyne.CanvasObject, p fyne.Position, s fyne.Size) {
		o.Move(p)
		o.Resize(s)
	})
}

// MinSize is one column as wide as the widest object, as tall as the rows
// at the width last laid out (one row before the first layout).
func (l *GridLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w float32
	for _, o := range objs {
		w = fyne.Max(w, o.MinSize().Width)
	}
	width := l.width
	if width <= 0 {
		width = float32(len(objs)) * (w + theme.Padding())
	}
	return fyne.NewSize(w, l.grid(objs, fyne.Max(width, w), nil))
}

// NewWrapCheck returns a check box whose text wraps (a long option in a
// narrow form column) and the object to show: the box, its text beside
// it. Tapping the text toggles the box, as tapping a check box's own text
// does.
func NewWrapCheck(text string, changed func(bool)) (*widget.Check, fyne.CanvasObject) {
	c := widget.NewCheck("", changed)
	l := &checkText{check: c}
	l.Text = text
	l.Wrapping = fyne.TextWrapWord
	l.ExtendBaseWidget(l)
	return c, container.NewBorder(nil, nil, c, nil, l)
}

// checkText is the wrapping text of a check box made by NewWrapCheck.
type checkText struct {
	widget.Label
	check *widget.Check
}

// Tapped toggles the check box.
func (t *checkText) Tapped(*fyne.PointEvent) {
	if !t.check.Disabled() {
		t.check.SetChecked(!t.check.Checked)
	}
}

// MinSize is at least a tap target tall.
func (t *checkText) MinSize() fyne.Size {
	return t.Label.MinSize().Max(fyne.NewSize(0, MinTarget))
}
