package main

import (
	"cmp"
	"image"
	"image/color"
	"slices"
)

// paletted converts a screenshot to at most 256 colours so its PNG stays
// small (a few tens of kB instead of a few hundred). A screen has few
// colours — the theme's and the anti-aliasing ramps of text — so the 256
// most frequent are kept exactly and each rarer one is drawn with the
// nearest kept colour; an image with 256 colours or fewer is unchanged.
func paletted(img image.Image) *image.Paletted {
	b := img.Bounds()
	counts := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			counts[rgba(img.At(x, y))]++
		}
	}
	colors := make([]color.RGBA, 0, len(counts))
	for c := range counts {
		colors = append(colors, c)
	}
	slices.SortFunc(colors, func(a, b color.RGBA) int {
		if c := cmp.Compare(counts[b], counts[a]); c != 0 {
			return c
		}
		return cmp.Compare(packRGBA(a), packRGBA(b))
	})
	pal := make(color.Palette, 0, 256)
	index := map[color.RGBA]uint8{}
	for _, c := range colors[:min(256, len(colors))] {
		index[c] = uint8(len(pal))
		pal = append(pal, c)
	}
	out := image.NewPaletted(b, pal)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := rgba(img.At(x, y))
			i, ok := index[c]
			if !ok {
				i = uint8(pal.Index(c))
				index[c] = i
			}
			out.SetColorIndex(x, y, i)
		}
	}
	return out
}

func rgba(c color.Color) color.RGBA {
	return color.RGBAModel.Convert(c).(color.RGBA)
}

func packRGBA(c color.RGBA) uint32 {
	return uint32(c.R)<<24 | uint32(c.G)<<16 | uint32(c.B)<<8 | uint32(c.A)
}
