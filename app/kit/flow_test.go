package kit

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// box is an object of a fixed minimum size.
func box(w, h float32) fyne.CanvasObject {
	r := canvas.NewRectangle(nil)
	r.SetMinSize(fyne.NewSize(w, h))
	return r
}

// TestFlowWrapsIntoRows: three 100-wide objects sit in one row at 400 and
// in two rows at 250; the flow is never wider than its widest object asks,
// and reports the height of the rows it laid out.
func TestFlowWrapsIntoRows(t *testing.T) {
	test.NewTempApp(t)
	a, b, c := box(100, 40), box(100, 40), box(100, 40)
	f := NewFlow(a, b, c)
	f.Resize(fyne.NewSize(400, 40))
	if c.Position().Y != 0 || c.Position().X <= b.Position().X {
		t.Fatalf("at 400 wide the third is at %v", c.Position())
	}
	f.Resize(fyne.NewSize(250, 40))
	if c.Position().X != 0 || c.Position().Y <= 40 {
		t.Fatalf("at 250 wide the third is at %v, want the start of a second row", c.Position())
	}
	if m := f.MinSize(); m.Width != 100 || m.Height < 80 {
		t.Fatalf("min size at 250 wide %v, want 100 wide and two rows tall", m)
	}
}

// TestTrailingMovesBelowWhenNarrow: a label's trailing button sits at its
// end while the label's text fits beside it and goes below, at the start,
// when it does not.
func TestTrailingMovesBelowWhenNarrow(t *testing.T) {
	test.NewTempApp(t)
	l := WrapLabel("共6人次，10,800.00 元")
	b := widget.NewButton("导出", nil)
	c := NewTrailing(l, b)
	c.Resize(fyne.NewSize(900, 60))
	if b.Position().Y != l.Position().Y && b.Position().X < 900-b.MinSize().Width-1 {
		t.Fatalf("at 900 wide the button is at %v", b.Position())
	}
	c.Resize(fyne.NewSize(200, 60))
	if b.Position().X != 0 || b.Position().Y < l.Size().Height {
		t.Fatalf("at 200 wide the button is at %v, want under the label (%v)", b.Position(), l.Size())
	}
	if l.Size().Width != 200 {
		t.Fatalf("at 200 wide the label is %v wide, want all of it", l.Size().Width)
	}
	if h := c.MinSize().Height; h < l.Size().Height+b.MinSize().Height {
		t.Fatalf("stacked min height %v, want both", h)
	}
}

// TestSideBySideStacksInPortrait: side by side in landscape when both
// fit, one over the other in portrait.
func TestSideBySideStacksInPortrait(t *testing.T) {
	test.NewTempApp(t)
	a, b := box(300, 100), box(300, 100)
	c := NewSideBySide(0.6, a, b)
	c.Resize(fyne.NewSize(1000, 600))
	if b.Position().Y != 0 || b.Position().X < 300 {
		t.Fatalf("landscape: second at %v", b.Position())
	}
	c.Resize(fyne.NewSize(600, 1000))
	if b.Position().X != 0 || b.Position().Y < 100 || b.Size().Width != 600 {
		t.Fatalf("portrait: second at %v size %v", b.Position(), b.Size())
	}
}

// TestGridDropsColumnsWhenNarrow: four 150-wide objects in four columns
// at 700, two at 400, one at 200.
func TestGridDropsColumnsWhenNarrow(t *testing.T) {
	test.NewTempApp(t)
	objs := []fyne.CanvasObject{box(150, 40), box(150, 40), box(150, 40), box(150, 40)}
	g := NewGrid(4, objs...)
	for _, c := range []struct {
		width float32
		cols  int
	}{{700, 4}, {400, 2}, {200, 1}} {
		g.Resize(fyne.NewSize(c.width, 40))
		cols := 0
		for _, o := range objs {
			if o.Position().Y == 0 {
				cols++
			}
			if o.Size().Width < 150 {
				t.Errorf("at %v wide a cell is %v wide", c.width, o.Size().Width)
			}
		}
		if cols != c.cols {
			t.Errorf("at %v wide %d columns, want %d", c.width, cols, c.cols)
		}
	}
}
