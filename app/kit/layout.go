package kit

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// ColumnsLayout shows its objects in two columns when wide enough (each
// object goes to the shorter column, in order) and in one column otherwise. It suits detail screens whose sections are cards.
type ColumnsLayout struct {
	// MinColumn is the narrowest a column may be before falling back to
	// one column.
	MinColumn float32
}

// twoColumns reports whether two columns fit in width: each at least
// MinColumn and as wide as every object's minimum.
func (l ColumnsLayout) twoColumns(objs []fyne.CanvasObject, width float32) bool {
	col := fyne.Max(l.MinColumn, measure(objs).widest)
	return width >= 2*col+theme.Padding()
}

// Layout places the objects in one or two columns, each at its height for the column width.
func (l ColumnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	if !l.twoColumns(objs, size.Width) {
		y := float32(0)
		for _, o := range objs {
			if !o.Visible() {
				continue
			}
			h := heightAt(o, size.Width)
			o.Move(fyne.NewPos(0, y))
			o.Resize(fyne.NewSize(size.Width, h))
			y += h + pad
		}
		return
	}
	w := (size.Width - pad) / 2
	ys := [2]float32{}
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		col := 0
		if ys[1] < ys[0] {
			col = 1
		}
		h := heightAt(o, w)
		o.Move(fyne.NewPos(float32(col)*(w+pad), ys[col]))
		o.Resize(fyne.NewSize(w, h))
		ys[col] += h + pad
	}
}

// MinSize is the one-column height: a scroll container around the layout
// asks for it before the width is known, and a two-column layout never
// needs more.
func (l ColumnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m := measure(objs)
	return fyne.NewSize(m.widest, m.height+m.gaps())
}

// measured is what the layouts need of their visible objects' minimum
// sizes.
type measured struct {
	widest        float32 // the widest object's width
	width, height float32 // the widths and the heights added up
	n             int     // how many objects are visible
}

// measure adds up the minimum sizes of the visible objects.
func measure(objs []fyne.CanvasObject) measured {
	var m measured
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		s := o.MinSize()
		m.widest = fyne.Max(m.widest, s.Width)
		m.width += s.Width
		m.height += s.Height
		m.n++
	}
	return m
}

// gaps is the padding between the visible objects in a row or column.
func (m measured) gaps() float32 {
	if m.n < 2 {
		return 0
	}
	return theme.Padding() * float32(m.n-1)
}

// heightAt returns o's minimum height when it is w wide. Wrapped text
// measures its height at its current width, so o is resized to w first.
func heightAt(o fyne.CanvasObject, w float32) float32 {
	o.Resize(fyne.NewSize(w, o.MinSize().Height))
	return o.MinSize().Height
}

// CenteredLayout shows its one object centred, at most maxWidth wide (less
// when the space is narrower) and at its height for that width: a readable
// column for forms such as first run and the lock screen, in either
// orientation.
type CenteredLayout struct {
	// MaxWidth is the widest the column grows.
	MaxWidth float32
}

// Layout centres the object at most maxWidth wide.
func (l CenteredLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		w := fyne.Min(l.MaxWidth, size.Width)
		h := heightAt(o, w)
		o.Move(fyne.NewPos((size.Width-w)/2, fyne.Max(0, (size.Height-h)/2)))
		o.Resize(fyne.NewSize(w, h))
	}
}

