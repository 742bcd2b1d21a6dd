package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// landscape reports whether a size is wider than tall.
func landscape(s fyne.Size) bool { return s.Width >= s.Height }

// navWidth is the sidebar width in landscape.
const navWidth = 210

// shellLayout places the shell's three objects — top bar, navigation, body —
// for the window's orientation: in landscape the navigation is a sidebar on
// the left and the top bar spans the rest; in portrait the top bar spans the
// window and the navigation is a bar along the bottom, where thumbs reach it
// (in as many rows as its buttons need).
type shellLayout struct {
	nav    *navLayout
	navObj *fyne.Container
}

// Layout places top bar, navigation and body for the orientation of size.
func (l shellLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	top, nav, body := objs[0], objs[1], objs[2]
	topH := top.MinSize().Height
	if landscape(size) {
		nav.Move(fyne.NewPos(0, 0))
		nav.Resize(fyne.NewSize(navWidth, size.Height))
		top.Move(fyne.NewPos(navWidth, 0))
		top.Resize(fyne.NewSize(size.Width-navWidth, topH))
		body.Move(fyne.NewPos(navWidth, topH))
		body.Resize(fyne.NewSize(size.Width-navWidth, size.Height-topH))
		return
	}
	// The bar's padding around the buttons is its minimum height less one
	// row of buttons.
	pad := nav.MinSize().Height - l.nav.rowHeight(l.navObj.Objects)
	navH := l.nav.barHeight(l.navObj.Objects, size.Width-pad) + pad
	top.Move(fyne.NewPos(0, 0))
	top.Resize(fyne.NewSize(size.Width, topH))
	body.Move(fyne.NewPos(0, topH))
	body.Resize(fyne.NewSize(size.Width, size.Height-topH-navH))
	nav.Move(fyne.NewPos(0, size.Height-navH))
	nav.Resize(fyne.NewSize(size.Width, navH))
}

// MinSize is the portrait arrangement's minimum.
func (shellLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	top, nav, body := objs[0].MinSize(), objs[1].MinSize(), objs[2].MinSize()
	return fyne.NewSize(fyne.Max(top.Width, body.Width), top.Height+body.Height+nav.Height)
}

// navLayout stacks the navigation buttons vertically when its space is
// taller than wide (the landscape sidebar); when wider than tall (the
// portrait bottom bar) it shares the width equally, wrapping into more rows
// when the buttons do not fit in one.
type navLayout struct{}

// rowHeight is the height of one row of buttons.
func (navLayout) rowHeight(objs []fyne.CanvasObject) float32 {
	var h float32
	for _, o := range objs {
		h = fyne.Max(h, o.MinSize().Height)
	}
	return h * 1.25
}

// columns is how many buttons fit side by side in width.
func (navLayout) columns(objs []fyne.CanvasObject, width float32) int {
	var w float32
	for _, o := range objs {
		w = fyne.Max(w, o.MinSize().Width)
	}
	n := int((width + theme.Padding()) / (w + theme.Padding()))
	return max(1, min(n, len(objs)))
}

// barHeight is the height of the horizontal bar at width.
func (l navLayout) barHeight(objs []fyne.CanvasObject, width float32) float32 {
	if len(objs) == 0 {
		return 0
	}
	cols := l.columns(objs, width)
	rows := (len(objs) + cols - 1) / cols
	return float32(rows)*l.rowHeight(objs) + float32(rows-1)*theme.Padding()
}

// Layout stacks the buttons (sidebar) or lays them in rows (bottom bar).
func (l navLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	rowH := l.rowHeight(objs)
	if size.Height > size.Width {
		y := float32(0)
		for _, o := range objs {
			o.Move(fyne.NewPos(0, y))
			o.Resize(fyne.NewSize(size.Width, rowH))
			y += rowH + pad
		}
		return
	}
	if len(objs) == 0 {
		return
	}
	cols := l.columns(objs, size.Width)
	w := (size.Width - pad*float32(cols-1)) / float32(cols)
	for i, o := range objs {
		r, c := i/cols, i%cols
		o.Move(fyne.NewPos(float32(c)*(w+pad), float32(r)*(rowH+pad)))
		o.Resize(fyne.NewSize(w, rowH))
	}
}

// MinSize is one button's width and one row's height.
func (l navLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w float32
	for _, o := range objs {
		w = fyne.Max(w, o.MinSize().Width)
	}
	return fyne.NewSize(w, l.rowHeight(objs))
}

// columnsLayout shows its objects in two columns when wide enough (each
// object goes to the shorter column, in order) and in one column otherwise. It suits detail screens whose sections are cards.
type columnsLayout struct {
	// minColumn is the narrowest a column may be before falling back to
	// one column.
	minColumn float32
}

func (l columnsLayout) twoColumns(width float32) bool {
	return width >= 2*l.minColumn+theme.Padding()
}

// Layout places the objects in one or two columns, each at its height for the column width.
func (l columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	if !l.twoColumns(size.Width) {
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
func (l columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	n := 0
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		w = fyne.Max(w, m.Width)
		h += m.Height
		n++
	}
	if n > 1 {
		h += theme.Padding() * float32(n-1)
	}
	return fyne.NewSize(w, h)
}

// heightAt returns o's minimum height when it is w wide. Wrapped text
// measures its height at its current width, so o is resized to w first.
func heightAt(o fyne.CanvasObject, w float32) float32 {
	o.Resize(fyne.NewSize(w, o.MinSize().Height))
	return o.MinSize().Height
}

// centeredLayout shows its one object centred, at most maxWidth wide (less
// when the space is narrower) and at its height for that width: a readable
// column for forms such as first run and the lock screen, in either
// orientation.
type centeredLayout struct{ maxWidth float32 }

// Layout centres the object at most maxWidth wide.
func (l centeredLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		w := fyne.Min(l.maxWidth, size.Width)
		h := heightAt(o, w)
		o.Move(fyne.NewPos((size.Width-w)/2, fyne.Max(0, (size.Height-h)/2)))
		o.Resize(fyne.NewSize(w, h))
	}
}

// MinSize is the object's minimum size.
func (l centeredLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}
