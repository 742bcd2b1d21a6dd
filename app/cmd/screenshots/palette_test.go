package main

import (
	"image"
	"image/color"
	"testing"
)

func TestPalettedKeepsFewColoursExactly(t *testing.T) {
	// 256 frequent colours (10 pixels each) and 44 rare ones (1 pixel
	// each), each 2 away from a frequent one.
	img := image.NewRGBA(image.Rect(0, 0, 2604, 1))
	for i := 0; i < 2560; i++ {
		img.Set(i, 0, color.RGBA{uint8(i / 10), 100, 200, 255})
	}
	for i := 0; i < 44; i++ {
		img.Set(2560+i, 0, color.RGBA{uint8(i * 5), 102, 200, 255})
	}
	small := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := 0; i < 256; i++ {
		small.Set(i%16, i/16, color.RGBA{uint8(i), uint8(255 - i), uint8(i / 2), 255})
	}
	p := paletted(small)
	for i := 0; i < 256; i++ {
		if got, want := rgba(p.At(i%16, i/16)), rgba(small.At(i%16, i/16)); got != want {
			t.Fatalf("pixel %d: %v, want %v", i, got, want)
		}
	}
	q := paletted(img)
	if len(q.Palette) != 256 {
		t.Fatalf("palette of %d colours", len(q.Palette))
	}
	// A colour that did not make the palette is drawn with a near one.
	for x := 0; x < 2604; x++ {
		a, b := rgba(img.At(x, 0)), rgba(q.At(x, 0))
		if d := max(diff(a.R, b.R), diff(a.G, b.G), diff(a.B, b.B)); d > 2 {
			t.Fatalf("x=%d: %v drawn as %v", x, a, b)
		}
	}
}

func diff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}
