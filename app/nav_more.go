package app

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// moreKeys are the destinations the navigation bar has no room for (under
// More), in order, as laid out last.
func (s *shell) moreKeys() []string {
	var out []string
	for _, i := range s.navLayout.Overflow() {
		if i < len(s.dests) {
			out = append(out, s.dests[i].key)
		}
	}
	return out
}

// markMore highlights More when the destination on display is one of its.
func (s *shell) markMore() {
	imp := widget.LowImportance
	if slices.Contains(s.moreKeys(), s.current) {
		imp = widget.HighImportance
	}
	if s.more.Importance != imp {
		s.more.Importance = imp
		s.more.Refresh()
	}
}

// showMore opens the More menu over the navigation bar: one full-width
// row, as tall as any button, for each destination that did not fit.
func (s *shell) showMore() {
	c := fyne.CurrentApp().Driver().CanvasForObject(s.more)
	if c == nil {
		return
	}
	var pop *widget.PopUp
	rows := container.NewVBox()
	for _, key := range s.moreKeys() {
		i := slices.IndexFunc(s.dests, func(d destination) bool { return d.key == key })
		b := widget.NewButtonWithIcon(lang.L(key), s.dests[i].icon, func() {
			s.x.touch()
			pop.Hide()
			s.show(key)
		})
		b.Alignment = widget.ButtonAlignLeading
		if key == s.current {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.LowImportance
		}
		rows.Add(b)
	}
	scroll := container.NewVScroll(rows)
	pop = widget.NewPopUp(scroll, c) // a tap beside it closes it
	// The rows' size with the pop-up's padding around them.
	size := rows.MinSize().Add(pop.MinSize().Subtract(scroll.MinSize()))
	size.Width = fyne.Max(size.Width, s.more.Size().Width)
	size.Height = fyne.Min(size.Height, c.Size().Height*3/4)
	pop.Resize(size)
	// Above More, its right edge in the window.
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(s.more)
	x := fyne.Min(at.X, c.Size().Width-size.Width)
	y := fyne.Max(0, at.Y-size.Height)
	pop.ShowAtPosition(fyne.NewPos(fyne.Max(0, x), y))
}
