package main

import (
	"image"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TestCaptureClipped: an entry scrolled below the end of its scroll is
// not drawn over what lies under the scroll (Fyne's software painter draws
// it; the real one does not), while what is in view stays drawn.
func TestCaptureClipped(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewWindow(nil)
	defer w.Close()
	top := widget.NewEntry()
	top.SetText("visible")
	gap := canvas.NewRectangle(color.Transparent)
	gap.SetMinSize(fyne.NewSize(10, 60))
	hidden := widget.NewEntry()
	hidden.SetText("scrolled out of view")
	scroll := container.NewVScroll(container.NewVBox(top, gap, hidden))
	under := canvas.NewRectangle(color.Transparent) // an empty bar under the scroll
	under.SetMinSize(fyne.NewSize(10, 100))
	w.SetContent(container.NewBorder(nil, under, nil, nil, scroll))
	w.Resize(fyne.NewSize(300, 220))

	// The scroll shows the first entry and the top of the second, whose
	// rest is scrolled out of view over the empty bar. (The window pads its
	// content: the bar starts a little lower.)
	barTop := int(scroll.Size().Height + 2*theme.Padding())
	if hidden.Position().Y+hidden.Size().Height < scroll.Size().Height+20 {
		t.Fatalf("the fixture's second entry is in view (scroll %v, entry at %v)", scroll.Size(), hidden.Position())
	}
	bar := image.Rect(0, barTop+1, 300, 220)
	plain := func(img image.Image) bool {
		bg := img.At(bar.Max.X-1, bar.Max.Y-1)
		for y := bar.Min.Y; y < bar.Max.Y; y++ {
			for x := bar.Min.X; x < bar.Max.X; x++ {
				if img.At(x, y) != bg {
					return false
				}
			}
		}
		return true
	}
	if plain(w.Canvas().Capture()) {
		t.Skip("Fyne's painter clips nested scrolls now: captureClipped is no longer needed")
	}
	got := captureClipped(w.Canvas())
	if !plain(got) {
		t.Error("the entry scrolled out of view is drawn under the scroll")
	}
	// What is in view is as the painter drew it.
	full := w.Canvas().Capture()
	view := image.Rect(0, 0, 300, barTop)
	for y := view.Min.Y; y < view.Max.Y; y++ {
		for x := view.Min.X; x < view.Max.X; x++ {
			if got.At(x, y) != full.At(x, y) {
				t.Fatalf("pixel %d,%d in view changed", x, y)
			}
		}
	}
	if !top.Visible() || !hidden.Visible() {
		t.Error("captureClipped left objects hidden")
	}
}
