package kit

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// Layouts of the form screens: the page (form, results panel, action bar),
// the field grid that wraps to the width, and the label-input-message stack.

// Grid lays fields out in as many columns of at least minCell as the
// form's width allows.
func (k *FormKit) Grid(minCell float32, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(&FlowGrid{MinCell: minCell, Width: &k.width}, objs...)
}

// FlowGrid places its objects in rows of equal columns, as many columns of
// at least minCell as fit; each row is as tall as its tallest cell. The
// number of columns follows *width (the whole form's width, less an
// allowance for the cards around the grid) rather than the grid's own
// width, so that MinSize — asked before the grid is laid out — and Layout
// agree; with no width known it is one column.
type FlowGrid struct {
	// MinCell is the narrowest a cell may be.
	MinCell float32
	// Width points at the width the grid is laid out in.
	Width *float32
	// Inset is the allowance for what surrounds the grid within *width;
	// zero means gridInset (the cards of a form).
	Inset float32
}

// gridInset is the allowance for the padding of the cards and containers
// around a grid: fourteen paddings of the theme (56 at Fyne's default 4).
func gridInset() float32 { return 14 * theme.Padding() }

// cols is the number of columns for the visible cells vis: cells are at
// least minCell wide, and at least as wide as the widest cell needs (a
// horizontal radio group does not shrink).
func (g *FlowGrid) cols(vis []fyne.CanvasObject) int {
	if g.Width == nil || *g.Width <= 0 {
		return 1
	}
	cell := g.MinCell
	for _, o := range vis {
		cell = fyne.Max(cell, o.MinSize().Width)
	}
	pad := theme.Padding()
	inset := g.Inset
	if inset == 0 {
		inset = gridInset()
	}
	n := int((*g.Width - inset + pad) / (cell + pad))
	return min(max(n, 1), max(len(vis), 1))
}

func visibleObjects(objs []fyne.CanvasObject) []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, 0, len(objs))
	for _, o := range objs {
		if o.Visible() {
			out = append(out, o)
		}
	}
	return out
}

// Layout places the cells row by row.
func (g *FlowGrid) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	vis := visibleObjects(objs)
	n := g.cols(vis)
	w := (size.Width - pad*float32(n-1)) / float32(n)
	y := float32(0)
	for i := 0; i < len(vis); i += n {
		row := vis[i:min(i+n, len(vis))]
		h := float32(0)
		for _, o := range row {
			h = fyne.Max(h, o.MinSize().Height)
		}
		for j, o := range row {
			o.Move(fyne.NewPos(float32(j)*(w+pad), y))
			o.Resize(fyne.NewSize(w, h))
		}
		y += h + pad
	}
}

// MinSize is the height of the rows for the form's width; the width is
// the widest cell's.
func (g *FlowGrid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	vis := visibleObjects(objs)
	n := g.cols(vis)
	var w, h float32
	for i := 0; i < len(vis); i += n {
		rowH := float32(0)
		for _, o := range vis[i:min(i+n, len(vis))] {
			m := o.MinSize()
			w = fyne.Max(w, m.Width)
			rowH = fyne.Max(rowH, m.Height)
		}
		if i > 0 {
			h += pad
		}
		h += rowH
	}
	return fyne.NewSize(w, h)
}

// WidthSpy lays its objects out on top of each other at its full size,
// first recording its width in *width: the flowGrids inside a screen that
// is not a form page follow it, as a form's follow formPage.
type WidthSpy struct {
	// Width receives the width of each layout.
	Width *float32
}

// Layout records the width, then gives every object the whole size.
func (l WidthSpy) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	*l.Width = size.Width
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// MinSize is the largest of the objects'.
func (WidthSpy) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

// TightVBox stacks objects with no padding (a label over its input over
// its message), skipping hidden ones.
type TightVBox struct{}

// Layout stacks the visible objects at full width.
func (TightVBox) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for _, o := range visibleObjects(objs) {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h
	}
}

// MinSize is the widest object and the heights added up.
func (TightVBox) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m := measure(objs)
	return fyne.NewSize(m.widest, m.height)
}

// formPage lays out a form screen: the scrolling form, an optional side
// panel (live results) and the action bar. Wide: the panel is a column on
// the right; narrow: it sits above the action bar.
type formPage struct {
	// sideWidth is the panel's width in the wide layout; wideFrom the
	// width from which the wide layout is used.
	sideWidth, wideFrom float32
	// width receives the form's width before the form is laid out (the
	// kit's width, which its grids follow).
	width *float32
}

// Layout expects [form, side, compact, bar]. Wide, side is a column on the
// right; narrow, compact (a short summary of side) sits above the bar and
// side is hidden. A page without a panel has both hidden.
func (p *formPage) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	form, side, compact, bar := objs[0], objs[1], objs[2], objs[3]
	barH := bar.MinSize().Height
	bar.Move(fyne.NewPos(0, size.Height-barH))
	bar.Resize(fyne.NewSize(size.Width, barH))
	avail := size.Height - barH
	// The panel widens to what its lines need at large text sizes, as
	// long as the form keeps the width it has beside the usual panel;
	// beyond that the page is narrow.
	sw := fyne.Max(p.sideWidth, side.MinSize().Width)
	wide := p.sideWidth > 0 && size.Width >= p.wideFrom && size.Width-sw >= p.wideFrom-p.sideWidth
	fw, fh := size.Width, avail
	switch {
	case p.sideWidth == 0:
	case wide:
		fw = size.Width - sw
		side.Show()
		compact.Hide()
		side.Move(fyne.NewPos(fw, 0))
		side.Resize(fyne.NewSize(sw, avail))
	default:
		side.Hide()
		compact.Show()
		ch := fyne.Min(compact.MinSize().Height, avail*0.3)
		fh = avail - ch
		compact.Move(fyne.NewPos(0, fh))
		compact.Resize(fyne.NewSize(size.Width, ch))
	}
	if p.width != nil {
		*p.width = fw
	}
	form.Move(fyne.NewPos(0, 0))
	form.Resize(fyne.NewSize(fw, fh))
}

// MinSize is small: the form scrolls.
func (p *formPage) MinSize(objs []fyne.CanvasObject) fyne.Size {
	bar := objs[3].MinSize()
	return fyne.NewSize(bar.Width, bar.Height+200)
}

// Page builds a form screen's layout; side and compact may be nil for a
// form without a results panel.
func (k *FormKit) Page(form, side, compact, bar fyne.CanvasObject, sideWidth float32) fyne.CanvasObject {
	p := &formPage{sideWidth: sideWidth, wideFrom: 960, width: &k.width}
	if side == nil {
		side, compact = container.NewStack(), container.NewStack()
		side.Hide()
		compact.Hide()
		p.sideWidth = 0
	}
	return container.New(p, form, side, compact, bar)
}
