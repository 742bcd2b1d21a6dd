//go:build ignore

// Command render_icon renders icon.svg to icon.png with the SVG rasteriser
// Fyne itself uses (oksvg + rasterx), so the PNG matches what Fyne would draw
// from the SVG. ImageMagick's built-in SVG reader cannot fill shapes with a
// userSpaceOnUse gradient, which the icon uses for its doorway and badge ring.
//
// Usage, from assets/: go run render_icon.go icon.svg icon.png 512
package main

import (
	"image"
	"image/png"
	"log"
	"os"
	"strconv"

	"github.com/fyne-io/oksvg"
	"github.com/srwiley/rasterx"
)

func main() {
	if len(os.Args) != 4 {
		log.Fatal("usage: go run render_icon.go IN.svg OUT.png SIZE")
	}
	size, err := strconv.Atoi(os.Args[3])
	if err != nil || size <= 0 {
		log.Fatalf("bad size %q", os.Args[3])
	}
	in, err := os.Open(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	defer in.Close()
	icon, err := oksvg.ReadIconStream(in, oksvg.StrictErrorMode)
	if err != nil {
		log.Fatal(err)
	}
	icon.SetTarget(0, 0, float64(size), float64(size))
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	scanner := rasterx.NewScannerGV(size, size, img, img.Bounds())
	icon.Draw(rasterx.NewDasher(size, size, scanner), 1)

	out, err := os.Create(os.Args[2])
	if err != nil {
		log.Fatal(err)
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(out, img); err != nil {
		log.Fatal(err)
	}
	if err := out.Close(); err != nil {
		log.Fatal(err)
	}
}
