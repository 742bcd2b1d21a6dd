package kit

import (
	"slices"

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
// window and the navigation is a bar along the bottom, where thumbs reach
// it, in one row (what does not fit is under its More button, NavLayout).
type ShellLayout struct{}

// Layout places top bar, navigation and body for the orientation of size.
func (ShellLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	top, nav, body := objs[0], objs[1], objs[2]
	if landscape(size) {
		// As wide as the widest button's label at the text size.
		nw := fyne.Max(navWidth, nav.MinSize().Width)
		// The top bar's height at its width: it may take two rows.
		topH := heightAt(top, size.Width-nw)
		nav.Move(fyne.NewPos(0, 0))
		nav.Resize(fyne.NewSize(nw, size.Height))
		top.Move(fyne.NewPos(nw, 0))
		top.Resize(fyne.NewSize(size.Width-nw, topH))
		body.Move(fyne.NewPos(nw, topH))
		body.Resize(fyne.NewSize(size.Width-nw, size.Height-topH))
		return
	}
	topH := heightAt(top, size.Width)
	// One row of buttons, and the bar's padding around it.
	navH := nav.MinSize().Height
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
// taller than wide (the landscape sidebar) and shares the width equally
// in one row when wider than tall (the portrait bottom bar). When not
// every button fits, the last place goes to the More button and the
// buttons that do not fit are hidden: Overflow lists them, for More to
// offer as a menu.
type NavLayout struct {
	// More is the More button, the container's last object; nil when
	// there is none (every button must then fit).
	More fyne.CanvasObject
	// OnOverflow, when set, is called after a layout that changed which
	// buttons are under More (the window turned, the text grew).
	OnOverflow func()
	// overflow holds the indices of the buttons hidden at the last layout.
	overflow []int
}

// Overflow returns the indices (among the buttons, More excluded) of the
// buttons that did not fit at the last layout, in order.
func (l *NavLayout) Overflow() []int { return slices.Clone(l.overflow) }

// buttons are the objects other than More.
func (l *NavLayout) buttons(objs []fyne.CanvasObject) []fyne.CanvasObject {
	if l.More != nil && len(objs) > 0 && objs[len(objs)-1] == l.More {
		return objs[:len(objs)-1]
	}
	return objs
}

// rowHeight is the height of one row of buttons.
func (*NavLayout) rowHeight(objs []fyne.CanvasObject) float32 {
	var h float32
	for _, o := range objs {
		h = fyne.Max(h, o.MinSize().Height)
	}
	return h * 1.25
}

// buttonWidth is the widest button's minimum width.
func (*NavLayout) buttonWidth(objs []fyne.CanvasObject) float32 {
	var w float32
	for _, o := range objs {
		w = fyne.Max(w, o.MinSize().Width)
	}
	return w
}

// Layout stacks the buttons (sidebar) or lays them in a row (bottom bar),
// as many as fit, the More button last when some do not.
func (l *NavLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	btns := l.buttons(objs)
	rowH := l.rowHeight(objs)
	vertical := size.Height > size.Width
	var fits int
	if vertical {
		fits = int((size.Height + pad) / (rowH + pad))
	} else {
		fits = int((size.Width + pad) / (l.buttonWidth(objs) + pad))
	}
	fits = max(1, fits)
	shown := len(btns)
	was := l.overflow
	l.overflow = nil
	if shown > fits && l.More != nil {
		shown = fits - 1
		for i := shown; i < len(btns); i++ {
			l.overflow = append(l.overflow, i)
		}
	}
	if l.OnOverflow != nil && !slices.Equal(was, l.overflow) {
		defer l.OnOverflow()
	}
	place := make([]fyne.CanvasObject, 0, shown+1)
	for i, b := range btns {
		if i < shown {
			b.Show()
			place = append(place, b)
		} else {
			b.Hide()
		}
	}
	if l.More != nil {
		if len(l.overflow) > 0 {
			l.More.Show()
			place = append(place, l.More)
		} else {
			l.More.Hide()
		}
	}
	if len(place) == 0 {
		return
	}
	if vertical {
		for i, o := range place {
			o.Move(fyne.NewPos(0, float32(i)*(rowH+pad)))
			o.Resize(fyne.NewSize(size.Width, rowH))
		}
		return
	}
	n := float32(len(place))
	w := (size.Width - pad*(n-1)) / n
	for i, o := range place {
		o.Move(fyne.NewPos(float32(i)*(w+pad), 0))
		o.Resize(fyne.NewSize(w, rowH))
	}
}

// MinSize is one button's width and one row's height.
func (l *NavLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(l.buttonWidth(objs), l.rowHeight(objs))
}
