package kit

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// ColumnsLayout shows its objects in two columns when wide enough (each
// object goes to the shorter column, in order) and in one column otherwise. It suits detail screens whose sections are cards.
type ColumnsLayout struct {
	// MinColumn is the narrowest a column may be before falling back to
	// one column.
	MinColumn float32
}

func (l ColumnsLayout) twoColumns(width float32) bool {
	return width >= 2*l.MinColumn+theme.Padding()
}

// Layout places the objects in one or two columns, each at its height for the column width.
func (l ColumnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
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
func (l ColumnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
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