// MinSize is the object's minimum size.
func (l CenteredLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

// TileSize is the size of a figure tile (a label over a large value) at
// the theme's text size: 224×104 at standard text, growing with it.
func TileSize() fyne.Size {
	t := theme.TextSize()
	return fyne.NewSize(14*t, 6.5*t)
}

// SideBySideLayout puts two objects (a list and a form or detail beside
// it) side by side when the space is wider than tall and both fit at
// their minimum widths, the first taking Offset of the width; otherwise
// it stacks them, the first over the second, Offset of the height above.
// A split the user drags suits a desk in landscape; in portrait a form
// squeezed beside a list runs past the screen's edge.
type SideBySideLayout struct {
	// Offset is the first object's share of the width (or height), 0.5
	// when zero.
	Offset float32
	// StackedOffset, when set, is the first object's share of the height
	// when stacked instead of Offset: a narrow list beside a detail may
	// need more than its width's share of the height under filters.
	StackedOffset float32
}

// NewSideBySide returns a container laying first and second out side by
// side or stacked.
func NewSideBySide(offset float32, first, second fyne.CanvasObject) *fyne.Container {
	return container.New(SideBySideLayout{Offset: offset}, first, second)
}

func (l SideBySideLayout) offset() float32 {
	if l.Offset <= 0 || l.Offset >= 1 {
		return 0.5
	}
	return l.Offset
}

// Layout places the two objects for the shape of size.
func (l SideBySideLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	a, b := objs[0], objs[1]
	am, bm := a.MinSize(), b.MinSize()
	if size.Width >= size.Height && am.Width+pad+bm.Width <= size.Width {
		w := fyne.Min(fyne.Max((size.Width-pad)*l.offset(), am.Width), size.Width-pad-bm.Width)
		a.Move(fyne.Position{})
		a.Resize(fyne.NewSize(w, size.Height))
		b.Move(fyne.NewPos(w+pad, 0))
		b.Resize(fyne.NewSize(size.Width-w-pad, size.Height))
		return
	}
	// The first takes its share, more up to its minimum as long as the
	// second keeps its own minimum: a tall first (a list under filters
	// that scroll) must not push the second off the screen.
	share := l.offset()
	if l.StackedOffset > 0 && l.StackedOffset < 1 {
		share = l.StackedOffset
	}
	h := fyne.Max((size.Height-pad)*share, fyne.Min(am.Height, size.Height-pad-bm.Height))
	a.Move(fyne.Position{})
	a.Resize(fyne.NewSize(size.Width, h))
	b.Move(fyne.NewPos(0, h+pad))
	b.Resize(fyne.NewSize(size.Width, fyne.Max(size.Height-h-pad, bm.Height)))
}

// MinSize is the stacked arrangement's minimum.
func (l SideBySideLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	am, bm := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(fyne.Max(am.Width, bm.Width), am.Height+theme.Padding()+bm.Height)
}

// HeaderShare is the most of the height a header over a scrolling body
// takes (NewHeaderOver): at the largest text size in portrait a form's
// section index, or a register's filters and totals, is taller than the
// screen, and the body must keep the rest.
const HeaderShare = 0.4

// NewHeaderOver returns header over body, as a border layout would put
// them, except that the header gets at most HeaderShare of the height and
// scrolls when it needs more: the body (a form's sections, a list) is
// never squeezed to nothing.
func NewHeaderOver(header, body fyne.CanvasObject) *fyne.Container {
	return container.New(headerLayout{}, container.NewVScroll(header), body)
}

// headerLayout lays out [scroller around the header, body].
type headerLayout struct{}

// Layout gives the header its height, at most HeaderShare, and the body
// what is left.
func (headerLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	header, body := objs[0], objs[1]
	h := fyne.Min(headerHeight(header), size.Height*HeaderShare)
	header.Move(fyne.Position{})
	header.Resize(fyne.NewSize(size.Width, h))
	if s, ok := header.(*container.Scroll); ok {
		// A scroller keeping its size does not lay its content out
		// again: the header's new height (a problem list shown) would
		// be drawn in the old one.
		s.Refresh()
	}
	y := h
	if h > 0 {
		y += theme.Padding()
	}
	body.Move(fyne.NewPos(0, y))
	body.Resize(fyne.NewSize(size.Width, fyne.Max(size.Height-y, 0)))
}

// headerHeight is the height of the header inside its scroller (zero when
// it shows nothing).
func headerHeight(header fyne.CanvasObject) float32 {
	if s, ok := header.(*container.Scroll); ok && s.Content != nil {
		if !s.Content.Visible() {
			return 0
		}
		return s.Content.MinSize().Height
	}
	return header.MinSize().Height
}

// MinSize is the header at its full height over the body's minimum, so
// that a change in the header's height (a problem list shown or hidden)
// lays the two out again. A screen holding it in a fixed space (a form
// page, the shell) lets it have less, and the header scrolls.
func (headerLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	h := headerHeight(objs[0])
	if h > 0 {
		h += theme.Padding()
	}
	return fyne.NewSize(fyne.Max(a.Width, b.Width), h+b.Height)
}
