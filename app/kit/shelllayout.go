package kit

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// landscape reports whether a size is wider than tall.
func landscape(s fyne.Size) bool { return s.Width >= s.Height }

// navWidth is the sidebar width in landscape.
const navWidth = 210

// ShellLayout places the shell's three objects — top bar, navigation, body —
// for the window's orientation: in landscape the navigation is a sidebar on
// the left and the top bar spans the rest; in portrait the top bar spans the
// window and the navigation is a bar along the bottom, where thumbs reach it
// (in as many rows as its buttons need).
type ShellLayout struct {
	// Nav is the layout of the navigation buttons, NavObj their container.
	Nav    *NavLayout
	NavObj *fyne.Container
}

// Layout places top bar, navigation and body for the orientation of size.
func (l ShellLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
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
	pad := nav.MinSize().Height - l.Nav.rowHeight(l.NavObj.Objects)
	navH := l.Nav.barHeight(l.NavObj.Objects, size.Width-pad) + pad
	top.Move(fyne.NewPos(0, 0))
	top.Resize(fyne.NewSize(size.Width, topH))
	body.Move(fyne.NewPos(0, topH))
	body.Resize(fyne.NewSize(size.Width, size.Height-topH-navH))
	nav.Move(fyne.NewPos(0, size.Height-navH))
	nav.Resize(fyne.NewSize(size.Width, navH))
}

// MinSize is the portrait arrangement's minimum.
func (ShellLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	top, nav, body := objs[0].MinSize(), objs[1].MinSize(), objs[2].MinSize()
	return fyne.NewSize(fyne.Max(top.Width, body.Width), top.Height+body.Height+nav.Height)
}

// NavLayout stacks the navigation buttons vertically when its space is
// taller than wide (the landscape sidebar); when wider than tall (the
// portrait bottom bar) it shares the width equally, wrapping into more rows
// when the buttons do not fit in one.
type NavLayout struct{}

// rowHeight is the height of one row of buttons.
func (NavLayout) rowHeight(objs []fyne.CanvasObject) float32 {
	var h float32
	for _, o := range objs {
		h = fyne.Max(h, o.MinSize().Height)
	}
	return h * 1.25
}

// columns is how many buttons fit side by side in width.
func (NavLayout) columns(objs []fyne.CanvasObject, width float32) int {
	var w float32
	for _, o := range objs {
		w = fyne.Max(w, o.MinSize().Width)
	}
	n := int((width + theme.Padding()) / (w + theme.Padding()))
	return max(1, min(n, len(objs)))
}

// barHeight is the height of the horizontal bar at width.
func (l NavLayout) barHeight(objs []fyne.CanvasObject, width float32) float32 {
	if len(objs) == 0 {
		return 0
	}
	cols := l.columns(objs, width)
	rows := (len(objs) + cols - 1) / cols
	return float32(rows)*l.rowHeight(objs) + float32(rows-1)*theme.Padding()
}

// Layout stacks the buttons (sidebar) or lays them in rows (bottom bar).
func (l NavLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
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
func (l NavLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w float32
	for _, o := range objs {
		w = fyne.Max(w, o.MinSize().Width)
	}
	return fyne.NewSize(w, l.rowHeight(objs))
}
