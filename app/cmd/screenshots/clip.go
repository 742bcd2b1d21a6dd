package main

import (
	"image"
	"image/draw"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// Fyne's software painter (the test driver's, which renders these shots)
// clips each object to its nearest clipping ancestor only, not to the
// intersection of all of them: an entry (which scrolls its own text, so
// clips) inside a scrolled form is drawn in full even when the form has
// scrolled it out of view, over the bars at the form's edges. The GL
// painter of the real app intersects the clips. captureClipped renders what
// the real app shows.

// overflow is a clipping object that reaches outside the clip of its
// ancestors, and the part of it that is really visible.
type overflow struct {
	obj     fyne.CanvasObject
	visible image.Rectangle // in canvas units; may be empty
}

// captureClipped captures c as the GL painter would draw it. It paints
// twice when some clipping object overflows its ancestors' clip: as is,
// and with those objects hidden; the result is the second image with the
// visible part of each overflowing object taken from the first.
func captureClipped(c fyne.Canvas) image.Image {
	full := c.Capture()
	over := overflows(c)
	if len(over) == 0 {
		return full
	}
	for _, o := range over {
		o.obj.Hide()
	}
	bare := c.Capture()
	for _, o := range over {
		o.obj.Show()
	}
	out := image.NewNRGBA(bare.Bounds())
	draw.Draw(out, out.Bounds(), bare, bare.Bounds().Min, draw.Src)
	s := c.Scale()
	for _, o := range over {
		r := image.Rect(int(float32(o.visible.Min.X)*s), int(float32(o.visible.Min.Y)*s),
			int(float32(o.visible.Max.X)*s), int(float32(o.visible.Max.Y)*s)).Intersect(out.Bounds())
		draw.Draw(out, r, full, r.Min, draw.Src)
	}
	return out
}

// overflows lists the visible clipping objects of c (content and
// overlays) that reach outside the intersection of their ancestors' clips.
func overflows(c fyne.Canvas) []overflow {
	size := c.Size()
	screen := image.Rect(0, 0, int(size.Width+0.5), int(size.Height+0.5))
	var out []overflow
	var walk func(o fyne.CanvasObject, offset fyne.Position, clip image.Rectangle)
	walk = func(o fyne.CanvasObject, offset fyne.Position, clip image.Rectangle) {
		if o == nil || !o.Visible() {
			return
		}
		pos := o.Position().Add(offset)
		var children []fyne.CanvasObject
		switch v := o.(type) {
		case *fyne.Container:
			children = v.Objects
		case fyne.Widget:
			children = test.WidgetRenderer(v).Objects()
		}
		if isClip(o) {
			r := image.Rect(int(pos.X), int(pos.Y), int(pos.X+o.Size().Width+0.5), int(pos.Y+o.Size().Height+0.5))
			if !r.In(clip) {
				out = append(out, overflow{obj: o, visible: r.Intersect(clip)})
			}
			clip = r.Intersect(clip)
		}
		for _, ch := range children {
			walk(ch, pos, clip)
		}
	}
	walk(c.Content(), fyne.Position{}, screen)
	for _, o := range c.Overlays().List() {
		walk(o, fyne.Position{}, screen)
	}
	return out
}

// isClip reports whether the painter clips o's children to o, as Fyne's
// drivers decide: scrollable objects, and widgets whose renderer says so.
func isClip(o fyne.CanvasObject) bool {
	if _, ok := o.(fyne.Scrollable); ok {
		return true
	}
	w, ok := o.(fyne.Widget)
	if !ok {
		return false
	}
	_, clip := test.WidgetRenderer(w).(interface{ IsClip() })
	return clip
}
