package kit

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// darkPixels counts the inked pixels of a PNG signature.
func darkPixels(t *testing.T, data []byte) (int, image.Rectangle) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
				n++
			}
		}
	}
	return n, b
}

func TestSignaturePadDrawsAndClears(t *testing.T) {
	test.NewTempApp(t)
	p := NewSignaturePad()
	w := test.NewWindow(p)
	defer w.Close()
	w.Resize(fyne.NewSize(600, 200))
	p.Resize(fyne.NewSize(600, 200))

	var got []byte
	calls := 0
	p.OnChanged = func(b []byte) { got, calls = b, calls+1 }
	test.Drag(w.Canvas(), fyne.NewPos(60, 80), 200, 40)
	if calls != 1 || got == nil {
		t.Fatalf("a stroke reported %d times, data %d bytes", calls, len(got))
	}
	ink, bounds := darkPixels(t, got)
	if bounds.Dx() != SignatureW || bounds.Dy() != SignatureH || ink < 200 {
		t.Errorf("signature %v with %d inked pixels", bounds, ink)
	}
	p.Tapped(&fyne.PointEvent{Position: fyne.NewPos(400, 100)})
	more, _ := darkPixels(t, got)
	if calls != 2 || more <= ink {
		t.Errorf("a tap added no dot: %d calls, %d → %d pixels", calls, ink, more)
	}

	// A stored signature is kept when more is drawn.
	img, _ := png.Decode(bytes.NewReader(got))
	q := NewSignaturePad()
	q.Resize(fyne.NewSize(300, 100))
	q.SetImage(img)
	if q.Empty() {
		t.Fatal("a restored signature counts as empty")
	}
	if n, _ := darkPixels(t, q.PNG()); n < more*9/10 {
		t.Errorf("restored signature lost ink: %d of %d pixels", n, more)
	}

	p.Disable()
	p.Tapped(&fyne.PointEvent{Position: fyne.NewPos(10, 10)})
	p.Clear()
	if calls != 2 || p.Empty() {
		t.Error("a disabled pad took input")
	}
	p.Enable()
	p.Clear()
	if calls != 3 || got != nil || !p.Empty() {
		t.Errorf("clear: %d calls, data %v, empty %v", calls, got != nil, p.Empty())
	}
}
